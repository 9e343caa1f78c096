package registry

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// The audit trail as admins read it (ReadAudit): which entries a request
// selects and how each is shown.

// AuditParams are the parameters of ParseAuditFilter.
var AuditParams = []string{"collection", "item_id", "before", "limit", "user", "board", "from", "to", "f"}

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
	if v := get("user"); v != "" {
		if !zonegis.ValidLogin(v) {
			return f, invalid("user: want a login, got %s", zonegis.Quoted(v))
		}
		f.UserLogin = v
	}
	if v := get("board"); v != "" {
		if !zonegis.ValidBoardID(v) {
			return f, invalid("board: want a board id, got %s", zonegis.Quoted(v))
		}
		f.Boards = []string{v}
	}
	for _, p := range []struct {
		name string
		dst  **time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := get(p.name); v != "" {
			t, err := parseAuditTime(v)
			if err != nil {
				return f, invalid("%s: want a date (YYYY-MM-DD, Vietnam's day) or an RFC 3339 time, got %s", p.name, zonegis.Quoted(v))
			}
			*p.dst = &t
		}
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		return f, invalid("to: must be after from")
	}
	return f, nil
}

// vietnam is UTC+7 without summer time: a date's day starts there.
var vietnam = time.FixedZone("ICT", 7*3600)

func parseAuditTime(v string) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateOnly, v, vietnam); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, v)
}

// Audit is the audit trail as caller p may read it, filtered by the
// request's parameters (ParseAuditFilter, read with get): a system admin
// reads every entry; a board admin only their boards' (board= must be
// one of them). Errors: EINVALID naming the parameter, EFORBIDDEN (a board
// that is not theirs), EUNAUTHORIZED (the public), the store's.
func Audit(ctx context.Context, st zonegis.AuditLog, p zonegis.Principal, get func(string) string) ([]AuditView, error) {
	f, err := ParseAuditFilter(get)
	if err != nil {
		return nil, err
	}
	if !MayEverywhere(p, ReadAudit) {
		if f.Boards != nil {
			if err := Authorize(p, ReadAudit, f.Boards[0]); err != nil {
				return nil, err
			}
		} else {
			f.Boards = []string{} // none unless granted: never nil (every board)
			for b := range p.Grants {
				if May(p, ReadAudit, b) {
					f.Boards = append(f.Boards, b)
				}
			}
			if len(f.Boards) == 0 {
				return nil, Authorize(p, ReadAudit, "")
			}
		}
	}
	es, err := st.Audit(ctx, f)
	if err != nil {
		return nil, err
	}
	return ViewAudit(es), nil
}

// WriteAuditCSV writes vs as CSV with a header row: one line per entry,
// before and after as JSON text.
func WriteAuditCSV(w io.Writer, vs []AuditView) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "at", "user_login", "board_id", "role", "action", "collection", "item_id", "key_name", "request_id", "before", "after"})
	for _, v := range vs {
		item, board := "", ""
		if v.ItemID != nil {
			item = strconv.FormatInt(*v.ItemID, 10)
		}
		if v.BoardID != nil {
			board = *v.BoardID
		}
		_ = cw.Write([]string{strconv.FormatInt(v.ID, 10), v.At.UTC().Format(time.RFC3339Nano), v.UserLogin, board, v.Role,
			v.Action, v.Collection, item, v.KeyName, v.RequestID, string(v.Before), string(v.After)})
	}
	cw.Flush()
	return cw.Error()
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
	UserID     *int64          `json:"user_id"`
	UserLogin  string          `json:"user_login"`
	BoardID    *string         `json:"board_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	RequestID  string          `json:"request_id,omitempty"`
}

// ViewAudit shows entries as AuditViews, in their order.
func ViewAudit(es []*zonegis.AuditEntry) []AuditView {
	out := make([]AuditView, 0, len(es))
	for _, e := range es {
		out = append(out, AuditView{e.ID, e.At, e.KeyID, e.KeyName, e.Role, e.Action, e.Collection, e.ItemID,
			e.UserID, e.UserLogin, e.BoardID, rawOrNull(e.Before), rawOrNull(e.After), e.RequestID})
	}
	return out
}

func rawOrNull(b []byte) json.RawMessage {
	if b == nil {
		return json.RawMessage("null")
	}
	return b
}
