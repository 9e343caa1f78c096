package registry

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// The audit trail as admins read it (ReadAudit): which entries a request
// selects and how each is shown.

// AuditParams are the parameters of ParseAuditFilter.
var AuditParams = []string{"collection", "item_id", "before", "limit"}

// ParseAuditFilter reads an audit request's parameters with get (the text
// of a parameter, "" when absent): collection, item_id and before (ids,
// positive) and limit (1 to 1000, default 100). Errors: EINVALID naming
// the parameter.
func ParseAuditFilter(get func(name string) string) (zonegis.AuditFilter, error) {
	f := zonegis.AuditFilter{Collection: get("collection"), Limit: 100}
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"item_id", &f.ItemID}, {"before", &f.BeforeID}} {
		if v := get(p.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				return f, invalid("%s: want a positive whole number", p.name)
			}
			*p.dst = n
		}
	}
	if v := get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return f, invalid("limit: want a whole number from 1 to 1000")
		}
		f.Limit = n
	}
	return f, nil
}

// AuditView is an audit entry as the API shows it: the record before and
// after the write as JSON, null where it did not exist.
type AuditView struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	KeyID      *int64          `json:"key_id"`
	KeyName    string          `json:"key_name"`
	Role       string          `json:"role"`
	Action     string          `json:"action"`
	Collection string          `json:"collection"`
	ItemID     *int64          `json:"item_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	RequestID  string          `json:"request_id,omitempty"`
}

// ViewAudit shows entries as AuditViews, in their order.
func ViewAudit(es []*zonegis.AuditEntry) []AuditView {
	out := make([]AuditView, 0, len(es))
	for _, e := range es {
		out = append(out, AuditView{e.ID, e.At, e.KeyID, e.KeyName, e.Role, e.Action, e.Collection, e.ItemID,
			rawOrNull(e.Before), rawOrNull(e.After), e.RequestID})
	}
	return out
}

func rawOrNull(b []byte) json.RawMessage {
	if b == nil {
		return json.RawMessage("null")
	}
	return b
}
