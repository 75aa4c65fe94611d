# zhpolicy — PGXS build.
#
#   make            build the extension, the compiled lexicon and the tools
#   make install    install them into PostgreSQL 15 (root)
#   make run        the main job: install what is missing, start a private cluster,
#                   load test/corpus (or DIR=...), index, search (src/scripts/run_main_job.sh)
#   make test       every test: engine unit tests and pg_regress (test/run_all_tests.sh)
#   make bench      benchmarks (memory and first-call latency of a backend, throughput)
#   make bench-search    does a search find what LIKE finds? (recall, precision, index size)
#   make bench-accuracy  word segmentation accuracy on the UD Chinese GSDSimp dev set

EXTENSION = zhpolicy
MODULE_big = zhpolicy
DATA = $(wildcard sql/zhpolicy--*.sql) $(wildcard src/data/zhpolicy_vocabulary_*.tsv)
DATA_TSEARCH = build/zhpolicy.lex src/data/zhpolicy.stop
REGRESS = setup parser config corpus queries tsvector headline clean user_dict vocabulary tag tag_spans concepts keywords tag_table roles search_path cron cancel errors
REGRESS_OPTS = --encoding=UTF8 --no-locale

ENGINE_SRCS = $(wildcard src/engine/*.c)
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c) $(ENGINE_SRCS))

PG_CPPFLAGS = -Isrc/engine
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare
SHLIB_LINK = -licuuc -lm

# Debian's python3-jieba ships the 349k-word frequency list (MIT) and the HMM tables.
JIEBA_DIR ?= /usr/lib/python3/dist-packages/jieba
JIEBA_DICT = $(JIEBA_DIR)/dict.txt
HOST_PYTHON ?= /usr/bin/python3

EXTRA_CLEAN = build results tmp_check regression.diffs regression.out

PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(PGXS),)
include $(PGXS)
all: build/zhpolicy.lex build/zp_segment
else
all:
	@echo "PostgreSQL 15 server headers not found: run 'make run' or 'make test' (they install them), or apt-get install postgresql-server-dev-15" >&2; exit 1
endif

# every object depends on every header: a changed struct must never leave a stale object
$(OBJS): $(wildcard src/engine/*.h) src/zhpolicy.h

ENGINE_CFLAGS = -O2 -g -Wall -Wextra -Werror -Isrc/engine

build:
	mkdir -p build

build/zp_lexcompile: src/tools/zp_lexcompile.c $(ENGINE_SRCS) src/engine/*.h | build
	$(CC) $(ENGINE_CFLAGS) -o $@ src/tools/zp_lexcompile.c $(ENGINE_SRCS) -licui18n -licuuc -lm

build/zp_segment: src/tools/zp_segment.c $(ENGINE_SRCS) src/engine/*.h | build
	$(CC) $(ENGINE_CFLAGS) -o $@ src/tools/zp_segment.c $(ENGINE_SRCS) -licuuc -lm

build/hmm.tsv: src/tools/export_jieba_hmm.py | build
	@test -f $(JIEBA_DICT) || { echo "missing $(JIEBA_DICT): apt-get install python3-jieba" >&2; exit 1; }
	$(HOST_PYTHON) src/tools/export_jieba_hmm.py $@

build/zhpolicy.lex: build/zp_lexcompile build/hmm.tsv $(JIEBA_DICT) src/data/policy_words.txt
	build/zp_lexcompile -o $@ -m build/hmm.tsv -t -g $(JIEBA_DICT) -w src/data/policy_words.txt

build/test_engine: test/unit/test_engine.c $(ENGINE_SRCS) src/engine/*.h | build
	$(CC) $(ENGINE_CFLAGS) -o $@ test/unit/test_engine.c $(ENGINE_SRCS) -licuuc -lm

# Engine unit tests (no PostgreSQL needed).
unittest: build/test_engine build/zhpolicy.lex
	build/test_engine build/zhpolicy.lex test/corpus

run:
	bash src/scripts/run_main_job.sh $(DIR)

test:
	bash test/run_all_tests.sh

bench:
	bash test/bench/run_bench.sh
	bash test/bench/engine.sh

bench-search:
	bash test/bench/search.sh

bench-accuracy:
	bash test/bench/accuracy.sh

.PHONY: unittest run test bench bench-search bench-accuracy

print-regress:
	@echo $(REGRESS)
.PHONY: print-regress

# libFuzzer target for the engine (clang); FUZZ_SECONDS of fuzzing
FUZZ_SECONDS ?= 60
build/fuzz_engine: test/fuzz/fuzz_engine.c $(ENGINE_SRCS) src/engine/*.h | build
	clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/engine -o $@ test/fuzz/fuzz_engine.c $(ENGINE_SRCS) -licuuc -lm

fuzz: build/fuzz_engine build/zhpolicy.lex
	mkdir -p build/fuzz-corpus && cp -n test/corpus/* build/fuzz-corpus/ 2>/dev/null || true
	build/fuzz_engine -max_total_time=$(FUZZ_SECONDS) -max_len=8192 build/fuzz-corpus
.PHONY: fuzz

# The whole pg_regress suite in a server under valgrind; fails on any error in zhpolicy's code.
installcheck-valgrind:
	bash test/valgrind/installcheck.sh
.PHONY: installcheck-valgrind

# Time, peak memory and cancel latency of each engine function on 1, 10 and 100 MB documents.
bench-limits:
	bash test/bench/limits.sh
.PHONY: bench-limits
