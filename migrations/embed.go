// Package migrations embeds the SQL migrations of the zonegis schema. Files
// are named NNNN_description.sql and applied in lexical order, each in its own
// transaction, and recorded in schema_migrations (see internal/postgis).
package migrations

import "embed"

// FS holds the *.sql migration files.
//
//go:embed *.sql
var FS embed.FS
