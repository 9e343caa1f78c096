package bench

// mixedWritesPerSecond is the mixed row's write rate through the API.
const mixedWritesPerSecond = 20
