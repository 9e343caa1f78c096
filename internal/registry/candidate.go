package registry

// Candidate is one feature offered to an import, whatever the format it
// was read from: its position in the source, the source's own feature id
// when the format has one, and the feature as a GeoJSON Feature whose
// properties carry zonegis's names (what the import mapping made of the
// source's fields). The GeoJSON reader (ParseImport) and the GDAL reader
// (package source, through the mapping) both yield Candidates, and the
// import checks and writes them the same way.
type Candidate struct {
	// Index is the 0-based position of the feature in the source.
	Index int
	// FID is the source's feature id, when it has one (HasFID).
	FID    int64
	HasFID bool
	// Feature is the GeoJSON Feature, or nil when reading or mapping the
	// feature failed (Problems then says why).
	Feature []byte
	// Problems are what was wrong with the feature before any check of
	// its content: text the source's encoding can't decode, a value the
	// mapping can't convert, no geometry. Each is reported with the
	// feature's index and fid.
	Problems []CandidateProblem
}

// CandidateProblem is one thing wrong with a source feature as read: Code
// is one of zonegis's error codes, Reason says what to fix, Field names
// the source field when one is at fault.
type CandidateProblem struct {
	Code   string
	Field  string
	Reason string
}
