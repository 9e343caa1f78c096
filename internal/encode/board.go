package encode

import (
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// BoardJSON is a management board as the API writes it.
type BoardJSON struct {
	ID        string    `json:"id"`
	NameVI    string    `json:"name_vi"`
	NameEN    string    `json:"name_en"`
	Province  string    `json:"province"`
	Website   string    `json:"website,omitempty"`
	Version   int64     `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Board is b as the API writes it.
func Board(b *zonegis.Board) BoardJSON {
	return BoardJSON{b.ID, b.NameVI, b.NameEN, b.Province, b.Website, b.Version, b.UpdatedAt}
}

// Boards is the answer of GET /boards: every board of bs, in their order.
func Boards(bs []*zonegis.Board) map[string]any {
	out := make([]BoardJSON, 0, len(bs))
	for _, b := range bs {
		out = append(out, Board(b))
	}
	return map[string]any{"boards": out}
}
