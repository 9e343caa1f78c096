package postgis_test

import (
	"testing"

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
