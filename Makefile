# Hashlab: build, run and test from a fresh machine.
#
#   make run    installs what is missing, builds in release, serves on $HASHLAB_ADDR
#   make test   everything CI runs: format, lints, unit/integration/property tests,
#               the wasm32 build of the model, and the browser tests in Chromium
#   make build  the release server and the release wasm bundle
#   make bench  speed: criterion's reference run, the whole process at 10k-200k operators,
#               1,000 Monte Carlo seeds; rewrites README.md's speed section
#   make loadtest  the server under load and attack (scripts/loadtest.sh), on 127.0.0.1 only (about 20 minutes)

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
SITE := $(TARGET_DIR)/site
HASHLAB_ADDR ?= 127.0.0.1:3000
WASM_BINDGEN_VERSION := 0.2.130
WASM_TARGET := wasm32-unknown-unknown
WORKER_TARGET := wasm32-wasip1
CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CARGO_BIN):$(PATH)

.PHONY: run build test bench loadtest dev rust-tools node-tools browser-tools site site-debug bindgen model server lint unit wasm-check e2e

## --- what users run ---------------------------------------------------------

run: build
	@echo "Hashlab on http://$(HASHLAB_ADDR)"
	HASHLAB_SITE_ROOT="$(SITE)" HASHLAB_ADDR="$(HASHLAB_ADDR)" "$(TARGET_DIR)/release/hashlab" serve

build: rust-tools site server

server:
	cargo build --release -p server

# Quick local loop: debug wasm and server.
dev: rust-tools site-debug
	cargo build -p server
	HASHLAB_SITE_ROOT="$(SITE)" HASHLAB_ADDR="$(HASHLAB_ADDR)" "$(TARGET_DIR)/debug/hashlab" serve

# The server under load and under attack (scripts/loadtest.sh, about 20 minutes):
# wrk load, then each attack of issue 23, with a polite client's latencies and
# the server's RSS per phase against the targets; on 127.0.0.1 only; needs wrk.
loadtest: server
	@command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
	HASHLAB_BIN="$(TARGET_DIR)/release/hashlab" scripts/loadtest.sh

## --- the wasm side ------------------------------------------------------------

# Release bundle: wasm-release profile (opt-level z, LTO), wasm-bindgen, then
# wasm-opt from npm's binaryen (Debian's older wasm-opt breaks the bundle).
site: rust-tools node-tools
	cargo build -p app --lib --target $(WASM_TARGET) --features hydrate --profile wasm-release
	$(MAKE) --no-print-directory bindgen PROFILE_DIR=wasm-release
	"$(CURDIR)/e2e/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
		"$(SITE)/pkg/app_bg.wasm" -o "$(SITE)/pkg/app_bg.wasm"
	cargo build -p worker --lib --target $(WORKER_TARGET) --profile wasm-model
	$(MAKE) --no-print-directory model PROFILE_DIR=wasm-model
	"$(CURDIR)/e2e/node_modules/.bin/wasm-opt" -O3 --enable-bulk-memory --enable-nontrapping-float-to-int \
		"$(SITE)/pkg/model.wasm" -o "$(SITE)/pkg/model.wasm"
	node scripts/precompress.mjs "$(SITE)/pkg"

# Debug bundle, for quick local iteration.
site-debug: rust-tools
	cargo build -p app --lib --target $(WASM_TARGET) --features hydrate
	$(MAKE) --no-print-directory bindgen PROFILE_DIR=debug
	cargo build -p worker --lib --target $(WORKER_TARGET)
	$(MAKE) --no-print-directory model PROFILE_DIR=debug

bindgen:
	rm -rf "$(SITE)" && mkdir -p "$(SITE)/pkg"
	wasm-bindgen --target web --no-typescript --out-dir "$(SITE)/pkg" --out-name app \
		"$(TARGET_DIR)/$(WASM_TARGET)/$(PROFILE_DIR)/app.wasm"
	cp -R style/. "$(SITE)/pkg/"
	cp -R public/. "$(SITE)/"

# The model and the charts for the browser's Web Worker (worker/, for WASI: see
# worker/src/lib.rs): loaded only when the page needs it, never with the first
# paint; after `bindgen`, which empties the site.
model:
	cp "$(TARGET_DIR)/$(WORKER_TARGET)/$(PROFILE_DIR)/worker.wasm" "$(SITE)/pkg/model.wasm"
	cp worker/model-worker.js "$(SITE)/pkg/"

## --- tests ------------------------------------------------------------------------

test: rust-tools browser-tools lint unit wasm-check site server e2e
	@echo "make test: all green"

lint:
	cargo fmt --all -- --check
	python3 scripts/module_cycles.py app/src server/src simulation/src
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p app --lib --target $(WASM_TARGET) --features hydrate -- -D warnings
	cargo clippy -p worker --lib --target $(WORKER_TARGET) -- -D warnings

unit:
	cargo test --workspace

# The model must build for the browser too (no OS entropy, no threads).
wasm-check:
	cargo build -p simulation --target $(WASM_TARGET) --no-default-features

# The page in a real headless Chromium against the real release server on loopback.
e2e: browser-tools
	cd e2e && HASHLAB_BIN="$(TARGET_DIR)/release/hashlab" HASHLAB_SITE_ROOT="$(SITE)" npm test

# The reference run in criterion, then the whole-process table (10,000 to 200,000
# operators) and 1,000 Monte Carlo seeds, written into README.md's speed section
# (scripts/bench.py). The Monte Carlo bench of criterion (20 minutes) stays apart:
# `cargo bench -p simulation --bench engine -- montecarlo`.
bench: server
	cargo bench -p simulation --bench engine -- 'run_4_years/10000$$'
	python3 scripts/bench.py --bin "$(TARGET_DIR)/release/hashlab" --target-dir "$(TARGET_DIR)" --readme README.md

## --- tools: installed when missing, by the project itself -------------------------

rust-tools:
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)
	@rustup target list --installed | grep -qx $(WORKER_TARGET) || rustup target add $(WORKER_TARGET)
	@if ! wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)$$"; then \
		echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (a few minutes, once)"; \
		cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force; \
	fi

node-tools:
	@if [ ! -x e2e/node_modules/.bin/wasm-opt ] || [ ! -d e2e/node_modules/playwright-core ]; then \
		cd e2e && npm ci --no-audit --no-fund; \
	fi

browser-tools: node-tools
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi
