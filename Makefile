# ecobrain — top-level entry points. See README.md.
#   make          build build/ecobrain (optimised)
#   make run      install what is missing, build, start on demo data
#   make check    install, build with -Werror + ASan/UBSan, run every test and a short fuzz run
#   make bench    benchmarks against peers measured in the same run -> bench/out/results.tsv
#   make fuzz     long fuzzing run (FUZZ_SECONDS per target, default 600)
SHELL := /bin/bash
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 600
CHECK_FUZZ_SECONDS ?= 30
CMAKE_GEN := $(shell command -v ninja >/dev/null 2>&1 && echo -G Ninja)

.PHONY: all build run check test bench fuzz fuzz-quick deps clean demo

all: build

build:
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DECO_TESTS=OFF >/dev/null
	@cmake --build build -j$(JOBS)

deps:
	@scripts/deps.sh

run: deps build
	@scripts/run-demo.sh

check:
	@CHECK_FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS) JOBS=$(JOBS) scripts/check.sh

build-fuzz/.configured:
	@scripts/deps.sh fuzz
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DECO_WERROR=ON -DECO_SANITIZE=ON \
	  -DECO_TESTS=OFF -DECO_FUZZ=ON >/dev/null
	@touch $@

fuzz-quick: build-fuzz/.configured
	cmake --build build-fuzz -j$(JOBS)
	@scripts/fuzz.sh build-fuzz $(CHECK_FUZZ_SECONDS)

fuzz: build-fuzz/.configured
	cmake --build build-fuzz -j$(JOBS)
	@scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS)

bench:
	@scripts/deps.sh bench
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DECO_TESTS=OFF -DECO_BENCH=ON >/dev/null
	cmake --build build-bench -j$(JOBS)
	@bench/run.sh build-bench
	@bench/run_hj212.sh build-bench
	@bench/run_water.sh build-bench
	@bench/run_brain.sh build-bench
	@bench/run_ingest.sh build-bench
	@bench/run_api.sh build-bench
	@bench/run_alerts.sh build-bench

clean:
	rm -rf build build-check build-fuzz build-bench
