package httpx

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Upload is a file a request sent, spooled to disk: the body itself, or
// the part "file" of a multipart/form-data body with the small parts
// beside it.
type Upload struct {
	Path      string // the spooled file, in the directory given to Spool
	MediaType string // the body's or the file part's
	FileName  string // the file part's name, "" for a plain body
	// Fields are the small parts of a multipart body, trimmed.
	Fields map[string]string
}

// Spool writes the request's body, at most limit bytes, to a file in dir:
// a multipart/form-data body's part "file", and its other parts, each
// named in fields with its own bound in bytes, into Fields; any other body
// whole. Errors: EINVALID naming the part at fault (a part not in fields,
// a part twice, none named file, one over its bound), a body over limit
// (413), the disk's own.
func Spool(c echo.Context, dir string, limit int64, fields map[string]int) (*Upload, error) {
	req := c.Request()
	mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	body := http.MaxBytesReader(c.Response(), req.Body, limit)
	u := &Upload{Fields: map[string]string{}}
	if mt != "multipart/form-data" {
		u.MediaType = mt
		return u, u.spool(body, dir, limit)
	}
	req.Body = body
	mr, err := req.MultipartReader()
	if err != nil {
		return nil, zonegis.Errorf(zonegis.EINVALID, "body: not a multipart/form-data body: %v", err)
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, BodyReadError(err, limit)
		}
		name := part.FormName()
		bound, known := fields[name]
		switch {
		case name == "file" && u.Path != "":
			return nil, zonegis.Errorf(zonegis.EINVALID, "file: the multipart body has two parts named file; send one file at a time")
		case name == "file":
			u.FileName = part.FileName()
			u.MediaType, _, _ = mime.ParseMediaType(part.Header.Get(echo.HeaderContentType))
			if err := u.spool(part, dir, limit); err != nil {
				return nil, err
			}
		case !known:
			return nil, zonegis.Errorf(zonegis.EINVALID, "multipart part %q is not one this route takes: file, %s", name, strings.Join(sortedNames(fields), ", "))
		default:
			b, err := io.ReadAll(io.LimitReader(part, int64(bound)+1))
			if err != nil {
				return nil, BodyReadError(err, limit)
			}
			if len(b) > bound {
				return nil, zonegis.Errorf(zonegis.EINVALID, "%s: longer than %d bytes", name, bound)
			}
			if _, twice := u.Fields[name]; twice {
				return nil, zonegis.Errorf(zonegis.EINVALID, "%s: given twice in the form", name)
			}
			u.Fields[name] = strings.TrimSpace(string(b))
		}
	}
	if u.Path == "" {
		return nil, zonegis.Errorf(zonegis.EINVALID, "file: the multipart body has no part named file")
	}
	return u, nil
}

func (u *Upload) spool(r io.Reader, dir string, limit int64) error {
	f, err := os.CreateTemp(dir, "spool-*")
	if err != nil {
		return err
	}
	defer f.Close()
	u.Path = f.Name()
	if _, err := io.Copy(f, r); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return err // the disk's, not the client's
		}
		return BodyReadError(err, limit)
	}
	return f.Close()
}

func sortedNames(m map[string]int) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
