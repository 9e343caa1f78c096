package httpapi_test

import (
	"time"

	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/httpapi/httpapitest"
	"github.com/zonegis/zonegis/internal/index"
)

// withMemStore fills in o's Index (an empty one when nil) and gives it an
// in-memory Store, for tests that never reach the database.
func withMemStore(o httpapi.Options) httpapi.Options {
	if o.Index == nil {
		o.Index = index.New()
	}
	o.Store = httpapitest.New(o.Index, time.Time{})
	return o
}
