package httpapi

import (
	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/jobs"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/stats"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Store is everything the API asks of the system of record: the domain's
// read services, the stores of the registry's use cases (writes, splits
// and merges, leasing, imports), import jobs, the statistics' figures and the CRS
// transforms of exports. Each method's errors are documented where its
// interface is declared. *postgis.DB implements it (checked in
// cmd/zonegis); handler tests use httpapitest.Store, an in-memory fake.
type Store interface {
	zonegis.KeyService
	zonegis.AuditLog
	zonegis.BoardService
	zonegis.LeaseHistory
	zonegis.LineageReader
	zonegis.Pinger
	zonegis.InvestmentStore
	registry.FeatureStore
	registry.LineageStore
	registry.LeaseStore
	registry.ImportStore
	jobs.Store
	stats.Store
	export.Transformer
}
