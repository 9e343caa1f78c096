package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/registry"
)

// WriteVisibleTimeout bounds how long a write waits for the index to apply
// it, so that the next read on this instance sees it.
const WriteVisibleTimeout = 2 * time.Second

// readBody reads a JSON request body of at most MaxBodyBytes
// (httpx.ReadJSONBody) whose text is what the database can store
// (featurejson.CheckText).
func readBody(c echo.Context) ([]byte, error) {
	b, err := httpx.ReadJSONBody(c, MaxBodyBytes)
	if err != nil {
		return nil, err
	}
	if err := featurejson.CheckText(b, ""); err != nil {
		return nil, err
	}
	return b, nil
}

// idParam reads the id of a route that takes no query parameters.
func idParam(c echo.Context) (int64, error) {
	if err := checkNoParams(c); err != nil {
		return 0, err
	}
	return parseID(c.Param("id"))
}

// writeTarget reads what every write on an item starts with: no query
// parameters, the item id from the path, and the version from If-Match
// (0 when absent).
func writeTarget(c echo.Context) (id, ifVersion int64, err error) {
	if id, err = idParam(c); err != nil {
		return 0, 0, err
	}
	ifVersion, err = ifMatch(c)
	return id, ifVersion, err
}

// ifMatch parses If-Match (encode.TagVersion); 0 when absent or *.
func ifMatch(c echo.Context) (int64, error) {
	v, ok := encode.TagVersion(c.Request().Header.Get("If-Match"))
	if !ok {
		return 0, invalid("If-Match: want the ETag you read, like \"3\", got %q", c.Request().Header.Get("If-Match"))
	}
	return v, nil
}

// visible waits until this instance's index has applied seq.
func (s *Server) visible(c echo.Context, seq int64) {
	if s.follower == nil || seq == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), WriteVisibleTimeout)
	defer cancel()
	if err := s.follower.WaitFor(ctx, seq); err != nil {
		s.logger.Warn("write not yet visible in the index", "seq", seq, "err", err)
	}
}

// features is the write use case over this server's store.
func (s *Server) features() registry.Features {
	return registry.Features{Store: s.store, Boards: s.boards(), Invest: s.store}
}

// boards finds the board of a record a write touches: the index first.
func (s *Server) boards() registry.IndexBoards {
	return registry.IndexBoards{Index: s.ix, Store: s.store}
}

// sendFeature finishes a create, replace or patch that returned w and err:
// it waits until this instance's index has the write, then answers with
// the feature as written.
func (s *Server) sendFeature(c echo.Context, status int, l collection, w registry.Written, err error) error {
	if err != nil {
		return err
	}
	s.visible(c, w.Seq)
	return sendWritten(c, status, l.name(), w.ID, l.etag(w.Record), w.AppendGeoJSON(nil))
}

// sendWritten answers a write with the feature, its ETag and Location.
func sendWritten(c echo.Context, status int, collection string, id int64, etag string, b []byte) error {
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Set("Location", httpx.BaseURL(c)+"/collections/"+collection+"/items/"+strconv.FormatInt(id, 10))
	return httpx.WriteBytes(c, status, mimeGeoJSON, b)
}

// writeBody is writeTarget and the JSON body (readBody).
func writeBody(c echo.Context) (id, ifVersion int64, body []byte, err error) {
	if id, ifVersion, err = writeTarget(c); err == nil {
		body, err = readBody(c)
	}
	return id, ifVersion, body, err
}

func (s *Server) handleCreate() echo.HandlerFunc {
	return func(c echo.Context) error {
		l, err := collectionOf(c)
		if err != nil {
			return err
		}
		if err := checkNoParams(c); err != nil {
			return err
		}
		body, err := readBody(c)
		if err != nil {
			return err
		}
		w, err := s.features().Create(c.Request().Context(), actorOf(c), l.name(), body)
		return s.sendFeature(c, http.StatusCreated, l, w, err)
	}
}

func (s *Server) handleReplace(patch bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		l, err := collectionOf(c)
		if err != nil {
			return err
		}
		id, ifv, body, err := writeBody(c)
		if err != nil {
			return err
		}
		w, err := s.features().Update(c.Request().Context(), actorOf(c), l.name(), id, ifv, body, patch)
		return s.sendFeature(c, http.StatusOK, l, w, err)
	}
}

func (s *Server) handleDelete() echo.HandlerFunc {
	return func(c echo.Context) error {
		l, err := collectionOf(c)
		if err != nil {
			return err
		}
		id, ifv, err := writeTarget(c)
		if err != nil {
			return err
		}
		seq, err := s.features().Delete(c.Request().Context(), actorOf(c), l.name(), id, ifv)
		if err != nil {
			return err
		}
		s.visible(c, seq)
		return c.NoContent(http.StatusNoContent)
	}
}
