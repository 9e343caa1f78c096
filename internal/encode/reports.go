package encode

import "github.com/zonegis/zonegis/internal/zonegis"

// The enterprise reports' properties (package reports writes them; its
// Props holds the same names), for their schemas. Geometry is null. Every
// figure is confidential: null to who does not see it (withheld true).
func init() {
	fig := func(name, title, typ string) Field { return Field{Name: name, Title: title, Type: typ, Nullable: true} }
	fields[zonegis.CollectionEnterpriseReports] = []Field{
		{Name: "enterprise_id", Title: "Enterprise", Type: "integer", Role: "reference", Collection: zonegis.CollectionEnterprises},
		{Name: "board_id", Title: "The enterprise's management board", Type: "string"},
		{Name: "year", Title: "Year reported", Type: "integer"},
		fig("revenue_vnd", "Revenue (VND; confidential)", "number"),
		fig("export_usd", "Export value (USD; confidential)", "number"),
		fig("import_usd", "Import value (USD; confidential)", "number"),
		fig("budget_vnd", "State-budget contribution (VND; confidential)", "number"),
		fig("workers_vn", "Vietnamese workers at the year's end (confidential)", "integer"),
		fig("workers_foreign", "Foreign workers at the year's end (confidential)", "integer"),
		{Name: "withheld", Title: "The figures are withheld from this caller", Type: "boolean"},
		{Name: "synthetic", Title: "Synthetic (seed) data", Type: "boolean"},
		{Name: "version", Title: "Record version (the ETag)", Type: "integer"},
		{Name: "updated_at", Title: "Last change", Type: "string", Format: "date-time", Role: "primary-instant"},
	}
}
