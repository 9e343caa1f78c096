# zonegis — make run: serve on :8080 with seeded data; make test: every test.
SHELL     := /bin/bash
GO        ?= go
BIN       := bin/zonegis
ADDR      ?= :8080
DATA_DIR  ?= var
VERSION   := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)

.PHONY: all build web run deps test test-short bench vet fmt clean

all: build

build: web
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/zonegis

deps:
	@bash .ci/deps

# The web map (web/dist, embedded into the binary) is rebuilt from
# web/package-lock.json with npm; the built bundle is committed, so without
# npm the committed one is used (and TestAppDistFresh says if it is stale).
web:
	@if command -v npm >/dev/null 2>&1; then \
		cd web && npm ci --no-audit --no-fund --loglevel=error && GO="$(GO)" node build.mjs; \
	else echo "npm not found: using the committed web/dist"; fi

# With no DATABASE_URL, zonegis starts a private PostGIS cluster in
# $(DATA_DIR)/pgdata, migrates it and seeds it on first start.
run: build
	@bash .ci/deps --run
	ZONEGIS_ADDR=$(ADDR) ZONEGIS_DATA_DIR=$(DATA_DIR) ./$(BIN) serve

# Every test, against real PostGIS: a missing PostGIS fails, never skips,
# and so does any skipped test. The summary counts the database tests.
test: deps web
	@mkdir -p test-artifacts
	@set -o pipefail; ZONEGIS_REQUIRE_POSTGIS=1 $(GO) test -count=1 -v -timeout 20m ./... 2>&1 \
		| tee test-artifacts/go-test.log | grep -E '^(ok|FAIL|---|panic|pgtest:)|^\s+\S+_test\.go:[0-9]+' ; \
		status=$$?; \
		passed=$$(grep -c -- '--- PASS' test-artifacts/go-test.log || true); \
		failed=$$(grep -c -- '--- FAIL' test-artifacts/go-test.log || true); \
		skipped=$$(grep -c -- '--- SKIP' test-artifacts/go-test.log || true); \
		dbtests=$$(awk '/^pgtest: [0-9]+ test databases/ {n += $$2} END {print n+0}' test-artifacts/go-test.log); \
		echo "test databases created on real PostGIS: $$dbtests"; \
		echo "$$passed passed, $$failed failed, $$skipped skipped"; \
		if [ "$$skipped" != 0 ]; then echo "skipped tests are defects here: see test-artifacts/go-test.log"; exit 1; fi; \
		exit $$status

test-short:
	$(GO) test -count=1 ./...

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }

# Go benchmarks (index, encoders, tiles, handlers), then the end-to-end
# harness: 1M synthetic parcels (kept in var/bench for the next run), the
# server binary under wrk against PostGIS and static-body baselines.
# Writes BENCHMARKS.md. BENCH_ARGS="-zones 40" for a quick 100k-parcel run.
bench: build
	@bash .ci/deps wrk
	@mkdir -p test-artifacts
	$(GO) test -run '^$$' -bench . -benchmem ./internal/index ./internal/encode ./internal/httpapi ./internal/measure $$(ls -d internal/tiles 2>/dev/null | sed 's|^|./|') \
		| grep -E '^(Benchmark|ok|goos|cpu)' | tee test-artifacts/microbench.txt
	$(GO) run ./cmd/zonegisbench -binary $(BIN) -micro test-artifacts/microbench.txt -out BENCHMARKS.md $(BENCH_ARGS)

clean:
	rm -rf bin test-artifacts
