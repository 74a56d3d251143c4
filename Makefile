# jitgate: `make run` and `make test` do all set-up on a fresh Debian 12 machine (as root).
SHELL := /bin/bash
BUILD_DIR ?= build/release
DB ?= data/jitgate.db
LISTEN ?= 127.0.0.1:8080
ADMIN_EMAIL ?= admin@jitgate.local

APT_PACKAGES := build-essential cmake ninja-build pkg-config git \
  libboost-dev libssl-dev libsodium-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev \
  libsqlite3-dev sqlite3 libpq-dev postgresql libgtest-dev libgmock-dev libbenchmark-dev \
  python3 python3-pytest python3-pytest-timeout wrk chromium jq curl \
  clang-14 libclang-rt-14-dev

.PHONY: all deps build web run test bench deps-bench clean
all: build

# Installs only the Debian packages that are missing.
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@command -v node >/dev/null || { echo "installing nodejs"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }

build: deps
	cmake --preset release >/dev/null
	cmake --build $(BUILD_DIR)

web: deps
	@if [ -f web/package.json ]; then cd web && npm ci --no-audit --no-fund && npm run build; fi

run: build web
	@mkdir -p $(dir $(DB))
	@if [ ! -f $(DB) ]; then $(BUILD_DIR)/jitgate init --db sqlite:$(DB) --admin-email $(ADMIN_EMAIL); fi
	$(BUILD_DIR)/jitgate serve --db sqlite:$(DB) --listen $(LISTEN)

test: build web
	cd $(BUILD_DIR) && ctest --output-on-failure --timeout 1500
	$(MAKE) test-asan
	$(MAKE) test-fuzz

# ASan + UBSan build (preset asan) running the unit tests and tests/api; any sanitizer report fails.
.PHONY: test-asan
test-asan: deps
	tests/safety/run_asan.sh

# libFuzzer targets (fuzz/, clang-14 with ASan + UBSan): `make fuzz` runs each FUZZ_SECONDS (default
# 600); `make test-fuzz` runs each 12 s after replaying the committed corpus. Crashes: fuzz/artifacts/.
.PHONY: fuzz test-fuzz
fuzz: deps
	fuzz/run.sh $(or $(FUZZ_SECONDS),600)
test-fuzz: deps
	FUZZ_FRESH=1 fuzz/run.sh 12

# Only the PostgreSQL parts: the store suite's Postgres cases and tests/api against PostgreSQL.
.PHONY: test-pg
test-pg: build
	cd $(BUILD_DIR) && ctest --output-on-failure --timeout 1500 -R 'Postgres|^Pg|api_tests_pg'

# Soak: a mixed load on one server for SOAK_SECONDS (default 300), failing on errors, RSS or fd growth.
.PHONY: soak
soak: build
	JITGATE_BIN=$(BUILD_DIR)/jitgate SOAK_SECONDS=$${SOAK_SECONDS:-300} /usr/bin/python3 tests/soak/soak.py

# Bench-only packages: the nginx baseline, wrk, PostgreSQL (the SQL alternative, pgbench), perf.
BENCH_APT_PACKAGES := nginx-light wrk postgresql postgresql-contrib linux-perf
deps-bench:
	@missing=$$(for p in $(BENCH_APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# The side-by-side benchmark suite (~10 min); refreshes the figures block of docs/PERFORMANCE.md
# and the perf profiles in bench/results/.
bench: build deps-bench
	BUILD=$(BUILD_DIR) bench/run.sh --profile --update-doc docs/PERFORMANCE.md

clean:
	rm -rf build
