package httpx

import "strings"

// RawQuery is a query string split without allocating: at most 8
// parameters, none escaped. The busiest routes read their parameters this
// way; anything else goes to url.ParseQuery.
type RawQuery struct {
	n  int
	kv [8][2]string
}

// SplitQuery splits raw as url.ParseQuery would. ok is false when raw has
// escapes ('%', '+'), a ';' (which url.ParseQuery refuses) or more
// parameters than RawQuery holds: the caller then uses url.ParseQuery.
func SplitQuery(raw string) (p RawQuery, ok bool) {
	if strings.ContainsAny(raw, "%+;") {
		return p, false
	}
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		if p.n == len(p.kv) {
			return p, false
		}
		k, v, _ := strings.Cut(part, "=")
		p.kv[p.n] = [2]string{k, v}
		p.n++
	}
	return p, true
}

// Get returns the first value of k, or "".
func (p *RawQuery) Get(k string) string {
	for _, kv := range p.kv[:p.n] {
		if kv[0] == k {
			return kv[1]
		}
	}
	return ""
}

// Check calls check for each pair in order, with its name, how many
// times the name is given from there on, and allowed, and returns the
// first error: a repeated or unknown name fails as it would in url.Values
// (the transport's check of a parsed query), without building them.
func (p *RawQuery) Check(check func(name string, n int, allowed []string) error, allowed ...string) error {
	for i, kv := range p.kv[:p.n] {
		n := 1
		for _, other := range p.kv[i+1 : p.n] {
			if other[0] == kv[0] {
				n++
			}
		}
		if err := check(kv[0], n, allowed); err != nil {
			return err
		}
	}
	return nil
}
