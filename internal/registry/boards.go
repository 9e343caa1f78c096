package registry

import (
	"encoding/json"

	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// BoardJSON decodes a new board from body, strictly (an unknown member is
// refused, naming it): id, name_vi, name_en, province, website. The
// board's rules are zonegis.Board.Validate's, checked when it is written.
func BoardJSON(body []byte) (*zonegis.Board, error) {
	var in struct {
		ID       string `json:"id"`
		NameVI   string `json:"name_vi"`
		NameEN   string `json:"name_en"`
		Province string `json:"province"`
		Website  string `json:"website"`
	}
	if err := featurejson.DecodeStrict(body, &in, "body"); err != nil {
		return nil, err
	}
	return &zonegis.Board{ID: in.ID, NameVI: in.NameVI, NameEN: in.NameEN, Province: in.Province, Website: in.Website}, nil
}

// BoardPatchJSON decodes the change a PATCH of board id makes: the fields
// given replace the board's, website null clears it; the names and the
// province cannot be null, and the id, when given, must be id (a board's
// id cannot change). Errors: EINVALID naming the field.
func BoardPatchJSON(id string, body []byte) (zonegis.BoardPatch, error) {
	var in struct {
		ID       *string `json:"id"`
		NameVI   *string `json:"name_vi"`
		NameEN   *string `json:"name_en"`
		Province *string `json:"province"`
		Website  *string `json:"website"`
	}
	if err := featurejson.DecodeStrict(body, &in, "body"); err != nil {
		return zonegis.BoardPatch{}, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return zonegis.BoardPatch{}, invalid("body: want a JSON object of the fields to change")
	}
	for _, k := range []string{"id", "name_vi", "name_en", "province"} {
		if string(fields[k]) == "null" {
			return zonegis.BoardPatch{}, invalid("%s cannot be null; it is required", k)
		}
	}
	if in.ID != nil && *in.ID != id {
		return zonegis.BoardPatch{}, invalid("id: the body names board %q but the URL board %q; a board's id cannot change (or leave id out)", *in.ID, id)
	}
	if string(fields["website"]) == "null" {
		empty := ""
		in.Website = &empty
	}
	return zonegis.BoardPatch{NameVI: in.NameVI, NameEN: in.NameEN, Province: in.Province, Website: in.Website}, nil
}
