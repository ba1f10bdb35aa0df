# The front door. Thin over CMake: every rule here is one a newcomer could
# type by hand; the build logic lives in CMakeLists.txt.
#
#   make run     install missing Debian packages, build, run pipelines/demo.yaml
#   make test    the same set-up, then every test: Release, ASan+UBSan, TSan
#   make fuzz    build the libFuzzer targets with clang and run each (FUZZ_SECONDS)
#   make bench   the comparisons in bench/ (needs the bench packages)
#   make install PREFIX=/usr/local

JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
FUZZ_SECONDS ?= 60
CMAKE ?= cmake
CTEST_FLAGS ?= --output-on-failure --no-tests=error -j $(JOBS)
SLUICE = build/release/sluice

.PHONY: all deps build run test test-release test-package test-asan test-tsan fuzz bench install clean

all: build

deps:
	@scripts/deps.sh

build/release/CMakeCache.txt: | deps
	$(CMAKE) -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DSLUICE_WERROR=ON

build: deps build/release/CMakeCache.txt
	$(CMAKE) --build build/release -j $(JOBS)

run: build
	$(SLUICE) validate -f pipelines/demo.yaml
	$(SLUICE) list -f pipelines/demo.yaml
	$(SLUICE) run -f pipelines/demo.yaml

test: test-release test-package test-asan test-tsan

test-release: build
	cd build/release && ctest $(CTEST_FLAGS)

# The installed library, used from outside the tree: find_package(sluice) and
# pkg-config, each with libsluice.so and libsluice.a (tests/package/run.sh).
test-package: build
	JOBS=$(JOBS) tests/package/run.sh build/release build/package

test-asan: deps
	$(CMAKE) -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_WERROR=ON \
	  -DSLUICE_SANITIZE=address,undefined
	$(CMAKE) --build build/asan -j $(JOBS)
	cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest $(CTEST_FLAGS)

# The spec (parallel parse), runtime, actions, executor, scheduler and engine tests under
# ThreadSanitizer (the layers tests/CMakeLists.txt labels `*_tsan`); only they are built.
TSAN_TARGETS = sluice_spec_tests sluice_runtime_tests sluice_actions_tests sluice_executors_tests \
  sluice_scheduler_tests sluice_engine_tests
test-tsan: deps
	$(CMAKE) -S . -B build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_WERROR=ON \
	  -DSLUICE_SANITIZE=thread
	$(CMAKE) --build build/tsan -j $(JOBS) --target $(TSAN_TARGETS)
	cd build/tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest $(CTEST_FLAGS) -L tsan

fuzz:
	@scripts/deps.sh fuzz
	CC=clang CXX=clang++ $(CMAKE) -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DSLUICE_FUZZ=ON -DSLUICE_BUILD_TESTS=OFF -DSLUICE_BUILD_EXAMPLES=OFF \
	  -DSLUICE_SANITIZE=address,undefined
	$(CMAKE) --build build/fuzz -j $(JOBS) --target sluice_fuzz_load
	mkdir -p build/fuzz/corpus && cp -n tests/fuzz/corpus/* build/fuzz/corpus/ 2>/dev/null || true
	build/fuzz/tests/fuzz/sluice_fuzz_load -max_total_time=$(FUZZ_SECONDS) \
	  -dict=tests/fuzz/yaml.dict build/fuzz/corpus

bench: build
	@scripts/deps.sh bench
	bench/run.sh

install: build
	$(CMAKE) --install build/release --prefix $(PREFIX)

clean:
	rm -rf build
