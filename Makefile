# redis-shard build, run and test.
#   make              build src/redis-shard
#   make run          install missing packages, build, run with redis-shard.conf
#   make test         install, build, run every test
#   make test SANITIZE=address   (ASan + UBSan)    make test SANITIZE=thread
#   make format       apply .clang-format to the lines changed since HEAD
#   make format-all   apply .clang-format to every source file

CC ?= gcc
SANITIZE ?=
VARIANT := $(if $(SANITIZE),$(SANITIZE),release)
BUILD := build/$(VARIANT)

LUA_CFLAGS := $(shell pkg-config --cflags luajit 2>/dev/null || echo -I/usr/include/luajit-2.1)
CFLAGS_BASE := -std=gnu11 -O2 -g -Wall -Wextra -Wshadow -Wno-unused-parameter -pthread -Isrc $(LUA_CFLAGS) -MMD -MP
BASE_LIBS := -luring -lpthread -lm -lluajit-5.1 -llua5.1-cjson -lcrypto -llzf
LIBS := $(BASE_LIBS)

ifeq ($(SANITIZE),address)
  CFLAGS_BASE += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDFLAGS += -fsanitize=address,undefined
else ifeq ($(SANITIZE),thread)
  CFLAGS_BASE += -fsanitize=thread -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=thread
else
  CFLAGS_BASE += -DUSE_JEMALLOC
  LIBS += -ljemalloc
endif
CFLAGS := $(CFLAGS_BASE) $(EXTRA_CFLAGS)
# per-scenario deadline of tests/c/test_txn_stress.c (a sanitized server is several times slower)
TXN_STRESS_SECONDS ?= $(if $(SANITIZE),30,10)
# Under ThreadSanitizer every script that starts again holding every shard
# (a Lua error unwinding through instrumented C frames) leaves TSan state
# behind in the server, a few hundred kB each: the stress scenarios that do
# that thousands of times get a server each (together they fill 24 GB).
comma := ,
empty :=
space := $(empty) $(empty)
TXN_ESCALATING := money-undeclared money-mget money-mixed
TXN_SETS := $(if $(filter thread,$(SANITIZE)),all$(subst $(space),,$(foreach s,$(TXN_ESCALATING),$(comma)-$(s))) $(TXN_ESCALATING),all)
# a sanitizer report stops the server, so the tests see it
export TSAN_OPTIONS ?= halt_on_error=1
export UBSAN_OPTIONS ?= halt_on_error=1:print_stacktrace=1

SRCS := $(wildcard src/*.c src/*/*.c)
OBJS := $(patsubst src/%.c,$(BUILD)/%.o,$(SRCS))
LIB_OBJS := $(filter-out $(BUILD)/main.o,$(OBJS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: all deps run test unit tcl integration bench-smoke clean format format-all fuzz fuzz-smoke src/redis-shard

all: src/redis-shard

src/redis-shard: $(BUILD)/redis-shard
	cp --remove-destination $< $@

$(BUILD)/redis-shard: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(LDFLAGS) $(LIBS)

$(BUILD)/tests/test_pipeline: tests/c/test_pipeline.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lhiredis

$(BUILD)/tests/test_pubsub: tests/c/test_pubsub.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lhiredis

$(BUILD)/tests/test_txn_stress: tests/c/test_txn_stress.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lhiredis

# libFuzzer harnesses (clang), objects of their own in build/fuzz
FUZZ_BUILD := build/fuzz
FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -pthread -Isrc $(LUA_CFLAGS) -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_OBJS := $(patsubst src/%.c,$(FUZZ_BUILD)/%.o,$(filter-out src/main.c,$(SRCS)))

$(FUZZ_BUILD)/%.o: src/%.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BUILD)/fuzz_restore: tests/fuzz/fuzz_restore.c $(FUZZ_OBJS)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(BASE_LIBS)

fuzz: $(FUZZ_BUILD)/fuzz_restore

# seconds over the seed corpus (real redis-server 7.0 payloads): fails on a
# crash, a sanitizer report or a leak
fuzz-smoke: fuzz
	@rm -rf $(FUZZ_BUILD)/corpus && mkdir -p $(FUZZ_BUILD)/corpus
	$(FUZZ_BUILD)/fuzz_restore -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
		$(FUZZ_BUILD)/corpus tests/fuzz/corpus/restore

FUZZ_SECONDS ?= 20

deps:
	@deps/install.sh

run: deps all
	src/redis-shard redis-shard.conf

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do $$t; done

tcl: all
	tclsh tests/tcl/run.tcl --shards 1
	tclsh tests/tcl/run.tcl --shards 4

integration: all $(BUILD)/tests/test_pipeline $(BUILD)/tests/test_pubsub $(BUILD)/tests/test_txn_stress
	TEST_PIPELINE_BIN=$(BUILD)/tests/test_pipeline tests/c/run_pipeline.sh src/redis-shard 1
	TEST_PIPELINE_BIN=$(BUILD)/tests/test_pipeline tests/c/run_pipeline.sh src/redis-shard 2
	TEST_PIPELINE_BIN=$(BUILD)/tests/test_pipeline tests/c/run_pipeline.sh src/redis-shard 4
	# with a tiny receive ring, running out of buffers must only slow clients down
	REDIS_SHARD_TEST_RECV_BUFS=4 TEST_PIPELINE_BIN=$(BUILD)/tests/test_pipeline tests/c/run_pipeline.sh src/redis-shard 2
	# the ring setup kernels without SINGLE_ISSUER/DEFER_TASKRUN get
	REDIS_SHARD_TEST_PLAIN_RING=1 TEST_PIPELINE_BIN=$(BUILD)/tests/test_pipeline tests/c/run_pipeline.sh src/redis-shard 2
	# replies sent by the owning shard, all through its ring (the path taken when a socket is full)
	REDIS_SHARD_TEST_DELEG_ASYNC=1 TEST_PIPELINE_BIN=$(BUILD)/tests/test_pipeline tests/c/run_pipeline.sh src/redis-shard 2
	# a thread per shard where shards would otherwise share a CPU's thread
	REDIS_SHARD_TEST_THREAD_PER_SHARD=1 TEST_PIPELINE_BIN=$(BUILD)/tests/test_pipeline tests/c/run_pipeline.sh src/redis-shard 4
	tests/benchmark_smoke.sh src/redis-shard 2
	# pub/sub fan-out: 1,000 subscribers, 4 publishers (run_pipeline.sh runs any test binary)
	TEST_PIPELINE_BIN=$(BUILD)/tests/test_pubsub tests/c/run_pipeline.sh src/redis-shard 1
	TEST_PIPELINE_BIN=$(BUILD)/tests/test_pubsub tests/c/run_pipeline.sh src/redis-shard 4
	# cross-shard atomicity under concurrency (LMOVE/SMOVE/RENAME, MULTI/EXEC, WATCH, blocking pops);
	# TEST_SHARDS places the keys for the server's shard count, each scenario stops at a deadline
	for set in $(TXN_SETS); do \
	  TXN_STRESS_SCENARIOS=$$set TEST_SHARDS=2 TXN_STRESS_SECONDS=$(TXN_STRESS_SECONDS) TEST_PIPELINE_BIN=$(BUILD)/tests/test_txn_stress tests/c/run_pipeline.sh src/redis-shard 2 || exit 1; \
	  TXN_STRESS_SCENARIOS=$$set TEST_SHARDS=4 TXN_STRESS_SECONDS=$(TXN_STRESS_SECONDS) TEST_PIPELINE_BIN=$(BUILD)/tests/test_txn_stress tests/c/run_pipeline.sh src/redis-shard 4 || exit 1; \
	done

test: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) tcl
	$(MAKE) integration
	$(if $(SANITIZE),,$(MAKE) fuzz-smoke)

format:
	git clang-format --force --extensions c,h -q || true

format-all:
	clang-format -i $(SRCS) $(wildcard src/*.h src/*/*.h) $(UNIT_SRCS) tests/c/*.c

clean:
	rm -rf build src/redis-shard

-include $(OBJS:.o=.d)
