package jobs

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestReportBounded: a refusal listing more problems than a job keeps is
// stored within MaxReportBytes, its list cut from the end and marked.
func TestReportBounded(t *testing.T) {
	probs := make([]zonegis.ImportProblem, 1000)
	for i := range probs {
		probs[i] = zonegis.ImportProblem{Index: i, Code: zonegis.EINVALID, Reason: strings.Repeat("lý do ", 400)}
	}
	b := report(zonegis.EINVALID, "import refused", map[string]any{"problems": probs})
	if len(b) > MaxReportBytes {
		t.Fatalf("report of %d bytes", len(b))
	}
	var r struct {
		Truncated bool `json:"truncated"`
		Details   struct {
			Problems []zonegis.ImportProblem `json:"problems"`
		} `json:"details"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if !r.Truncated || len(r.Details.Problems) == 0 || len(r.Details.Problems) >= 1000 || r.Details.Problems[0].Index != 0 {
		t.Errorf("truncated %v, %d problems kept", r.Truncated, len(r.Details.Problems))
	}
	if small := report(zonegis.EINVALID, "x", map[string]any{"problems": probs[:2]}); strings.Contains(string(small), "truncated") {
		t.Errorf("a small report cut: %s", small)
	}
}
