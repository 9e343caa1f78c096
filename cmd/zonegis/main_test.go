package main

import (
	"testing"

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
)

// TestMain lets the end-to-end tests share one throwaway PostGIS cluster.
func TestMain(m *testing.M) { pgtest.Main(m) }
