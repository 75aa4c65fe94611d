# zhpolicy — PGXS build.
#
#   make            build the extension, the compiled lexicon and the tools
#   make install    install them into PostgreSQL 15 (root)
#   make run        the main job: install what is missing, start a private cluster,
#                   load test/corpus (or DIR=...), index, search (src/scripts/run_main_job.sh)
#   make test       every test: engine unit tests and pg_regress (test/run_all_tests.sh)
#   make bench      benchmarks (memory and first-call latency of a backend, throughput)
#   make bench-search    does a search find what LIKE finds? (recall, precision, index size;
#                        sentences, and whole documents of 20,000-200,000 characters)
#   make bench-scale     side by side with zhparser, pg_jieba and pg_bigm (SCALE_MB=100)
#   make bench-accuracy  word segmentation accuracy on the UD Chinese GSDSimp dev set
#   make bench-ranking   NDCG@10 of ts_rank, ts_rank_cd and zhpolicy.rank (test/bench/ranking.sh)
#   make bench-eval      tag() on policy passages beyond the corpus (precision, recall, false tags), and
#                        tagged spans of the segmentation dev set and news-like text judged by a reader
#   make unittest        engine unit tests; make unittest-asan the same under ASan and UBSan
#   make fuzz            libFuzzer targets (fuzz-quick: 20 s each, fuzz-regress: kept crashes)
#   make test-valgrind   the pg_regress suite in a server under valgrind (25-40 min, not in make test)
#   make test-citus      on a Citus coordinator and two workers: the answers of one node (test/citus/run.sh;
#                        the last stage of make test, ZP_CITUS=0 skips it)

EXTENSION = zhpolicy
MODULE_big = zhpolicy
DATA = $(wildcard sql/zhpolicy--*.sql) $(wildcard src/data/zhpolicy_vocabulary_*.tsv)
DATA_TSEARCH = build/zhpolicy.lex src/data/zhpolicy.stop
REGRESS = setup parser config corpus queries tsvector text_index long_documents headline headline_long snippet clean user_dict vocabulary tag tag_spans concepts schemes skos keywords rank tag_table roles search_path cron cancel errors
REGRESS_OPTS = --encoding=UTF8 --no-locale

# zp_rdf.c wraps libserd (SKOS import); only the extension and its fuzz target link it
RDF_SRCS = src/engine/zp_rdf.c
ENGINE_SRCS = $(filter-out $(RDF_SRCS),$(wildcard src/engine/*.c))
OBJS = $(patsubst %.c,%.o,$(wildcard src/*.c) $(ENGINE_SRCS) $(RDF_SRCS))
SERD_CFLAGS := $(shell pkg-config --cflags serd-0 2>/dev/null || echo -I/usr/include/serd-0)
SERD_LIBS := $(shell pkg-config --libs serd-0 2>/dev/null || echo -lserd-0)

PG_CPPFLAGS = -Isrc/engine $(SERD_CFLAGS)
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare
SHLIB_LINK = -licuuc -lm $(SERD_LIBS)

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

build/test_engine: test/unit/test_engine.c test/fuzz/fuzz_targets.h $(ENGINE_SRCS) src/engine/*.h | build
	$(CC) $(ENGINE_CFLAGS) -Itest/fuzz -o $@ test/unit/test_engine.c $(ENGINE_SRCS) -licuuc -lm

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
	bash test/bench/tagging.sh

bench-search:
	bash test/bench/search.sh

bench-accuracy:
	bash test/bench/accuracy.sh

bench-ranking:
	bash test/bench/ranking.sh

bench-eval:
	bash test/bench/tag_eval.sh
	bash test/bench/tag_spans_eval.sh

# SCALE_MB=1000 for 1 GB; the CSV, PNG and text go to build/bench-scale-<MB>mb/
SCALE_MB ?= 100
bench-scale:
	SCALE_MB=$(SCALE_MB) bash test/bench/scale/bench_scale.sh

test-citus:
	bash test/citus/run.sh

.PHONY: unittest run test test-citus bench bench-search bench-accuracy bench-ranking bench-eval bench-scale

print-regress:
	@echo $(REGRESS)
.PHONY: print-regress

# libFuzzer targets (clang, address and undefined behaviour sanitizers): the cleaner, the
# normaliser, the tokenizer, the tagger, the lexicon loader, all of them on one input, the
# snippet highlighter and the headline selector.
#   make fuzz          each target for FUZZ_SECONDS (60)
#   make fuzz-quick    each target for 20 s; fails if any crashed (the input is kept in
#                      test/fuzz/regressions/<target>/)
#   make fuzz-regress  replay test/fuzz/regressions/ through the sanitizer builds
FUZZ_SECONDS ?= 60
FUZZ_QUICK_SECONDS ?= 20
FUZZ_TARGETS = clean normalize tokenize tagger lexicon engine bigram snippet headline rdf
FUZZ_CC ?= clang
# checks every 7 iterations and 61 bytes: the input's cancel point then falls anywhere in the engine
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-DZP_CHECK_EVERY=7 -DZP_CHECK_BYTES=61 -Isrc/engine -Itest/fuzz
FUZZ_BINS = $(patsubst %,build/fuzz_%,$(FUZZ_TARGETS))

build/fuzz_rdf: test/fuzz/fuzz_rdf.c $(RDF_SRCS) src/engine/zp_alloc.c src/engine/*.h | build
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(SERD_CFLAGS) -o $@ $< $(RDF_SRCS) src/engine/zp_alloc.c $(SERD_LIBS)

build/fuzz_%: test/fuzz/fuzz_%.c test/fuzz/fuzz_targets.h test/fuzz/fuzz_main.h $(ENGINE_SRCS) src/engine/*.h | build
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(ENGINE_SRCS) -licuuc -lm

build/make_seeds: test/fuzz/make_seeds.c $(ENGINE_SRCS) src/engine/*.h | build
	$(CC) $(ENGINE_CFLAGS) -o $@ test/fuzz/make_seeds.c $(ENGINE_SRCS) -licuuc -lm

build/fuzz-corpus/.seeded: build/make_seeds $(wildcard test/corpus/*)
	build/make_seeds build/fuzz-corpus test/corpus/*
	touch $@

fuzz: $(FUZZ_BINS) build/zhpolicy.lex build/fuzz-corpus/.seeded
	bash test/fuzz/run_fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-quick: $(FUZZ_BINS) build/zhpolicy.lex build/fuzz-corpus/.seeded
	bash test/fuzz/run_fuzz.sh $(FUZZ_QUICK_SECONDS) $(FUZZ_TARGETS)

fuzz-regress: $(FUZZ_BINS) build/zhpolicy.lex
	@for t in $(FUZZ_TARGETS); do \
		files=$$(find test/fuzz/regressions/$$t -type f ! -name '.gitkeep' 2>/dev/null); \
		[ -z "$$files" ] && continue; \
		ZHPOLICY_LEXICON=build/zhpolicy.lex build/fuzz_$$t $$files > build/fuzz_$$t.regress.log 2>&1 || \
			{ tail -30 build/fuzz_$$t.regress.log; echo "fuzz-regress: $$t failed"; exit 1; }; \
		echo "fuzz-regress: $$t: $$(echo $$files | wc -w) inputs pass"; \
	done
.PHONY: fuzz fuzz-quick fuzz-regress

# The engine unit tests under AddressSanitizer and UndefinedBehaviorSanitizer (halt on the
# first error); ASAN_CC=clang works too.  ZP_HOSTILE_MB sizes the hostile inputs (2 here).
ASAN_CC ?= $(CC)
ASAN_CFLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-Wall -Wextra -Werror -Isrc/engine -Itest/fuzz
build/test_engine_asan: test/unit/test_engine.c test/fuzz/fuzz_targets.h $(ENGINE_SRCS) src/engine/*.h | build
	$(ASAN_CC) $(ASAN_CFLAGS) -o $@ test/unit/test_engine.c $(ENGINE_SRCS) -licuuc -lm

unittest-asan: build/test_engine_asan build/zhpolicy.lex
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ZP_HOSTILE_MB=$${ZP_HOSTILE_MB:-2} \
		build/test_engine_asan build/zhpolicy.lex test/corpus
.PHONY: unittest-asan

# The whole pg_regress suite in a server under valgrind; fails on any error in zhpolicy's code.
# 25 to 40 minutes: not part of make test (CI's 90 minutes), run before a release.
test-valgrind installcheck-valgrind:
	bash test/valgrind/installcheck.sh
.PHONY: test-valgrind installcheck-valgrind

# Time, peak memory and cancel latency of each engine function on 1, 10 and 100 MB documents.
bench-limits:
	bash test/bench/limits.sh
.PHONY: bench-limits
