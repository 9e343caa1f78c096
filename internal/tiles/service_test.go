package tiles

import "testing"

// TestETagIsStable: tags are a function of the body alone, the same in
// every process (CRC-32 "d9c9e7c2" as zlib.crc32 gives it, then CRC-32C),
// quoted hex.
func TestETagIsStable(t *testing.T) {
	for body, want := range map[string]string{
		"":             `"0000000000000000"`,
		"hello, tiles": `"d9c9e7c2368f4b8a"`,
	} {
		if got := ETag([]byte(body)); got != want {
			t.Errorf("ETag(%q) = %s, want %s", body, got, want)
		}
	}
	if ETag([]byte("hello, tiles!")) == ETag([]byte("hello, tiles")) {
		t.Error("two bodies, one tag")
	}
}
