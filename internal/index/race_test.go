//go:build race

package index

// raceEnabled shrinks the randomized tests under -race, which runs them
// about ten times slower.
const raceEnabled = true
