/*
 * test_engine.c — unit tests of the zhpolicy engine, without PostgreSQL.
 *
 * Usage: test_engine LEXICON CORPUS_DIR
 * Prints "ok"/"not ok" per check and ends with "engine: N passed, M failed".
 */
#include "zp_clean.h"
#include "zp_layout.h"
#include "zp_lexicon.h"
#include "zp_normalize.h"
#include "zp_rank.h"
#include "zp_tagger.h"
#include "zp_text.h"
#include "zp_tokenizer.h"
#include "fuzz_targets.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

static int	n_passed,
			n_failed;
static ZpLexicon lex;
static const char *corpus_path;

static void expect_tokens(const char *text, const char *want);
static void expect_image(const char *text, int want);
static size_t hostile_size(double default_mb);

/* Record one check. */
static void
check(int ok, const char *what)
{
	if (ok)
		n_passed++;
	else
		n_failed++;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", n_passed + n_failed, what);
}

/* Read a whole file; NULL if it cannot be read. */
static char *
read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;
	long		n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t) n + 1);
	if (fread(buf, 1, (size_t) n, f) != (size_t) n)
		n = 0;
	fclose(f);
	buf[n] = '\0';
	*len = (size_t) n;
	return buf;
}

/* Tokenize text into "alias:text|alias:text|..." (blanks left out) in out; compounds as the parser
 * zhpolicy_compound keeps them when set. */
static void
tokens_of_mode(const char *text, char *out, size_t outlen, int compounds)
{
	ZpTokenizer tk;
	ZpToken		tok;
	size_t		o = 0;

	out[0] = '\0';
	zp_tokenizer_init(&tk, &lex, NULL, text, strlen(text), &zp_malloc_allocator);
	tk.compounds = compounds;
	while (zp_tokenizer_next(&tk, &tok))
	{
		if (tok.type == ZP_TOK_BLANK)
			continue;
		o += (size_t) snprintf(out + o, outlen - o, "%s%s:%.*s", o ? "|" : "",
							   zp_token_type_alias(tok.type), (int) tok.len, text + tok.start);
		if (o >= outlen)
			break;
	}
	zp_tokenizer_free(&tk);
}

/* Tokenize text at the fine-grained granularity (the parser zhpolicy). */
static void
tokens_of(const char *text, char *out, size_t outlen)
{
	tokens_of_mode(text, out, outlen, 0);
}

/* Check that tokens cover [0, len) in order, none empty or too long; returns 1 if so. */
static int
covers_exactly(const char *text, size_t len, size_t *count)
{
	ZpTokenizer tk;
	ZpToken		tok;
	size_t		at = 0;
	int			ok = 1;

	*count = 0;
	if (zp_tokenizer_init(&tk, &lex, NULL, text, len, &zp_malloc_allocator) != 0)
		return 0;
	while (zp_tokenizer_next(&tk, &tok))
	{
		if (tok.start != at || tok.len == 0 || tok.len > ZP_MAX_TOKEN_BYTES ||
			zp_token_type_alias(tok.type) == NULL)
			ok = 0;
		at = tok.start + tok.len;
		(*count)++;
		if (*count > len + 1)
		{
			ok = 0;
			break;
		}
	}
	zp_tokenizer_free(&tk);
	return ok && at == len;
}

/* Expect the tokens of text to be exactly want. */
static void
expect_tokens(const char *text, const char *want)
{
	char		got[4096],
				what[8192];

	tokens_of(text, got, sizeof(got));
	snprintf(what, sizeof(what), "tokens of \"%s\"%s%s", text,
			 strcmp(got, want) == 0 ? "" : "\n#   got:  ", strcmp(got, want) == 0 ? "" : got);
	check(strcmp(got, want) == 0, what);
}

/* CPU seconds used so far. */
static double
cpu_now(void)
{
	return (double) clock() / CLOCKS_PER_SEC;
}

/*
 * An allocator for the tests that tracks every block (so a cancelled call can
 * be cleaned up, and valgrind sees a leak if the engine held memory of its
 * own), counts its cancel checks and the longest time between two, and
 * cancels (longjmp) at a deadline or after a given number of checks.
 */
typedef struct TrackedBlock
{
	struct TrackedBlock *prev,
			   *next;
	size_t		size;
} TrackedBlock;

typedef struct Tracker
{
	TrackedBlock head;
	size_t		live;			/* blocks outstanding */
	long		checks;
	long		cancel_at;		/* cancel at this check (0 = never) */
	double		deadline;		/* cancel when cpu_now() passes this (0 = never) */
	double		last_check;
	double		max_gap;		/* longest CPU time between two checks (or the start and one) */
	int			cancelled;
	jmp_buf		env;
} Tracker;

/* Allocate and remember a block. */
static void *
tracked_alloc(void *ctx, size_t size)
{
	Tracker    *t = ctx;
	TrackedBlock *b = malloc(sizeof(TrackedBlock) + size);

	if (!b)
		return NULL;
	b->size = size;
	b->next = t->head.next;
	b->prev = &t->head;
	t->head.next->prev = b;
	t->head.next = b;
	t->live++;
	return b + 1;
}

/* Forget and free a block. */
static void
tracked_release(void *ctx, void *ptr)
{
	Tracker    *t = ctx;
	TrackedBlock *b = (TrackedBlock *) ptr - 1;

	b->prev->next = b->next;
	b->next->prev = b->prev;
	t->live--;
	free(b);
}

/* The cancel check: count, measure, and cancel at the deadline or the chosen check. */
static void
tracked_check(void *ctx)
{
	Tracker    *t = ctx;
	double		now = cpu_now();

	t->checks++;
	if (now - t->last_check > t->max_gap)
		t->max_gap = now - t->last_check;
	t->last_check = now;
	if ((t->cancel_at > 0 && t->checks >= t->cancel_at) || (t->deadline > 0 && now > t->deadline))
	{
		t->cancelled = 1;
		longjmp(t->env, 1);
	}
}

/* Start tracking (with a deadline in seconds from now, 0 = none) and fill in mem. */
static void
tracker_start(Tracker *t, ZpAllocator *mem, double seconds)
{
	memset(t, 0, sizeof(*t));
	t->head.next = t->head.prev = &t->head;
	t->last_check = cpu_now();
	t->deadline = seconds > 0 ? t->last_check + seconds : 0;
	mem->alloc = tracked_alloc;
	mem->release = tracked_release;
	mem->ctx = t;
	mem->check = tracked_check;
}

/* Free whatever a (cancelled) call left; returns how many blocks that was. */
static size_t
tracker_free_all(Tracker *t)
{
	size_t		n = t->live;

	while (t->head.next != &t->head)
		tracked_release(t, t->head.next + 1);
	return n;
}

/* The work a test times: one engine pass over a text. */
enum
{
	STAGE_CLEAN, STAGE_TOKENS, STAGE_NORMALIZE, STAGE_TAG, N_STAGES
};
static const char *const stage_names[] = {"clean", "tokenizer and normaliser", "normaliser (whole input)", "tagger"};
static ZpMatcher *stage_matcher;	/* labels for STAGE_TAG, built in main */

/* Tagger callback that only counts. */
static int
count_only(void *arg, const ZpTagMatch *match)
{
	(void) match;
	(*(long *) arg)++;
	return 0;
}

/* Run one stage over text with mem (its check may longjmp out). */
static void
run_stage(int stage, const char *text, size_t len, const ZpAllocator *mem)
{
	size_t		outlen;

	if (stage == STAGE_CLEAN)
	{
		char	   *out = zp_clean(text, len, &outlen, mem);

		if (out)
			mem->release(mem->ctx, out);
	}
	else if (stage == STAGE_TOKENS)
	{
		ZpTokenizer tk;
		ZpToken		tok;
		char	   *buf = mem->alloc(mem->ctx, ZP_NORM_OUT_SIZE(ZP_MAX_TOKEN_BYTES));

		if (zp_tokenizer_init(&tk, &lex, NULL, text, len, mem) == 0)
		{
			while (zp_tokenizer_next(&tk, &tok))
				zp_normalize_token(text + tok.start, tok.len, buf, &lex, ZP_NORM_SIMPLIFY | ZP_NORM_FOLD, mem);
			zp_tokenizer_free(&tk);
		}
		mem->release(mem->ctx, buf);
	}
	else if (stage == STAGE_NORMALIZE)
	{
		char	   *buf = mem->alloc(mem->ctx, ZP_NORM_OUT_SIZE(len));

		if (buf)
		{
			zp_normalize_token(text, len, buf, &lex, ZP_NORM_SIMPLIFY | ZP_NORM_FOLD, mem);
			mem->release(mem->ctx, buf);
		}
	}
	else if (stage == STAGE_TAG)
	{
		long		n = 0;
		size_t		chars;

		zp_matcher_scan(stage_matcher, text, len, count_only, &n, &chars, mem);
	}
}

/* Seconds (CPU) one stage takes on text, with a tracking allocator; -1 if it passed deadline. */
static double
timed_stage(int stage, const char *text, size_t len, double deadline, Tracker *t)
{
	ZpAllocator mem;
	double		t0;

	tracker_start(t, &mem, deadline);
	t0 = cpu_now();
	if (setjmp(t->env) == 0)
		run_stage(stage, text, len, &mem);
	tracker_free_all(t);
	return t->cancelled ? -1 : cpu_now() - t0;
}

/* Fill buf (room for n bytes) with copies of unit, whole copies only; returns the length. */
static size_t
fill_repeated(char *buf, size_t n, const char *unit, size_t ulen)
{
	size_t		o = 0;

	while (o + ulen <= n)
	{
		memcpy(buf + o, unit, ulen);
		o += ulen;
	}
	return o;
}

/* Seconds a stage takes on len bytes of ordinary text (the corpus, repeated), measured once per size. */
static double
baseline_seconds(int stage, size_t len)
{
	static size_t cached_len[N_STAGES];
	static double cached[N_STAGES];
	static char *corpus;
	static size_t corpus_len;
	char	   *buf;
	Tracker		t;
	double		best = 0;
	int			rep;

	if (cached_len[stage] == len)
		return cached[stage];
	if (!corpus)
	{
		char		path[4096];
		FILE	   *f;

		snprintf(path, sizeof(path), "%s/000_99ce1d533ed8727d.txt", corpus_path);
		f = fopen(path, "rb");
		corpus = malloc(1 << 20);
		corpus_len = f ? fread(corpus, 1, 1 << 20, f) : 0;
		if (f)
			fclose(f);
		if (corpus_len == 0)
			corpus_len = fill_repeated(corpus, 1 << 16, "网络安全，", strlen("网络安全，"));
	}
	buf = malloc(len + 1);
	len = fill_repeated(buf, len, corpus, corpus_len);
	for (rep = 0; rep < 2; rep++)
	{
		double		s = timed_stage(stage, buf, len, 0, &t);

		if (rep == 0 || s < best)
			best = s;
	}
	free(buf);
	cached_len[stage] = len;
	cached[stage] = best;
	return best;
}

/*
 * Expect a stage to run over text in about the time ordinary text of that
 * size takes (within 40 times, plus 0.2 s): a pass that is not linear takes
 * hours on megabytes.  The tracking allocator's check cancels the call at
 * that bound, so a regression fails in seconds.  Also expect the check to
 * have been called as the call went (at least once per 256 kB).
 */
static void
expect_linear(int stage, const char *what, const char *text, size_t len)
{
	double		base = baseline_seconds(stage, len),
				bound = 40 * base + 0.2,
				secs;
	Tracker		t;
	char		msg[512];
	long		want_checks = (long) (len / (4 * ZP_CHECK_BYTES));

	secs = timed_stage(stage, text, len, bound, &t);
	snprintf(msg, sizeof(msg), "%s: %s, %.1f MB in %.3f s (ordinary text %.3f s), %ld cancel checks",
			 stage_names[stage], what, len / 1048576.0, secs < 0 ? bound : secs, base, t.checks);
	check(secs >= 0 && t.checks >= want_checks, msg);
}

/*
 * Expect a stage to be linear (expect_linear), to call its check no more than
 * an eighth of its time (or 0.1 s) apart, and, cancelled at its third check,
 * to leave only memory of its allocator behind.
 */
static void
expect_linear_cancellable(int stage, const char *what, const char *text, size_t len)
{
	double		base = baseline_seconds(stage, len),
				bound = 40 * base + 0.2,
				secs,
				gap_bound,
				max_gap;
	Tracker		t;
	ZpAllocator mem;
	char		msg[512];
	long		want_checks = (long) (len / (4 * ZP_CHECK_BYTES)),
				checks;
	int			ok;

	secs = timed_stage(stage, text, len, bound, &t);
	/* an eighth of the time, or 0.1 s, or (small inputs) four check intervals of progress */
	gap_bound = secs / 8 > 0.1 ? secs / 8 : 0.1;
	if (4 * secs * ZP_CHECK_BYTES / (double) len > gap_bound)
		gap_bound = 4 * secs * ZP_CHECK_BYTES / (double) len;
	ok = secs >= 0 && t.checks >= want_checks && t.max_gap <= gap_bound;
	checks = t.checks;
	max_gap = t.max_gap;
	/* cancelled early: what is left is the allocator's, and is freed */
	tracker_start(&t, &mem, 0);
	t.cancel_at = 3;
	if (setjmp(t.env) == 0)
		run_stage(stage, text, len, &mem);
	tracker_free_all(&t);
	ok = ok && t.cancelled;
	snprintf(msg, sizeof(msg), "%s: %s, %.1f MB in %.3f s (ordinary text %.3f s), %ld checks, "
			 "at most %.3f s apart, cancellable", stage_names[stage], what, len / 1048576.0,
			 secs < 0 ? bound : secs, base, checks, max_gap);
	check(ok, msg);
}

/*
 * Hostile inputs, 10 MB each (ZP_HOSTILE_MB): through the cleaner, the
 * tokenizer with the normaliser, the normaliser on the whole input as one
 * token, and the tagger, each in linear time and cancellable.
 */
static void
test_hostile_inputs(void)
{
	static const struct
	{
		const char *name;
		const char *unit;
	}			inputs[] = {
		{"'['", "["},
		{"']('", "]("},
		{"'#'", "#"},
		{"'*'", "*"},
		{"'`'", "`"},
		{"'\\n'", "\n"},
		{"U+3000", "\xE3\x80\x80"},
		{"one Han character", "网"},
		{"Han and ASCII alternating", "网a"},
		{"invalid UTF-8", "\xFF\xE4\xB8\x80\xC3"},
		{"digits", "1"},
		{"'![' and '](' mixed", "![a](![b]("},
	};
	size_t		n = hostile_size(10),
				len,
				i;
	char	   *buf = malloc(n + 1);
	int			stage;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
	{
		len = fill_repeated(buf, n, inputs[i].unit, strlen(inputs[i].unit));
		for (stage = 0; stage < N_STAGES; stage++)
			expect_linear_cancellable(stage, inputs[i].name, buf, len);
	}
	/* a URL-like run: one URL as long as the input */
	memcpy(buf, "https://", 8);
	for (len = 8; len < n; len++)
		buf[len] = "abcdefghij/.-_~?=&%0123456789"[len % 29];
	for (stage = 0; stage < N_STAGES; stage++)
		expect_linear_cancellable(stage, "a URL-like run", buf, len);
	free(buf);
}

/* How many bytes the linear-time tests use (ZP_HOSTILE_MB; less under valgrind). */
static size_t
hostile_size(double default_mb)
{
	const char *env = getenv("ZP_HOSTILE_MB");
	double		mb = env ? atof(env) : default_mb;

	if (RUNNING_ON_VALGRIND && !env)
		mb = mb > 0.25 ? 0.25 : mb;
	return (size_t) (mb * 1048576);
}

/* Expect a stage to be linear on a unit repeated to n bytes. */
static void
expect_linear_unit(int stage, const char *what, const char *unit, size_t n)
{
	char	   *buf = malloc(n + 1);
	size_t		len = fill_repeated(buf, n, unit, strlen(unit));

	expect_linear(stage, what, buf, len);
	free(buf);
}

/* The cleaner's passes are linear: brackets paired once per line, heading marks removed at once. */
static void
test_clean_linear(void)
{
	size_t		n = hostile_size(2);

	expect_linear_unit(STAGE_CLEAN, "a line of '[' (md_link_end scanned the line from each '[')", "[", n);
	expect_linear_unit(STAGE_CLEAN, "a line of '![' (each image start scanned the line)", "![", n);
	expect_linear_unit(STAGE_CLEAN, "a line of '[a](' (links that never close)", "[a](", n);
	expect_linear_unit(STAGE_CLEAN, "a line of '#' (one memmove per heading mark)", "#", n);
	expect_linear_unit(STAGE_CLEAN, "a line of '>' (one memmove per quote mark)", ">", n);
	{
		size_t		outlen;
		char	   *out = zp_clean("[a[b](c)](d) ![x](y(z)) [u](v", strlen("[a[b](c)](d) ![x](y(z)) [u](v"),
								   &outlen, &zp_malloc_allocator);

		check(out && strcmp(out, "a[b](c)  [u](v") == 0, "clean: nested links and images as before");
		free(out);
	}
}

/*
 * The scanners of Latin text are linear: a walk that fails (e-mail local
 * part, dotted host, URL, letters, image alt text and target) is not walked
 * again from the next token start.
 */
static void
test_tokenizer_linear(void)
{
	size_t		n = hostile_size(2);
	char		unit[4200];

	expect_linear_unit(STAGE_TOKENS, "'a.' (e-mail and host walks from every letter)", "a.", n);
	expect_linear_unit(STAGE_TOKENS, "'a-' (a hyphenated host label from every letter)", "a-", n);
	expect_linear_unit(STAGE_TOKENS, "'a+' (e-mail local part from every letter)", "a+", n);
	expect_linear_unit(STAGE_TOKENS, "'1-' (e-mail and host walks from every digit)", "1-", n);
	expect_linear_unit(STAGE_TOKENS, "'a@b.' (the host after each '@')", "a@b.", n);
	expect_linear_unit(STAGE_TOKENS, "'www.-' (a URL body that cannot start)", "www.-", n);
	expect_linear_unit(STAGE_TOKENS, "'http://-'", "http://-", n);
	expect_linear_unit(STAGE_TOKENS, "'![' (an image alt text that never closes)", "![", n);
	expect_linear_unit(STAGE_TOKENS, "'![](' (image targets that never close)", "![](", n);
	expect_linear_unit(STAGE_TOKENS, "'![](()' (image targets nesting deeper)", "![](()", n);
	memset(unit, 'a', 4000);
	strcpy(unit + 4000, "é");
	expect_linear_unit(STAGE_TOKENS, "4000 letters then é (letters walked again after each foreign piece)", unit, n);
	expect_linear_unit(STAGE_TOKENS, "'〔1' and '第1' (digit runs counted to their end)", "〔1111111111111111第111111111111111", n);
	expect_tokens("图![a](b(c)d)文", "word:图|image:![a](b(c)d)|word:文");
	{
		char		deep[256];

		/* an image target may nest ZP_IMAGE_MAX_DEPTH parentheses, not more */
		snprintf(deep, sizeof(deep), "![a](%.*s%.*s)", ZP_IMAGE_MAX_DEPTH, "((((((((((((((((((((((((((((((((((((",
				 ZP_IMAGE_MAX_DEPTH, "))))))))))))))))))))))))))))))))))))");
		expect_image(deep, 1);
		snprintf(deep, sizeof(deep), "![a](%.*s%.*s)", ZP_IMAGE_MAX_DEPTH + 1, "((((((((((((((((((((((((((((((((((((",
				 ZP_IMAGE_MAX_DEPTH + 1, "))))))))))))))))))))))))))))))))))))");
		expect_image(deep, 0);
	}
}

/*
 * The tagger is linear: a long run of Chinese text is walked once, not once
 * per match in it (22 s a megabyte with a one-character label before), and
 * white space gaps are walked at most GAP_MAX bytes.
 */
static void
test_tagger_linear(void)
{
	size_t		n = hostile_size(2);
	char	   *buf = malloc(n + 1);
	size_t		len;

	expect_linear_unit(STAGE_TAG, "one Han character repeated (a match at every character)", "网", n);
	expect_linear_unit(STAGE_TAG, "网络 repeated", "网络", n);
	expect_linear_unit(STAGE_TAG, "网 and a space repeated (spaced-out title)", "网 ", n);
	expect_linear_unit(STAGE_TAG, "网 and a line break repeated", "网\n", n);
	expect_linear_unit(STAGE_TAG, "网, a line break, 100 spaces (long wrap gaps)",
					   "网\n                                                                                                    ", n);
	/* 网, then a whole megabyte of spaces, then 网 */
	memset(buf, ' ', n);
	memcpy(buf, "网", 3);
	memcpy(buf + n - 3, "网", 3);
	expect_linear(STAGE_TAG, "网, megabytes of spaces, 网", buf, n);
	len = fill_repeated(buf, n, "网络。", strlen("网络。"));
	expect_linear(STAGE_TAG, "网络。 repeated (many short runs)", buf, len);
	free(buf);
}

/*
 * A scan takes all its memory from its scratch allocator, and a cancelled
 * scan leaves the matcher (built in its own allocator) untouched.
 */
static void
test_tagger_scratch(void)
{
	ZpAllocator mmem,
				smem;
	Tracker		mt,
				st;
	ZpMatcher  *m;
	size_t		before,
				chars,
				left;
	long		count = 0;
	const char *text = "保障网络安全，联合国家和联合国。关键信息基础设施";

	tracker_start(&mt, &mmem, 0);
	mmem.check = NULL;
	m = zp_matcher_new(&lex, &mmem);
	zp_matcher_add(m, "网络安全", strlen("网络安全"), 0);
	zp_matcher_add(m, "联合国", strlen("联合国"), 1);
	zp_matcher_build(m);
	before = mt.live;
	tracker_start(&st, &smem, 0);
	zp_matcher_scan(m, text, strlen(text), count_only, &count, &chars, &smem);
	check(count == 2 && mt.live == before && st.live == 0,
		  "a scan allocates only from its scratch allocator, and frees what it took");
	/* cancel at the first check: scratch blocks may be left, the matcher's are as they were */
	tracker_start(&st, &smem, 0);
	st.cancel_at = 1;
	smem.check = tracked_check;
	{
		char	   *big = malloc(1 << 20);
		size_t		blen = fill_repeated(big, 1 << 20, text, strlen(text));

		count = 0;
		if (setjmp(st.env) == 0)
			zp_matcher_scan(m, big, blen, count_only, &count, &chars, &smem);
		left = tracker_free_all(&st);
		check(st.cancelled && mt.live == before, "a cancelled scan leaves the matcher's memory untouched");
		(void) left;
		count = 0;
		zp_matcher_scan(m, text, strlen(text), count_only, &count, &chars, &zp_malloc_allocator);
		check(count == 2, "the matcher still works after a cancelled scan");
		free(big);
	}
	zp_matcher_free(m);
	check(mt.live == 0, "the matcher frees all it allocated");
	tracker_free_all(&mt);
}

/* zp_tokenizer_free releases everything once; a second call does nothing. */
static void
test_tokenizer_free_twice(void)
{
	ZpTokenizer tk;
	ZpAllocator mem;
	Tracker		t;

	tracker_start(&t, &mem, 0);
	mem.check = NULL;
	zp_tokenizer_init(&tk, &lex, NULL, "网络", 6, &mem);
	zp_tokenizer_free(&tk);
	check(t.live == 0 && tk.split == NULL && tk.cps == NULL && tk.queue == NULL,
		  "tokenizer free releases every buffer and forgets it (split too)");
	zp_tokenizer_free(&tk);
	check(t.live == 0, "a second tokenizer free does nothing");
	tracker_free_all(&t);
}

/* Expect text to be one image token (want 1) or not to hold one (want 0). */
static void
expect_image(const char *text, int want)
{
	ZpTokenizer tk;
	ZpToken		tok;
	int			image = 0,
				whole = 0;
	char		what[512];

	zp_tokenizer_init(&tk, &lex, NULL, text, strlen(text), &zp_malloc_allocator);
	while (zp_tokenizer_next(&tk, &tok))
		if (tok.type == ZP_TOK_IMAGE)
		{
			image = 1;
			whole = tok.start == 0 && tok.len == strlen(text);
		}
	zp_tokenizer_free(&tk);
	snprintf(what, sizeof(what), "%s is %s", text, want ? "one image" : "no image");
	check(want ? image && whole : !image, what);
}

/* The fuzz target a regression directory belongs to. */
static int
run_fuzz_target(const char *target, const ZpLexicon *user, const uint8_t *data, size_t size)
{
	if (strcmp(target, "clean") == 0)
		return fuzz_clean(&lex, data, size);
	if (strcmp(target, "normalize") == 0)
		return fuzz_normalize(&lex, data, size);
	if (strcmp(target, "tokenize") == 0)
		return fuzz_tokenize_with(&lex, user, data, size);
	if (strcmp(target, "tagger") == 0)
		return fuzz_tagger(&lex, data, size);
	if (strcmp(target, "lexicon") == 0)
		return fuzz_lexicon(&lex, data, size);
	if (strcmp(target, "bigram") == 0)
		return fuzz_bigram(data, size);
	if (strcmp(target, "snippet") == 0)
		return fuzz_snippet(data, size);
	if (strcmp(target, "headline") == 0)
		return fuzz_headline(data, size);
	/* engine: everything on one input */
	return fuzz_clean(&lex, data, size) || fuzz_tokenize_with(&lex, user, data, size) ||
		fuzz_normalize(&lex, data, size);
}

/*
 * The inputs kept from fuzzing (test/fuzz/regressions/<target>/, next to the
 * corpus directory's parent) go through the same invariants as under the
 * fuzzer; so do a few inputs of each target, cancelled at each of their first
 * checks (valgrind then sees anything a cancel leaves outside the allocator).
 */
static void
test_fuzz_regressions(const char *corpus_dir)
{
	static const char *targets[] = {"clean", "normalize", "tokenize", "tagger", "lexicon", "engine", "bigram", "snippet",
	"headline"};
	static const char *samples[] = {
		"[[[[](](](![a](![b](c)d) #### **粗** 网络安全",
		"a.a.a@b.b.cn www.-x http://a(b(c)d) 1-1-1 国发〔2023〕5号 第18届 2023年11月8日",
		"网络安全\n联合国\nAI\0构建网络空间命运共同体，联合国家和联合国 AI MAIL\n有\n利于",
	};
	static const char *words[] = {"网络安全", "乡村振兴", "一带一路"};
	char		dir[4096],
				what[512];
	size_t		i,
				t;
	int			files = 0,
				failed = 0,
				all_ok = 1;
	ZpLexBuilder *b = zp_lexbuilder_new(&zp_malloc_allocator);
	ZpLexicon	user;
	void	   *buf;
	size_t		size;
	char		err[256];

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		zp_lexbuilder_add(b, words[i], strlen(words[i]), 5000);
	zp_lexbuilder_serialize(b, 1, &buf, &size, err, sizeof(err));
	zp_lexicon_open_buffer(buf, size, &user, err, sizeof(err));
	zp_lexbuilder_free(b);
	for (t = 0; t < sizeof(targets) / sizeof(targets[0]); t++)
	{
		DIR		   *d;
		struct dirent *e;

		snprintf(dir, sizeof(dir), "%s/../fuzz/regressions/%s", corpus_dir, targets[t]);
		d = opendir(dir);
		while (d && (e = readdir(d)) != NULL)
		{
			char		path[8192];
			size_t		len;
			char	   *data;

			if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			data = read_file(path, &len);
			if (!data)
				continue;
			files++;
			if (run_fuzz_target(targets[t], &user, (const uint8_t *) data, len))
			{
				failed++;
				printf("# fuzz regression fails: %s\n", path);
			}
			free(data);
		}
		if (d)
			closedir(d);
		/* the samples, whole and cancelled at each of their first checks */
		for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		{
			size_t		len = strlen(samples[i]) + (strchr(samples[i], '\n') ? 0 : 0);
			uint8_t		in[512];
			int			c;

			memcpy(in, samples[i], len);
			if (i == 2)			/* labels, a NUL, the text */
				len = strlen(samples[i]) + 1 + strlen(samples[i] + strlen(samples[i]) + 1);
			memcpy(in, samples[i], len);
			for (c = 0; c <= 8; c++)
			{
				in[len] = c == 0 ? 0 : (uint8_t) (0x80 | (c - 1));	/* last byte: the check to cancel at */
				if (run_fuzz_target(targets[t], &user, in, len + 1))
					all_ok = 0;
			}
		}
	}
	zp_lexicon_close(&user);
	snprintf(what, sizeof(what), "%d fuzz regression inputs pass their target's invariants", files);
	check(failed == 0, what);
	check(all_ok, "sample inputs of every fuzz target pass, whole and cancelled at each of their first checks");
}

/* UTF-8 decoding never stalls and maps bad bytes to U+FFFD. */
static void
test_utf8(void)
{
	uint32_t	cp;
	const unsigned char bad[] = {0xE4, 0xB8, 0x41};	/* truncated sequence */
	const unsigned char sur[] = {0xED, 0xA0, 0x80};	/* surrogate */
	char		buf[4];

	check(zp_utf8_decode((const unsigned char *) "\xE7\xBD\x91", 3, &cp) == 3 && cp == 0x7F51,
		  "decode 网");
	check(zp_utf8_decode(bad, 3, &cp) == 1 && cp == 0xFFFD, "truncated sequence is one bad byte");
	check(zp_utf8_decode(sur, 3, &cp) == 1 && cp == 0xFFFD, "surrogate is rejected");
	check(zp_utf8_encode(0x1F600, buf) == 4, "encode emoji");
	check(zp_char_class(0x3042) == ZP_CC_LETTER && zp_char_class(0x1F600) == ZP_CC_OTHER &&
		  zp_char_class(0xFF21) == ZP_CC_LATIN && zp_char_class(0x3007) == ZP_CC_HAN,
		  "character classes: kana letter, emoji other, full-width Latin, 〇 Han");
}

/* Build a small lexicon, read it back, and reject broken files with a message. */
static void
test_lexicon_files(void)
{
	ZpLexBuilder *b = zp_lexbuilder_new(&zp_malloc_allocator);
	ZpLexicon	small;
	char		err[512];
	const char *path = "build/test_small.lex";
	FILE	   *f;
	char	   *data;
	size_t		len;

	check(zp_lexbuilder_add(b, "网络", 6, 100) == 0, "builder adds a Han word");
	check(zp_lexbuilder_add(b, "IPv6", 4, 5) != 0, "builder refuses a word with Latin letters");
	check(zp_lexbuilder_add(b, "网络空间", 12, 10) == 0, "builder adds a longer word");
	check(zp_lexbuilder_write(b, path, err, sizeof(err)) == 0, "builder writes a file");
	zp_lexbuilder_free(b);
	check(zp_lexicon_open(path, &small, err, sizeof(err)) == 0, "small lexicon opens");
	check(zp_lex_lookup(&small, "网络", 6) < 0 && zp_lex_lookup(&small, "网络空间", 12) < 0,
		  "words are found with log probabilities");
	check(zp_lex_lookup(&small, "网络空", 9) == ZP_LEX_NOT_WORD, "a prefix is not a word");
	zp_lexicon_close(&small);

	check(zp_lexicon_open("build/no_such.lex", &small, err, sizeof(err)) != 0 &&
		  strstr(err, "could not open") != NULL, "missing file: error says it cannot be opened");

	data = read_file(path, &len);
	f = fopen("build/test_truncated.lex", "wb");
	fwrite(data, 1, len / 2, f);
	fclose(f);
	check(zp_lexicon_open("build/test_truncated.lex", &small, err, sizeof(err)) != 0 &&
		  strstr(err, "truncated") != NULL, "truncated file: error says so");
	data[0] = 'X';
	f = fopen("build/test_badmagic.lex", "wb");
	fwrite(data, 1, len, f);
	fclose(f);
	check(zp_lexicon_open("build/test_badmagic.lex", &small, err, sizeof(err)) != 0 &&
		  strstr(err, "not a zhpolicy lexicon") != NULL, "wrong magic: error says it is no lexicon");
	f = fopen("build/test_short.lex", "wb");
	fwrite("ZPLEX", 1, 5, f);
	fclose(f);
	check(zp_lexicon_open("build/test_short.lex", &small, err, sizeof(err)) != 0,
		  "five-byte file is rejected");
	free(data);
}

/* A small lexicon in memory: a few words, the HMM of the main lexicon for some characters. */
static void *
small_lexicon_image(size_t *size, int compact)
{
	static const char *words[] = {"网络", "网络空间", "空间", "安全", "网络安全", "国家", "发展", "网"};
	ZpLexBuilder *b = zp_lexbuilder_new(&zp_malloc_allocator);
	void	   *buf = NULL;
	char		err[256];
	size_t		i;
	int			st;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		zp_lexbuilder_add(b, words[i], strlen(words[i]), 100.0 + (double) i);
	for (st = 0; st < 4; st++)
	{
		zp_lexbuilder_set_emission(b, 0x7F51, st, -1.0f - (float) st);	/* 网 */
		zp_lexbuilder_set_emission(b, 0x4E2D, st, -2.0f - (float) st);	/* 中 */
	}
	if (zp_lexbuilder_serialize(b, compact, &buf, size, err, sizeof(err)) != 0)
		buf = NULL;
	zp_lexbuilder_free(b);
	return buf;
}

/* Open a copy of an image; returns 0 with the lexicon open, or -1 with err. */
static int
open_copy(const void *img, size_t size, ZpLexicon *l, char *err, size_t errlen)
{
	void	   *copy = malloc(size);
	int			rc;

	memcpy(copy, img, size);
	rc = zp_lexicon_open_buffer(copy, size, l, err, errlen);
	if (rc != 0)
		free(copy);
	return rc;
}

/* Tokenize text with l (as the main lexicon) and check that the tokens cover it; counts tokens. */
static int
covers_with(const ZpLexicon *l, const char *text, size_t len)
{
	ZpTokenizer tk;
	ZpToken		tok;
	size_t		at = 0;
	int			ok = 1;

	if (zp_tokenizer_init(&tk, l, NULL, text, len, &zp_malloc_allocator) != 0)
		return 0;
	while (zp_tokenizer_next(&tk, &tok))
	{
		if (tok.start != at || tok.len == 0 || tok.len > ZP_MAX_TOKEN_BYTES)
			ok = 0;
		at = tok.start + tok.len;
	}
	zp_tokenizer_free(&tk);
	return ok && at == len;
}

/*
 * A damaged lexicon cannot hang a reader: tables too full or of impossible
 * sizes are refused on open with a message; an edge table filled to the last
 * slot (which open does not read) still gives lookups that end, and
 * zp_lexicon_verify names it; a trie edge that loops back cannot make a walk
 * longer than ZP_LEX_MAX_WORD_CHARS; random damage never crashes or hangs.
 */
static void
test_damaged_lexicon(void)
{
	size_t		size,
				i;
	char	   *img = small_lexicon_image(&size, 0),
			   *bad;
	ZpLexHeader *h;
	ZpLexicon	l;
	char		err[512],
				what[768];
	unsigned int seed = 4242;
	double		t0;
	int			opened = 0,
				all_ok = 1;

	check(img != NULL, "a small lexicon serialises");
	if (!img)
		return;
	check(open_copy(img, size, &l, err, sizeof(err)) == 0 && zp_lexicon_verify(&l, err, sizeof(err)) == 0 &&
		  l.edge_probes >= 1 && l.edge_probes <= 8, "the small lexicon opens and verifies, with a short probe bound");
	zp_lexicon_close(&l);
	bad = malloc(size);

	/* the header says more nodes than a half-empty edge table holds */
	memcpy(bad, img, size);
	h = (ZpLexHeader *) bad;
	h->n_nodes = (uint32_t) (1u << h->trie_bits);
	snprintf(what, sizeof(what), "an edge table too full to probe is refused: %s",
			 open_copy(bad, size, &l, err, sizeof(err)) != 0 ? err : "(opened)");
	check(strstr(what, "too full to probe") != NULL, what);

	/* a probe bound longer than the table */
	memcpy(bad, img, size);
	h = (ZpLexHeader *) bad;
	h->edge_probes = (uint32_t) (1u << h->trie_bits) + 1;
	snprintf(what, sizeof(what), "an impossible probe bound is refused: %s",
			 open_copy(bad, size, &l, err, sizeof(err)) != 0 ? err : "(opened)");
	check(strstr(what, "impossible probe length") != NULL, what);

	/* an emission table with no empty slot */
	memcpy(bad, img, size);
	h = (ZpLexHeader *) bad;
	for (i = 0; i < ((size_t) 1 << h->emit_bits); i++)
		((uint32_t *) (bad + h->off_emit_keys))[i] = (uint32_t) (i + 0x100);
	snprintf(what, sizeof(what), "a full emission table is refused: %s",
			 open_copy(bad, size, &l, err, sizeof(err)) != 0 ? err : "(opened)");
	check(strstr(what, "emission table holds") != NULL, what);

	/* table sizes beyond what the probing assumes */
	memcpy(bad, img, size);
	h = (ZpLexHeader *) bad;
	h->emit_bits = 40;
	snprintf(what, sizeof(what), "impossible table sizes are refused: %s",
			 open_copy(bad, size, &l, err, sizeof(err)) != 0 ? err : "(opened)");
	check(strstr(what, "impossible table sizes") != NULL, what);

	/* every edge slot taken (open does not read the edge table): lookups still end */
	memcpy(bad, img, size);
	h = (ZpLexHeader *) bad;
	for (i = 0; i < ((size_t) 1 << h->trie_bits); i++)
	{
		ZpLexEdge  *e = (ZpLexEdge *) (bad + h->off_edges) + i;

		if (e->key == 0)
			e->key = zp_lex_edge_key(12345, (uint32_t) i);
	}
	if (open_copy(bad, size, &l, err, sizeof(err)) == 0)
	{
		float		lp;

		t0 = cpu_now();
		check(zp_lex_next(&l, 999, 0x4E00, &lp) == 0 && zp_lex_lookup(&l, "网络空", strlen("网络空")) == ZP_LEX_NOT_WORD &&
			  zp_lex_lookup(&l, "网络", strlen("网络")) < 0, "a full edge table: lookups of missing keys end, words are found");
		snprintf(what, sizeof(what), "a full edge table does not verify: %s",
				 zp_lexicon_verify(&l, err, sizeof(err)) != 0 ? err : "(verified)");
		check(strstr(what, "edge table holds") != NULL || strstr(what, "probes from") != NULL, what);
		/* a file that does not record its probe bound: lookups stop at the table size */
		((ZpLexHeader *) l.hdr)->edge_probes = 0;
		zp_lexicon_close(&l);
		((ZpLexHeader *) bad)->edge_probes = 0;
		if (open_copy(bad, size, &l, err, sizeof(err)) == 0)
		{
			check(zp_lex_next(&l, 999, 0x4E00, &lp) == 0 && l.edge_probes == (1u << l.trie_bits),
				  "without a recorded bound, a lookup in a full table probes the table once and ends");
			zp_lexicon_close(&l);
		}
	}
	else
		check(0, "a full edge table opens (the loader does not read it)");

	/* a trie edge that loops back to its own node: walks stop at ZP_LEX_MAX_WORD_CHARS */
	memcpy(bad, img, size);
	h = (ZpLexHeader *) bad;
	if (open_copy(bad, size, &l, err, sizeof(err)) == 0)
	{
		ZpLexRootEntry *root = (ZpLexRootEntry *) (bad + h->off_root);
		uint32_t	node = root[0x7F51].child & ZP_LEX_NODE_MASK;	/* 网 */
		size_t		slot;
		ZpLexEdge  *edges = (ZpLexEdge *) (bad + h->off_edges);
		char	   *run = malloc(1 << 20);
		size_t		rlen = fill_repeated(run, 1 << 20, "网", 3);

		zp_lexicon_close(&l);
		/* replace the edge 网 -> 网络 by 网 -> 网 (itself) */
		for (slot = 0; slot < ((size_t) 1 << h->trie_bits); slot++)
			if (edges[slot].key == zp_lex_edge_key(node, 0x7EDC))	/* 络 */
				edges[slot].key = zp_lex_edge_key(node, 0x7F51);
		for (slot = 0; slot < ((size_t) 1 << h->trie_bits); slot++)
			if (edges[slot].key == zp_lex_edge_key(node, 0x7F51))
			{
				edges[slot].child = node | ZP_LEX_HAS_CHILDREN;
				edges[slot].logp = -1.0f;
			}
		if (open_copy(bad, size, &l, err, sizeof(err)) == 0)
		{
			t0 = cpu_now();
			check(covers_with(&l, run, rlen) && cpu_now() - t0 < 2.0 + 40 * baseline_seconds(STAGE_TOKENS, rlen),
				  "a trie loop (网 -> 网): a megabyte of 网 tokenizes in linear time");
			zp_lexicon_close(&l);
		}
		free(run);
	}

	/* random damage: open refuses, or tokenizing and looking up end and cover the text */
	for (i = 0; i < 3000 && all_ok; i++)
	{
		size_t		k,
					flips = 1 + rand_r(&seed) % 8;
		const char *text = "网络安全和国家发展，中国网络空间。abc 1.5% 2023年";

		memcpy(bad, img, size);
		for (k = 0; k < flips; k++)
		{
			/* mostly the header and the tables' first bytes, where damage matters most */
			size_t		at = rand_r(&seed) % 4 ? (size_t) (rand_r(&seed) % 256) : (size_t) rand_r(&seed) % size;

			bad[at] ^= (char) (1 << (rand_r(&seed) % 8));
		}
		if (open_copy(bad, size, &l, err, sizeof(err)) == 0)
		{
			opened++;
			if (!covers_with(&l, text, strlen(text)))
				all_ok = 0;
			zp_lex_lookup(&l, "网络空间", strlen("网络空间"));
			zp_lex_emission(&l, 0x7F51);
			zp_lexicon_verify(&l, err, sizeof(err));
			zp_lexicon_close(&l);
		}
	}
	snprintf(what, sizeof(what), "3000 randomly damaged lexicons: open refuses or reading ends (%d opened)", opened);
	check(all_ok, what);

	/* every truncation is refused */
	for (i = 0, all_ok = 1; i < size && all_ok; i += 1 + i / 16)
		if (open_copy(img, i, &l, err, sizeof(err)) == 0)
			all_ok = 0;
	check(all_ok, "every truncation of a lexicon is refused");
	free(bad);
	free(img);
}

/*
 * The builder: words longer than ZP_LEX_MAX_WORD_CHARS are refused, the node
 * limit is its own error code (not out of memory), emission values are set in
 * constant time, and a builder cancelled at any check is freed whole.
 */
static void
test_builder_limits(void)
{
	ZpLexBuilder *b = zp_lexbuilder_new(&zp_malloc_allocator);
	char		word[3 * (ZP_LEX_MAX_WORD_CHARS + 1) + 1],
				err[256];
	void	   *buf;
	size_t		size,
				i;
	int			rc,
				all_ok;
	long		total_checks,
				k;

	fill_repeated(word, 3 * ZP_LEX_MAX_WORD_CHARS, "网", 3);
	word[3 * ZP_LEX_MAX_WORD_CHARS] = '\0';
	check(zp_lexbuilder_add(b, word, strlen(word), 10) == 0, "a word of ZP_LEX_MAX_WORD_CHARS characters is taken");
	strcat(word, "网");
	check(zp_lexbuilder_add(b, word, strlen(word), 10) != 0, "a longer word is refused");
	zp_lexbuilder_free(b);

	b = zp_lexbuilder_new(&zp_malloc_allocator);
	zp_lexbuilder_set_max_nodes(b, 100);
	for (i = 0, all_ok = 1; i < 200; i++)
	{
		char		w[8];

		zp_utf8_encode(0x4E00 + (uint32_t) i, w);
		w[3] = '\0';
		if (zp_lexbuilder_add(b, w, 3, 1) != 0 && i < 99)
			all_ok = 0;
	}
	rc = zp_lexbuilder_serialize(b, 1, &buf, &size, err, sizeof(err));
	check(all_ok && rc == ZP_LEX_ERR_LIMIT && strstr(err, "too many trie nodes") != NULL,
		  "the node limit is ZP_LEX_ERR_LIMIT (too many trie nodes), not out of memory");
	zp_lexbuilder_free(b);

	/* cancel a builder at each of a spread of its checks: freeing it leaves nothing behind */
	{
		ZpAllocator mem;
		Tracker		t;
		double		t0;

		tracker_start(&t, &mem, 0);
		t0 = cpu_now();
		b = zp_lexbuilder_new(&mem);
		for (i = 0; i < 60000; i++)
		{
			char		w[8];

			zp_utf8_encode(0x4E00 + (uint32_t) (i % 20000), w);
			zp_utf8_encode(0x4E00 + (uint32_t) (i / 20000), w + 3);
			zp_lexbuilder_add(b, w, 6, 1);
			zp_lexbuilder_set_emission(b, 0x4E00 + (uint32_t) i, (int) (i % 4), -1.0f);
		}
		rc = zp_lexbuilder_serialize(b, 0, &buf, &size, err, sizeof(err));
		check(rc == 0 && cpu_now() - t0 < 5.0, "60,000 words and emission values build in linear time");
		if (rc == 0)
			free(buf);
		zp_lexbuilder_free(b);
		total_checks = t.checks;
		check(t.live == 0 && total_checks > 20, "the builder calls its check and frees all it took");
		for (k = 1, all_ok = 1; k < total_checks && all_ok; k += 1 + total_checks / 7)
		{
			ZpLexBuilder *volatile vb = NULL;	/* read after the longjmp */

			tracker_start(&t, &mem, 0);
			t.cancel_at = k;
			if (setjmp(t.env) == 0)
			{
				vb = zp_lexbuilder_new(&mem);
				for (i = 0; i < 60000; i++)
				{
					char		w[8];

					zp_utf8_encode(0x4E00 + (uint32_t) (i % 20000), w);
					zp_utf8_encode(0x4E00 + (uint32_t) (i / 20000), w + 3);
					zp_lexbuilder_add(vb, w, 6, 1);
					zp_lexbuilder_set_emission(vb, 0x4E00 + (uint32_t) i, (int) (i % 4), -1.0f);
				}
				if (zp_lexbuilder_serialize(vb, 0, &buf, &size, err, sizeof(err)) == 0)
					free(buf);
			}
			if (!t.cancelled || !vb)
				all_ok = 0;
			else
			{
				zp_lexbuilder_free(vb);
				if (t.live != 0)
					all_ok = 0;
			}
			tracker_free_all(&t);
		}
		check(all_ok, "a builder cancelled at any of its checks frees everything (the image too)");
	}
}

/* Segmentation and token types on sentences a policy reader writes. */
static void
test_tokens(void)
{
	expect_tokens("构建网络空间命运共同体是信息时代的必然选择",
				  "word:构建|word:网络|word:空间|word:命运|word:共同体|word:是|word:信息|word:时代|word:的|word:必然选择");
	expect_tokens("UNGGE和IPv6、5G网络",
				  "asciiword:UNGGE|word:和|numword:IPv6|numword:5G|word:网络");
	expect_tokens("覆盖率39.8%，470.5万个，2.06万亿元，1,234人",
				  "word:覆盖|word:率|num:39.8%|quantity:470.5万|word:个|quantity:2.06万亿|word:元|int:1,234|word:人");
	expect_tokens("2023年11月8日 09:11，2024-05-01，11月28日，2035 年",
				  "date:2023年11月8日|time:09:11|date:2024-05-01|date:11月28日|date:2035 年");
	expect_tokens("见https://www.cac.gov.cn/a?b=1(注)或a.b@scio.gov.cn，www.gov.cn",
				  "word:见|url:https://www.cac.gov.cn/a?b=1|word:注|word:或|email:a.b@scio.gov.cn|url:www.gov.cn");
	expect_tokens("图![cover](https://mmbiz.qpic.cn/a/0?wx_fmt=jpeg)文",
				  "word:图|image:![cover](https://mmbiz.qpic.cn/a/0?wx_fmt=jpeg)|word:文");
	expect_tokens("[链接](https://x.cn/a)", "word:链接|url:https://x.cn/a");
	expect_tokens("根据国发〔2023〕5号文件和工信部【2021】3号",
				  "word:根据|docnum:国发〔2023〕5号|word:文件|word:和|docnum:工信部【2021】3号");
	expect_tokens("以及〔2023〕5号", "word:以及|docnum:〔2023〕5号");
	expect_tokens("大使马丁·查尔斯说，法乌齐亚·布迈扎·奥马尔", "word:大使|oov:马丁·查尔斯|word:说|oov:法乌齐亚·布迈扎·奥马尔");
	expect_tokens("第18届，第2名，第3.5版", "ordinal:第18|word:届|ordinal:第2|word:名|word:第|num:3.5|word:版");
	expect_tokens("坚持放管服改革，建设一带一路", "word:坚持|word:放管服|word:改革|word:建设|word:一带一路");
	expect_tokens("携 手 构 建 网 络 空 间", "word:携 手|word:构 建|word:网 络|word:空 间");
	/* the fine-grained convention of treebank standards; idioms and policy terms stay whole */
	expect_tokens("一个博物馆的体育用品，总面积之一，因此位于",
				  "word:一|word:个|word:博物|word:馆|word:的|word:体育|word:用品|"
				  "word:总|word:面积|word:之|word:一|word:因|word:此|word:位|word:于");
	/* the same text with compounds kept whole (the parser zhpolicy_compound) */
	{
		char		got[512];

		tokens_of_mode("一个博物馆的体育用品", got, sizeof(got), 1);
		check(strcmp(got, "word:一个|word:博物馆|word:的|word:体育用品") == 0, "compound granularity keeps 体育用品 whole");
	}
	/* characters the lexicon mostly uses alone are flagged; characters mostly inside words are not */
	check(zp_lex_standalone(&lex, 0x662F /* 是 */) && zp_lex_standalone(&lex, 0x7684 /* 的 */) &&
		  !zp_lex_standalone(&lex, 0x7F51 /* 网 */) && !zp_lex_standalone(&lex, 0x4E60 /* 习 */),
		  "standalone flags: 是 and 的 yes, 网 and 习 no");
	/* the classifier after a number is a word of its own, not the start of an unknown word */
	expect_tokens("9512个村", "int:9512|word:个|word:村");
	expect_tokens("实事求是地推进一带一路", "word:实事求是|word:地|word:推进|word:一带一路");
	expect_tokens("新闻直播 要闻 国际", "word:新闻|word:直播|word:要闻|word:国际");
	expect_tokens("こんにちは 한국어 Привет 😀 ＩＰｖ６",
				  "foreignword:こんにちは|foreignword:한국어|foreignword:Привет|numword:ＩＰｖ６");
}

/* Every byte is covered on the corpus, on adversarial input and on random bytes. */
static void
test_coverage(const char *corpus_dir)
{
	DIR		   *d = opendir(corpus_dir);
	struct dirent *e;
	int			files = 0,
				all_ok = 1,
				i;
	size_t		count;
	char	   *buf;
	unsigned int seed = 12345;

	while (d && (e = readdir(d)) != NULL)
	{
		char		path[4096];
		size_t		len;
		char	   *text;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", corpus_dir, e->d_name);
		text = read_file(path, &len);
		if (!text)
			continue;
		files++;
		if (!covers_exactly(text, len, &count) || count < 100)
			all_ok = 0;
		free(text);
	}
	if (d)
		closedir(d);
	check(files == 5 && all_ok, "tokens cover each of the 5 corpus articles exactly");

	buf = malloc(300001);
	memset(buf, 'a', 300000);
	check(covers_exactly(buf, 300000, &count) && count > 200, "300 kB of one letter: blob pieces");
	for (i = 0; i < 300000; i += 3)
		memcpy(buf + i, "\xE7\xBD\x91", 3);
	check(covers_exactly(buf, 300000, &count), "100k Han characters in one run");
	memset(buf, ' ', 300000);
	check(covers_exactly(buf, 300000, &count), "300 kB of spaces");
	memset(buf, '!', 300000);
	buf[1] = '[';
	check(covers_exactly(buf, 300000, &count), "an unclosed markdown image");

	for (i = 0; i < 2000 && all_ok; i++)
	{
		size_t		len = (size_t) (rand_r(&seed) % 400),
					k;
		const char *pieces[] = {"网", "络", "\n", " ", "1", ".", "%", "a", "Z", "年", "月", "日",
		"![", "](", ")", "http://", "@", "-", ":", "万", "\xFF", "\xE4\xB8", "　", "，", "😀"};

		for (k = 0; k < len;)
		{
			const char *p = pieces[rand_r(&seed) % (sizeof(pieces) / sizeof(pieces[0]))];
			size_t		pl = strlen(p);

			if (k + pl > len)
				break;
			memcpy(buf + k, p, pl);
			k += pl;
		}
		if (!covers_exactly(buf, k, &count))
			all_ok = 0;
	}
	check(all_ok, "2000 random mixtures of tricky pieces are covered exactly");
	free(buf);
}

/* The normaliser reads a long token in blocks, with a cancel check between them. */
static void
test_normalize_linear(void)
{
	size_t		n = hostile_size(2);

	expect_linear_unit(STAGE_NORMALIZE, "one token of 网", "网", n);
	expect_linear_unit(STAGE_NORMALIZE, "one token of full-width letters and spaces", "Ａ　", n);
	expect_linear_unit(STAGE_NORMALIZE, "one token of invalid UTF-8", "\xFF\xE4\xB8", n);
}

/* Token normalisation for the dictionary. */
static void
test_normalize(void)
{
	char		out[ZP_NORM_OUT_SIZE(64)];
	size_t		n;

	const int	all = ZP_NORM_SIMPLIFY | ZP_NORM_FOLD;

	n = zp_normalize_token("ＩＰｖ６", strlen("ＩＰｖ６"), out, &lex, all, NULL);
	check(n == 4 && memcmp(out, "ipv6", 4) == 0, "full-width IPv6 becomes ipv6");
	n = zp_normalize_token("有\n\n利于", strlen("有\n\n利于"), out, &lex, all, NULL);
	check(n == 9 && memcmp(out, "有利于", 9) == 0, "line wrap inside a word is removed");
	n = zp_normalize_token(" \n", 2, out, &lex, all, NULL);
	check(n == 0, "white space alone gives nothing");
	n = zp_normalize_token("網絡空間", strlen("網絡空間"), out, &lex, all, NULL);
	check(n == strlen("网络空间") && memcmp(out, "网络空间", n) == 0, "Traditional becomes Simplified");
	n = zp_normalize_token("網絡", strlen("網絡"), out, &lex, ZP_NORM_FOLD, NULL);
	check(n == strlen("網絡") && memcmp(out, "網絡", n) == 0, "without SIMPLIFY Traditional stays");
	n = zp_normalize_token("ÄRGER", strlen("ÄRGER"), out, &lex, all, NULL);
	check(n == strlen("ärger") && memcmp(out, "ärger", n) == 0, "ICU case folding of non-ASCII");
	n = zp_normalize_token("①ｶ", strlen("①ｶ"), out, &lex, all, NULL);
	check(n == strlen("1カ") && memcmp(out, "1カ", n) == 0, "NFKC: circled digit and half-width kana");
}

/* Layout and cleaning on the corpus. */
static void
test_clean(const char *corpus_dir)
{
	char		path[4096];
	size_t		len,
				outlen;
	char	   *text,
			   *out;
	ZpLayout	lay;

	snprintf(path, sizeof(path), "%s/000_99ce1d533ed8727d.txt", corpus_dir);
	text = read_file(path, &len);
	check(text != NULL, "read the PDF article");
	if (!text)
		return;
	zp_layout_analyze(text, len, &lay, NULL);
	check(lay.wrapped && lay.margin > 40, "PDF article is seen as hard-wrapped");
	out = zp_clean(text, len, &outlen, &zp_malloc_allocator);
	check(outlen <= len && strstr(out, "有利于") && strstr(out, "推动构建网络空间命运共同体"),
		  "cleaned PDF article has its broken words whole");
	check(strstr(out, "驱动世界经济增长\n") != NULL, "a heading keeps its line");
	free(out);
	free(text);

	snprintf(path, sizeof(path), "%s/001_a328edb1381f179a.txt", corpus_dir);
	text = read_file(path, &len);
	zp_layout_analyze(text, len, &lay, NULL);
	check(!lay.wrapped, "WeChat article is not hard-wrapped");
	check(zp_front_matter_length(text, len) > 100, "front matter is found");
	out = zp_clean(text, len, &outlen, &zp_malloc_allocator);
	check(strstr(out, "mmbiz") == NULL && strstr(out, "title:") == NULL &&
		  strstr(out, "轻点两下取消赞") == NULL && strstr(out, "数字经济") != NULL,
		  "cleaned WeChat article: no images, front matter or UI text; content kept");
	free(out);
	free(text);

	out = zp_clean("", 0, &outlen, &zp_malloc_allocator);
	check(out && outlen == 0, "empty text cleans to empty");
	free(out);
	out = zp_clean("---\n", 4, &outlen, &zp_malloc_allocator);
	check(out != NULL, "lone front matter marker");
	free(out);
}

/* Collects matches for the tagger tests. */
typedef struct MatchList
{
	ZpTagMatch	m[256];
	int			n;
} MatchList;

/* Tagger callback: remember the match. */
static int
collect_match(void *arg, const ZpTagMatch *match)
{
	MatchList  *l = arg;

	if (l->n < 256)
		l->m[l->n++] = *match;
	return 0;
}

/* Matches of text as "label@charstart-charend|...". */
static void
tag_string(const ZpMatcher *m, const char *text, char *out, size_t outlen)
{
	MatchList	l;
	size_t		o = 0,
				chars;
	int			i;

	l.n = 0;
	out[0] = '\0';
	zp_matcher_scan(m, text, strlen(text), collect_match, &l, &chars, &zp_malloc_allocator);
	for (i = 0; i < l.n && o < outlen; i++)
		o += (size_t) snprintf(out + o, outlen - o, "%s%u@%zu-%zu", i ? "|" : "", l.m[i].label,
							   l.m[i].char_start, l.m[i].char_end);
}


/* Expect the matches of text. */
static void
expect_tags(const ZpMatcher *m, const char *text, const char *want)
{
	char		got[2048],
				what[4096];

	tag_string(m, text, got, sizeof(got));
	snprintf(what, sizeof(what), "tags of \"%s\"%s%s", text,
			 strcmp(got, want) == 0 ? "" : "\n#   got:  ", strcmp(got, want) == 0 ? "" : got);
	check(strcmp(got, want) == 0, what);
}

/* The matches of a whole text as a string (every match, not only the first 256). */
static size_t
tag_digest(const ZpMatcher *m, const char *text, size_t len)
{
	MatchList	l;
	size_t		chars;
	long		n;

	l.n = 0;
	n = zp_matcher_scan(m, text, len, collect_match, &l, &chars, &zp_malloc_allocator);
	return (size_t) n * 1000003u + chars;
}

/* Every match of a text, however many (for test_tagger_failures). */
typedef struct AllMatches
{
	ZpTagMatch *m;
	size_t		n;
	size_t		cap;
} AllMatches;

/* Tagger callback: keep every match. */
static int
keep_match(void *arg, const ZpTagMatch *match)
{
	AllMatches *a = arg;

	if (a->n == a->cap)
	{
		a->cap = a->cap ? a->cap * 2 : 256;
		a->m = realloc(a->m, a->cap * sizeof(ZpTagMatch));
	}
	a->m[a->n++] = *match;
	return 0;
}

/*
 * Deep failure chains: labels of four to nine Han characters over an
 * alphabet of three or twelve (no boundary check, every occurrence counts) and
 * random texts over it; the matches must be every occurrence a plain search finds,
 * in order of their end and, ending together, longest first; an image of the
 * matcher scans the same.
 */
static void
test_tagger_failures(void)
{
	static const char *const alpha[12] = {"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸", "子", "丑"};
	enum
	{
		N_LABELS = 120,
		TEXT_CHARS = 4000
	};
	ZpMatcher  *m = zp_matcher_new(&lex, &zp_malloc_allocator),
			   *im;
	int			lab[N_LABELS][9],
				lab_n[N_LABELS],
				n_labels = 0,
				text[TEXT_CHARS],
				round,
				ok = 1,
				ok_image = 1;
	char		buf[64],
			   *t = malloc(TEXT_CHARS * 3 + 1);
	size_t		ilen;
	void	   *img;
	const char *why;
	unsigned	seed = 12345;

	while (n_labels < N_LABELS)
	{
		int			n = 4 + (int) ((seed = seed * 1103515245u + 12345u) >> 16) % 6,
					k,
					dup = 0,
					j;

		for (k = 0; k < n; k++)
			lab[n_labels][k] = (int) ((seed = seed * 1103515245u + 12345u) >> 16) % (n_labels < 60 ? 3 : 12);
		for (j = 0; j < n_labels && !dup; j++)
			dup = lab_n[j] == n && memcmp(lab[j], lab[n_labels], n * sizeof(int)) == 0;
		if (dup)
			continue;
		buf[0] = '\0';
		for (k = 0; k < n; k++)
			strcat(buf, alpha[lab[n_labels][k]]);
		lab_n[n_labels] = n;
		if (zp_matcher_add(m, buf, strlen(buf), (uint32_t) n_labels) != 0)
			ok = 0;
		n_labels++;
	}
	check(ok && zp_matcher_build(m) == 0, "failure test: labels added, matcher built");
	ilen = zp_matcher_image_size(m);
	img = aligned_alloc(8, (ilen + 7) & ~(size_t) 7);
	zp_matcher_write_image(m, img, ilen);
	im = zp_matcher_open_image(img, ilen, (uint32_t) n_labels, &lex, &zp_malloc_allocator, &why);
	check(im != NULL, "failure test: image opened");
	for (round = 0; round < 40 && im; round++)
	{
		AllMatches	got = {NULL, 0, 0},
					got_image = {NULL, 0, 0};
		size_t		chars,
					want = 0,
					e;
		int			k;

		for (k = 0; k < TEXT_CHARS; k++)
		{
			/* some texts mostly one character, for long runs of the same state */
			unsigned	r = (seed = seed * 1103515245u + 12345u) >> 16;

			text[k] = round % 4 == 0 && r % 8 != 0 ? 0 : (int) (r % (round % 2 ? 3 : 12));
			memcpy(t + 3 * k, alpha[text[k]], 3);
		}
		zp_matcher_scan(m, t, 3 * TEXT_CHARS, keep_match, &got, &chars, &zp_malloc_allocator);
		zp_matcher_scan(im, t, 3 * TEXT_CHARS, keep_match, &got_image, &chars, &zp_malloc_allocator);
		/* the plain search: by end, longest first */
		for (e = 1; e <= TEXT_CHARS; e++)
		{
			int			len;

			for (len = 9; len >= 4; len--)
			{
				int			j;

				if ((size_t) len > e)
					continue;
				for (j = 0; j < n_labels; j++)
				{
					int			q;

					if (lab_n[j] != len)
						continue;
					for (q = 0; q < len && lab[j][q] == text[e - len + q]; q++)
						;
					if (q < len)
						continue;
					if (want >= got.n || got.m[want].label != (uint32_t) j ||
						got.m[want].char_start != e - len || got.m[want].char_end != e ||
						got.m[want].byte_start != 3 * (e - len) || got.m[want].byte_end != 3 * e)
						ok = 0;
					want++;
				}
			}
		}
		if (want != got.n)
			ok = 0;
		if (got_image.n != got.n || (got.n && memcmp(got.m, got_image.m, got.n * sizeof(ZpTagMatch)) != 0))
			ok_image = 0;
		free(got.m);
		free(got_image.m);
	}
	check(ok, "deep failure chains: every occurrence, in order of end, longest first");
	check(ok_image, "deep failure chains: the image finds the same");
	zp_matcher_free(im);
	zp_matcher_free(m);
	free(img);
	free(t);
}

/* Is c an ASCII letter or digit?  (The reference of test_tagger_ascii_runs.) */
static int
ref_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Labels of ASCII letters and digits in texts of long runs of them (the scan
 * skips through a run at the root): the matches are the occurrences a plain
 * search finds, letter case folded, that neither follow nor precede a letter
 * or digit where the label starts or ends with one, in order of their end and,
 * ending together, longest first.
 */
static void
test_tagger_ascii_runs(void)
{
	static const char *const labels[] = {"5g", "G20", "wto", "a", "ab", "b2b", "2b", "ba", "-a", "a-", "x.y", "aaa"};
	static const char alphabet[] = "aAbBgG025wtoxy.- \n";
	enum
	{
		N_LABELS = sizeof(labels) / sizeof(labels[0]),
		TEXT_LEN = 3000
	};
	ZpMatcher  *m = zp_matcher_new(&lex, &zp_malloc_allocator);
	char	   *t = malloc(TEXT_LEN + 1);
	unsigned	seed = 4242;
	int			j,
				round,
				ok = 1;

	for (j = 0; j < N_LABELS; j++)
		if (zp_matcher_add(m, labels[j], strlen(labels[j]), (uint32_t) j) != 0)
			ok = 0;
	check(ok && zp_matcher_build(m) == 0, "ASCII runs: labels added, matcher built");
	for (round = 0; round < 60; round++)
	{
		AllMatches	got = {NULL, 0, 0};
		size_t		chars,
					want = 0,
					e;
		int			k;

		for (k = 0; k < TEXT_LEN; k++)
		{
			unsigned	r = (seed = seed * 1103515245u + 12345u) >> 16;

			/* some texts mostly letters and digits: long runs */
			t[k] = round % 3 == 0 && r % 16 != 0 ? "aAb2"[r % 4] : alphabet[r % (sizeof(alphabet) - 1)];
		}
		t[TEXT_LEN] = '\0';
		zp_matcher_scan(m, t, TEXT_LEN, keep_match, &got, &chars, &zp_malloc_allocator);
		for (e = 1; e <= TEXT_LEN; e++)
		{
			size_t		len;

			for (len = 3; len >= 1; len--)
				for (j = 0; j < N_LABELS; j++)
				{
					const char *l = labels[j];
					size_t		q,
								b = e - len;

					if (strlen(l) != len || len > e)
						continue;
					for (q = 0; q < len && tolower((unsigned char) t[b + q]) == tolower((unsigned char) l[q]); q++)
						;
					if (q < len)
						continue;
					if (ref_alnum(l[0]) && b > 0 && ref_alnum(t[b - 1]))
						continue;
					if (ref_alnum(l[len - 1]) && e < TEXT_LEN && ref_alnum(t[e]))
						continue;
					if (want >= got.n || got.m[want].label != (uint32_t) j ||
						got.m[want].byte_start != b || got.m[want].byte_end != e ||
						got.m[want].char_start != b || got.m[want].char_end != e)
						ok = 0;
					want++;
				}
		}
		if (want != got.n || chars != TEXT_LEN)
			ok = 0;
		free(got.m);
	}
	check(ok, "ASCII labels in runs of letters and digits: every occurrence the boundary rules keep");
	zp_matcher_free(m);
	free(t);
}

/* The width of a span as zp_span_width measured it one character at a time (the reference). */
static int
ref_span_width(const unsigned char *s, const unsigned char *e)
{
	int			width = 0,
				pending = 0,
				seen = 0;

	while (s < e && width <= 400)
	{
		uint32_t	cp;
		int			n,
					w,
					blank;

		if (*s >= 0xE4 && *s <= 0xE9 && e - s >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80)
		{
			cp = 0x4E00;
			n = 3;
			w = 2;
			blank = 0;
		}
		else if (*s < 0x80)
		{
			cp = *s;
			n = 1;
			w = 1;
			blank = cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == '\f' || cp == '\v';
		}
		else
		{
			n = zp_utf8_decode(s, (size_t) (e - s), &cp);
			if (zp_is_han(cp) || (cp >= 0x3001 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF60))
			{
				w = 2;
				blank = 0;
			}
			else
			{
				ZpCharClass cls = zp_char_class(cp);

				w = zp_display_width(cp);
				blank = cls == ZP_CC_SPACE || cls == ZP_CC_NEWLINE;
			}
		}
		if (blank)
		{
			if (seen)
				pending += w;
		}
		else
		{
			width += pending + w;
			pending = 0;
			seen = 1;
		}
		s += n;
	}
	return width;
}

/*
 * Line widths, which zp_layout_analyze takes 16 bytes at a time where it can:
 * random lines of ideographs, Chinese punctuation, ASCII, blanks, broken
 * UTF-8 and the lookalikes next to the ranges read in blocks measure as one
 * character at a time does, below the cap, at it and beyond.
 */
static void
test_layout_widths(void)
{
	static const char *const pieces[] = {
		"一", "国", "龥", "䀀", "，", "。", "、", "“", "”", "‘", "’", "—", "…", "‚", "‛", "　", " ", "\t", "a",
		"Z", "1", "~", "!", "\x7f", "\x01", "ｱ", "ａ", "｠", "｡", "（", "＀", "〿", "〇", "\xe4\xb8", "\x80",
		"\xbf", "é", "😀", "\xe2\x80", "\xef\xbc", "\xef\xbd\xa1", "\xef\xbd\xa0", "\xe3\x80",
		"\xe3\x80\x80", "\xe3\x81\x82", "\r", "\n", "\f", "\xe2\x80\x93", "\xea\xb0\x80"
	};
	const int	np = (int) (sizeof(pieces) / sizeof(pieces[0]));
	char		buf[4096];
	unsigned	seed = 777;
	int			t,
				ok = 1;

	for (t = 0; t < 20000; t++)
	{
		size_t		n = 0;
		int			k = (int) ((seed = seed * 1103515245u + 12345u) >> 16) % 400,
					mostly_cjk = t % 4 != 0,
					i;

		for (i = 0; i < k && n < 3000; i++)
		{
			unsigned	r = (seed = seed * 1103515245u + 12345u) >> 16;
			const char *p = mostly_cjk && r % 10 < 8 ? pieces[r % 3] : pieces[r % np];

			memcpy(buf + n, p, strlen(p));
			n += strlen(p);
		}
		if (zp_layout_text_width(buf, n, NULL) !=
			ref_span_width((const unsigned char *) buf, (const unsigned char *) buf + n))
			ok = 0;
	}
	check(ok, "line widths in blocks of 16 bytes are the widths one character at a time");
}

/*
 * A matcher written as an image and opened again scans as the one built; an
 * image with any byte changed or cut short is refused or scans safely (ASan
 * and valgrind see every read), never out of bounds.
 */
static void
test_tagger_image(const char *corpus_dir)
{
	ZpMatcher  *m = zp_matcher_new(&lex, &zp_malloc_allocator),
			   *im;
	char		path[4096];
	char	   *text;
	size_t		len,
				ilen,
				i,
				pos;
	uint32_t	id = 0;
	uint64_t   *img,
			   *bad;
	const char *why;
	int			refused = 0,
				opened = 0;

	snprintf(path, sizeof(path), "%s/000_99ce1d533ed8727d.txt", corpus_dir);
	text = read_file(path, &len);
	if (!text)
	{
		check(0, "the corpus article for the image test");
		return;
	}
	/* labels: pieces of 2 to 6 characters of the article's lines, every 37th byte */
	for (pos = 0; pos + 18 < len && id < 3000; pos += 37)
	{
		size_t		p = pos,
					n = 2 + pos % 5;

		while (p < len && ((unsigned char) text[p] & 0xC0) == 0x80)
			p++;
		if (p + 3 * n <= len)
			if (zp_matcher_add(m, text + p, 3 * n, id) == 0)
				id++;
	}
	zp_matcher_add(m, "网络安全", strlen("网络安全"), id++);
	zp_matcher_add(m, "AI", 2, id++);
	check(zp_matcher_build(m) == 0, "image test: matcher built");
	ilen = zp_matcher_image_size(m);
	img = malloc(ilen);
	bad = malloc(ilen);
	check(ilen > 0 && zp_matcher_write_image(m, img, ilen) == 0, "image written");
	check(zp_matcher_write_image(m, img, ilen - 8) != 0, "an image of the wrong length is refused");
	im = zp_matcher_open_image(img, ilen, id, &lex, &zp_malloc_allocator, &why);
	check(im != NULL, why ? why : "image opened");
	if (im)
	{
		check(tag_digest(im, text, len) == tag_digest(m, text, len) && tag_digest(m, text, len) > 1000003u * 100,
			  "the image scans the article as the built matcher does");
		{
			char		want[64];

			snprintf(want, sizeof(want), "%u@2-6|%u@7-9", id - 2, id - 1);
			expect_tags(im, "保障网络安全与AI", want);
		}
		zp_matcher_free(im);
	}
	check(zp_matcher_open_image(img, ilen, id - 1, &lex, &zp_malloc_allocator, &why) == NULL && why,
		  "an image with label ids past the vocabulary is refused");
	check(zp_matcher_open_image(img, ilen - 8, id, &lex, &zp_malloc_allocator, &why) == NULL && why,
		  "a truncated image is refused");
	check(zp_matcher_open_image((char *) img + 4, ilen - 8, id, &lex, &zp_malloc_allocator, &why) == NULL && why,
		  "a misaligned image is refused");
	/* every 4-byte word of the automaton's part changed in turn (a sample of them, spread out) */
	for (i = 0; i < 3000; i++)
	{
		size_t		w = 32 / 4 + (i * 7919u) % ((ilen - 32) / 4);

		memcpy(bad, img, ilen);
		((uint32_t *) bad)[w] ^= (i % 3 == 0) ? 0xFFFFFFFFu : (i % 3 == 1) ? 0x00010000u : 1u;
		im = zp_matcher_open_image(bad, ilen, id, &lex, &zp_malloc_allocator, &why);
		if (!im)
		{
			refused++;
			continue;
		}
		opened++;
		(void) tag_digest(im, text, len < 20000 ? len : 20000);
		zp_matcher_free(im);
	}
	printf("# image with one word changed: %d refused, %d opened and scanned\n", refused, opened);
	check(refused > 0 && refused + opened == 3000, "damaged images are refused or scan within bounds");
	free(bad);
	free(img);
	zp_matcher_free(m);
	free(text);
}

/* The label matcher: nesting, overlaps, folding, boundaries, wraps; throughput as a comment. */
static void
test_tagger(const char *corpus_dir)
{
	static const char *labels[] = {"网络安全", "网络", "关键信息基础设施", "AI", "联合国", "5G",
		"數字經濟", "人类命运共同体", "命运共同体", "中国—东盟", "有利于", "ipv6"};
	ZpMatcher  *m = zp_matcher_new(&lex, &zp_malloc_allocator);
	size_t		i,
				len,
				chars;
	char		path[4096];
	char	   *text;
	MatchList	l;

	check(m != NULL, "matcher created");
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		check(zp_matcher_add(m, labels[i], strlen(labels[i]), (uint32_t) i) == 0, labels[i]);
	check(zp_matcher_add(m, " ", 1, 99) != 0, "a blank label is refused");
	check(zp_matcher_build(m) == 0, "matcher built");

	expect_tags(m, "保障网络安全", "1@2-4|0@2-6");
	expect_tags(m, "关键信息基础设施网络安全", "2@0-8|1@8-10|0@8-12");
	expect_tags(m, "MAIL与AI，Ａｉ", "3@5-7|3@8-10");
	expect_tags(m, "联合国家和联合国", "4@5-8");
	expect_tags(m, "5G网络与IPv6和ＩＰＶ６", "5@0-2|1@2-4|11@5-9|11@10-14");
	expect_tags(m, "發展数字经济", "6@2-6");
	expect_tags(m, "构建人类命运共同体", "7@2-9|8@4-9");
	expect_tags(m, "中国—东盟合作", "9@0-5");
	expect_tags(m, "", "");
	expect_tags(m, "\xE7\xBD\x91\xFF\xE7\xBB\x9C", "");

	/* a PDF article: 有利于 is found where a hard wrap split it */
	snprintf(path, sizeof(path), "%s/000_99ce1d533ed8727d.txt", corpus_dir);
	text = read_file(path, &len);
	if (text)
	{
		size_t		found = 0;
		int			j;

		l.n = 0;
		zp_matcher_scan(m, text, len, collect_match, &l, &chars, &zp_malloc_allocator);
		for (j = 0; j < l.n; j++)
			if (l.m[j].label == 10)
			{
				found++;
				if (l.m[j].byte_end - l.m[j].byte_start > 9)
					found += 100;	/* spans the wrap: counted apart */
			}
		check(found >= 102, "有利于 found across a PDF wrap, offsets spanning the break");
		/* throughput: the corpus file, 200 times */
		{
			clock_t		t0 = clock();
			int			rep;
			double		secs;

			for (rep = 0; rep < 200; rep++)
				zp_matcher_scan(m, text, len, collect_match, (l.n = 0, &l), &chars, &zp_malloc_allocator);
			secs = (double) (clock() - t0) / CLOCKS_PER_SEC;
			printf("# tagger throughput: %.0f MB/s (12 labels, one article, one core)\n",
				   secs > 0 ? 200.0 * len / 1048576 / secs : 0);
		}
		free(text);
	}
	zp_matcher_free(m);
}

/*
 * The matcher's alphabet and build: a label character beyond the BMP, a
 * label with a space (read as one space in the text, whatever the run),
 * full-width and Traditional forms, a label added twice, a match past the
 * ring of remembered characters, a matcher with no labels or never built, and
 * a build cancelled half way, then built again.  (The expected matches are
 * those of the hash-table matcher this one replaced.)
 */
static void
test_tagger_alphabet(void)
{
	static const char *labels[] = {"\xF0\xA0\x80\x80网络安全", "数字 经济", "Ｇ２０", "網絡空間", "联合国", "联合国"};
	ZpMatcher  *m = zp_matcher_new(&lex, &zp_malloc_allocator);
	ZpAllocator mmem;
	Tracker		mt;
	size_t		i,
				n,
				chars = 0;
	long		count = 0;
	char	   *big;
	char		want[64];

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		check(zp_matcher_add(m, labels[i], strlen(labels[i]), (uint32_t) i) == 0, labels[i]);
	check(zp_matcher_build(m) == 0, "matcher built");
	expect_tags(m, "维护\xF0\xA0\x80\x80网络安全", "0@2-7");
	expect_tags(m, "发展数字 经济和数字  经济，数字经济", "1@2-7|1@8-14");
	expect_tags(m, "G20与g20峰会、Ｇ２０", "2@0-3|2@4-7|2@10-13");
	expect_tags(m, "网络空间和网络空间", "3@0-4|3@5-9");
	expect_tags(m, "联合国家和联合国", "5@5-8|4@5-8");
	/* 100,000 characters, then the label: its start is far behind, its offsets still right */
	n = 300000;
	big = malloc(n + 64);
	for (i = 0; i < n; i += 3)
		memcpy(big + i, i % 2 ? "的" : "和", 3);
	strcpy(big + n, "，维护\xF0\xA0\x80\x80网络安全");
	{
		MatchList	l;

		l.n = 0;
		zp_matcher_scan(m, big, strlen(big), collect_match, &l, &chars, &zp_malloc_allocator);
		snprintf(want, sizeof(want), "%d %u@%zu-%zu %zu", l.n, l.n ? l.m[0].label : 99,
				 l.n ? l.m[0].char_start : 0, l.n ? l.m[0].char_end : 0, chars);
		check(strcmp(want, "1 0@100003-100008 100008") == 0, "a match after 100,000 characters: its offsets");
	}
	free(big);
	zp_matcher_free(m);

	/* no labels: built, or never built, a scan finds nothing and counts the characters */
	m = zp_matcher_new(&lex, &zp_malloc_allocator);
	check(zp_matcher_scan(m, "网络 安全", strlen("网络 安全"), count_only, &count, &chars, &zp_malloc_allocator) == 0 &&
		  count == 0 && chars == 5, "a matcher never built finds nothing");
	check(zp_matcher_build(m) == 0 &&
		  zp_matcher_scan(m, "网络 安全", strlen("网络 安全"), count_only, &count, &chars, &zp_malloc_allocator) == 0 &&
		  count == 0 && chars == 5, "a matcher without labels finds nothing");
	zp_matcher_free(m);

	/* cancelled half way through its build, then built again: it works, and frees all it took */
	tracker_start(&mt, &mmem, 0);
	m = zp_matcher_new(&lex, &mmem);
	for (i = 0; i < 6000; i++)
	{
		char		label[16];
		uint32_t	a = 0x4E00 + (uint32_t) (i * 7919 % 20000),
					b = 0x4E00 + (uint32_t) (i * 104729 % 20000);
		int			len = zp_utf8_encode(a, label);

		len += zp_utf8_encode(b, label + len);
		len += zp_utf8_encode(0x7F51, label + len);	/* 网 */
		zp_matcher_add(m, label, (size_t) len, (uint32_t) i);
	}
	zp_matcher_add(m, "网络安全", strlen("网络安全"), 6000);
	mt.cancel_at = mt.checks + 3;	/* the third check of the build */
	if (setjmp(mt.env) == 0)
		zp_matcher_build(m);
	check(mt.cancelled && mt.checks >= 3, "a build of 6,000 labels is cancellable");
	mt.cancel_at = 0;
	check(zp_matcher_build(m) == 0, "a cancelled build can be done again");
	count = 0;
	zp_matcher_scan(m, "保障网络安全", strlen("保障网络安全"), count_only, &count, &chars, &zp_malloc_allocator);
	check(count == 1, "the matcher built again finds its labels");
	zp_matcher_free(m);
	check(mt.live == 0, "the matcher frees all it allocated, a cancelled build's tables too");
	tracker_free_all(&mt);
}

/* Sorted unique keys of a NUL-terminated text (malloc'd). */
static uint32_t *
bigram_keys_of(const char *text, size_t *n)
{
	size_t		len = strlen(text);
	uint32_t   *keys = malloc((len + 1) * sizeof(uint32_t));

	*n = zp_bigram_text_keys(text, len, keys, &zp_malloc_allocator);
	*n = zp_bigram_sort_unique(keys, *n, &zp_malloc_allocator);
	return keys;
}

/* Whether a text matches a query of a kind by its keys, and what the query's flags are. */
static int
bigram_match(const char *text, const char *q, ZpBigramQueryKind kind, int *exact, int *prefix, size_t *nkeys)
{
	size_t		n;
	uint32_t   *keys = bigram_keys_of(text, &n);
	ZpBigramQuery query;
	int			m;

	zp_bigram_query(q, strlen(q), kind, &zp_malloc_allocator, &query);
	m = query.nkeys == 0 || zp_bigram_keys_match(keys, n, &query);
	*exact = query.exact;
	*prefix = query.prefix;
	*nkeys = query.nkeys;
	free(query.keys);
	free(keys);
	return m;
}

/* Non-overlapping occurrences of needle in hay by the plainest walk, as zp_rank_count defines them. */
static size_t
naive_count(const char *hay, size_t n, const char *needle, size_t m)
{
	size_t		c = 0;

	if (m == 0)
		return 0;
	for (size_t i = 0; i + m <= n;)
	{
		if (memcmp(hay + i, needle, m) == 0)
		{
			c++;
			i += m;
		}
		else
			i++;
	}
	return c;
}

/*
 * zp_rank_count (the search under rank's counting, 16 places at a time) against the plainest
 * walk: random texts over few bytes (so that first and last bytes match often), needles of 1
 * to 40 bytes, at every alignment and up to the text's end.
 */
static void
test_rank_count(void)
{
	static const char bytes[] = {'\xE5', '\x8F', '\x91', 'a', 'b', '\xB1'};
	unsigned	seed = 777;
	int			bad = 0,
				trials = 0;

	for (int t = 0; t < 3000; t++)
	{
		char		hay[400],
					needle[40];
		size_t		n,
					m;

		seed = seed * 1103515245u + 12345u;
		n = (seed >> 8) % sizeof(hay);
		seed = seed * 1103515245u + 12345u;
		m = 1 + (seed >> 8) % sizeof(needle);
		for (size_t i = 0; i < n; i++)
		{
			seed = seed * 1103515245u + 12345u;
			hay[i] = bytes[(seed >> 12) % (t % 2 ? 2 : sizeof(bytes))];
		}
		seed = seed * 1103515245u + 12345u;
		if (n >= m && t % 3 != 0)
			memcpy(needle, hay + (seed >> 8) % (n - m + 1), m);	/* a piece of the text */
		else
			for (size_t i = 0; i < m; i++)
			{
				seed = seed * 1103515245u + 12345u;
				needle[i] = bytes[(seed >> 12) % sizeof(bytes)];
			}
		trials++;
		if (zp_rank_count(hay, n, needle, m, &zp_malloc_allocator) != naive_count(hay, n, needle, m))
			bad++;
	}
	{
		char		msg[120];

		snprintf(msg, sizeof(msg), "rank's phrase count equals the plainest walk's (%d random texts and needles)", trials);
		check(bad == 0, msg);
	}
}

/* The i-th character of the wide alphabet of test_rank_sketch: 600 Han characters. */
static int
wide_char(size_t i, char *out)
{
	return zp_utf8_encode(0x4E00u + (uint32_t) (i * 37 % 20000), out);
}

/*
 * Rank sketches: valid and within their size for texts of every length (all keys listed, or
 * heavy keys, buckets and the filter of tiers), and their bound never below the exact score,
 * on texts of few distinct characters (so that buckets collide and counts are high), texts of
 * 600 characters (so that long ones have tens of thousands of distinct pairs, as documents do)
 * and random queries.  Over the wide texts the bound must also be close: a phrase of one pair
 * whose count is at most 3 gets a bound of at most 5 occurrences on average; and a phrase of two
 * Han characters among a sketch's commonest pairs gets its exact part, cut words weighing less
 * (made with the lexicon; under another lexicon id the bound still holds, from the counts).
 */
static void
test_rank_sketch(void)
{
	static const char *alphabet[] = {"数", "字", "经", "济", "发", "展", "国", "家", "安", "全", "网", "络",
	"a", "1", " ", "\n", "。", "休", "斯"};
	static const size_t lengths[] = {0, 1, 7, 60, 400, 3000, 20000, 90000, 400000};
	const size_t nwide = 600;
	ZpRankParams p = zp_rank_defaults;
	unsigned	seed = 12345;
	int			bad_bound = 0,
				bad_shape = 0,
				trials = 0,
				light = 0,
				filtered = 0,
				word_exact = 0;
	double		light_x = 0;

	p.avg_len = 30000;
	for (size_t li = 0; li < sizeof(lengths) / sizeof(lengths[0]); li++)
	{
		for (int variant = 0; variant < 4; variant++)
		{
			size_t		nalpha = variant == 0 ? 4 : variant == 1 ? 12 : variant == 2 ? sizeof(alphabet) / sizeof(alphabet[0]) : nwide;
			size_t		cap = lengths[li] * 4 + 1,
						len = 0;
			char	   *text = malloc(cap);
			char	   *sk;
			size_t		sklen;

			for (size_t i = 0; i < lengths[li]; i++)
			{
				/* a skewed choice (the smaller of two): low letters far more often, as words are in text */
				size_t		a,
							b;

				seed = seed * 1103515245u + 12345u;
				a = (seed >> 16) % nalpha;
				b = (seed >> 4) % nalpha;
				if (variant == 3)
					len += (size_t) wide_char(a < b ? a : b, text + len);
				else
				{
					const char *c = alphabet[a < b ? a : b];

					memcpy(text + len, c, strlen(c));
					len += strlen(c);
				}
			}
			text[len] = '\0';
			/* with the lexicon (word weights) for the two larger alphabets, without for the others */
			const ZpLexicon *slex = variant >= 2 ? &lex : NULL;
			uint32_t	lex_id = zp_rank_lexicon_id(&lex, NULL);

			if (zp_rank_sketch(slex, NULL, lex_id, text, len, &p, &zp_malloc_allocator, &sk, &sklen) != 0 ||
				!zp_rank_sketch_valid(sk, sklen) || sklen > ZP_SKETCH_MAX_BYTES ||
				zp_rank_sketch_version(sk, sklen) != ZP_SKETCH_VERSION ||
				(sklen > 1 && zp_rank_sketch_valid(sk, sklen - 1)))
				bad_shape++;
			else
			{
				filtered += variant == 3 && sklen >= ZP_SKETCH_MAX_BYTES / 2;
				for (int qi = 0; qi < 40; qi++)
				{
					char		q[64];
					size_t		qlen = 0;
					ZpRankTerm	term;
					ZpRankBoundTerm bt;
					ZpRankTermStats st;
					double		exact,
								bound;

					seed = seed * 1103515245u + 12345u;
					if (len > 0 && qi % 2 == 0)
					{
						/* a piece of the text itself, from a character start */
						size_t		at = (seed >> 8) % len,
									want = 1 + (seed >> 4) % 5;

						while (at > 0 && ((unsigned char) text[at] & 0xC0) == 0x80)
							at--;
						for (size_t k = 0; k < want && at + qlen < len && qlen < 40;)
						{
							qlen++;
							if (at + qlen >= len || ((unsigned char) text[at + qlen] & 0xC0) != 0x80)
								k++;
						}
						memcpy(q, text + at, qlen);
					}
					else if (variant == 3)
						for (int k = 0; k < 1 + (int) ((seed >> 4) % 3); k++)
							qlen += (size_t) wide_char((seed >> (8 + k * 7)) % nwide, q + qlen);
					else
						for (int k = 0; k < 1 + (int) ((seed >> 4) % 4); k++)
						{
							const char *c = alphabet[(seed >> (8 + k * 5)) % (sizeof(alphabet) / sizeof(alphabet[0]))];

							memcpy(q + qlen, c, strlen(c));
							qlen += strlen(c);
						}
					term.s = q;
					term.len = qlen;
					term.weight = 1.5;
					if (zp_rank_score(&lex, NULL, text, len, NULL, 0, &term, 1, &p, &zp_malloc_allocator, &exact, &st) != 0 ||
						zp_rank_bound_prepare(&term, 1, &zp_malloc_allocator, &bt) != 0)
					{
						bad_shape++;
						continue;
					}
					bound = zp_rank_bound(sk, &term, &bt, 1, &p, lex_id);
					trials++;
					if (bt.pair && slex && bound < exact + 1e-6 && exact > 0 && st.words < st.tf)
						word_exact++;	/* a phrase with cut occurrences, bounded by its word weight */
					if (bound < exact - 1e-9 || zp_rank_bound(sk, &term, &bt, 1, &p, lex_id + 1) < exact - 1e-9)
					{
						bad_bound++;
						if (bad_bound <= 3)
							printf("# bound %.6f below score %.6f: text of %zu bytes, query \"%.*s\"\n",
								   bound, exact, len, (int) qlen, q);
					}
					if (variant == 3 && bt.nkeys == 1 && qlen == 6 && st.tf <= 3 && st.in_title == 0 &&
						len > p.lead_max && bound < 1.5 * (p.k1 + 1))
					{
						/* the occurrences the bound stands for: score = w x (k1 + 1) / (x + k1 norm) */
						double		norm = 1 - p.b + p.b * (double) len / p.avg_len;
						double		r = bound / 1.5;

						light++;
						light_x += p.k1 * norm * r / ((p.k1 + 1) - r);
					}
					free(bt.keys);
				}
				free(sk);
			}
			free(text);
		}
	}
	check(bad_shape == 0, "rank sketches are valid, within their maximum size, and a truncated one is refused");
	{
		char		msg[200];

		snprintf(msg, sizeof(msg), "a rank sketch's bound is never below the exact score (%d random queries, texts of 0 to 400,000 characters)", trials);
		check(bad_bound == 0 && trials > 1000, msg);
		snprintf(msg, sizeof(msg), "a light pair's bound is close: %.2f occurrences on average for %d pairs of at most 3 in long texts of 600 characters (%d filtered sketches)",
				 light ? light_x / light : 0, light, filtered);
		check(filtered >= 2 && light >= 10 && light_x / light <= 5.0, msg);
		snprintf(msg, sizeof(msg), "a two-character phrase that cuts words is bounded by its word weight (%d cases)", word_exact);
		check(word_exact >= 5, msg);
	}
}

/* Whether sorted keys[0..n) holds key. */
static int
sorted_has(const uint32_t *keys, size_t n, uint32_t key)
{
	size_t		lo = 0,
				hi = n;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && keys[lo] == key;
}

/*
 * Tier keys: a row that the tier index does not list at tier j for every key of a phrase has
 * tf' / (1 - b + b dl / avg_len) below threshold(j) x max(1, avg_len / ZP_TIER_REF_LEN), so the
 * part bound of that is never below the exact score (random texts of 0 to 200,000 characters with
 * a lead line, random phrases, mean lengths a quarter, one and four times the reference); and a
 * phrase of two Han characters is listed up to exactly the tier its boosted count reaches.
 */
static void
test_rank_tiers(void)
{
	static const char *alphabet[] = {"数", "字", "经", "济", "发", "展", "国", "家", "安", "全", "网", "络",
	"a", "1", " ", "。", "休"};
	static const size_t lengths[] = {0, 1, 9, 300, 4000, 30000, 200000};
	static const double avgs[] = {ZP_TIER_REF_LEN / 4, ZP_TIER_REF_LEN, ZP_TIER_REF_LEN * 4};
	unsigned	seed = 4242;
	int			trials = 0,
				bad = 0,
				bad_shape = 0,
				near = 0,
				far = 0;

	for (size_t li = 0; li < sizeof(lengths) / sizeof(lengths[0]); li++)
		for (int variant = 0; variant < 2; variant++)
		{
			size_t		nalpha = variant == 0 ? sizeof(alphabet) / sizeof(alphabet[0]) : 600;
			size_t		cap = lengths[li] * 4 + 64,
						len = 0;
			char	   *text = malloc(cap);
			uint32_t   *tiers;
			size_t		ntiers;

			for (size_t i = 0; i < lengths[li]; i++)
			{
				size_t		a,
							b;

				seed = seed * 1103515245u + 12345u;
				a = (seed >> 16) % nalpha;
				b = (seed >> 4) % nalpha;
				if (i == 40 && lengths[li] > 100)
					text[len++] = '\n'; /* a lead of 40 characters */
				if (variant == 1)
					len += (size_t) wide_char(a < b ? a : b, text + len);
				else
				{
					memcpy(text + len, alphabet[a < b ? a : b], strlen(alphabet[a < b ? a : b]));
					len += strlen(alphabet[a < b ? a : b]);
				}
			}
			text[len] = '\0';
			if (zp_rank_tiers(text, len, &zp_rank_defaults, &zp_malloc_allocator, &tiers, &ntiers) != 0)
			{
				bad_shape++;
				free(text);
				continue;
			}
			for (size_t i = 1; i < ntiers; i++)
				bad_shape += tiers[i - 1] >= tiers[i];	/* sorted, distinct */
			for (int qi = 0; qi < 60; qi++)
			{
				char		q[64];
				size_t		qlen = 0;
				ZpRankTerm	term;
				ZpRankBoundTerm bt;

				seed = seed * 1103515245u + 12345u;
				if (len > 0)
				{
					/* a piece of the text, from a character start, of 1 to 4 characters */
					size_t		at = (seed >> 8) % len,
								want = 1 + (seed >> 4) % 4;

					while (at > 0 && ((unsigned char) text[at] & 0xC0) == 0x80)
						at--;
					for (size_t k = 0; k < want && at + qlen < len && qlen < 40;)
					{
						qlen++;
						if (at + qlen >= len || ((unsigned char) text[at + qlen] & 0xC0) != 0x80)
							k++;
					}
					memcpy(q, text + at, qlen);
				}
				term.s = q;
				term.len = qlen;
				term.weight = 1.5;
				if (zp_rank_bound_prepare(&term, 1, &zp_malloc_allocator, &bt) != 0)
				{
					bad_shape++;
					continue;
				}
				for (size_t ai = 0; ai < sizeof(avgs) / sizeof(avgs[0]) && bt.nkeys > 0; ai++)
				{
					ZpRankParams p = zp_rank_defaults;
					ZpRankTermStats st;
					double		exact,
								rho = avgs[ai] / ZP_TIER_REF_LEN > 1 ? avgs[ai] / ZP_TIER_REF_LEN : 1;
					int			top = -1;	/* the highest tier listing every key */

					p.avg_len = avgs[ai];
					if (zp_rank_score(&lex, NULL, text, len, NULL, 0, &term, 1, &p, &zp_malloc_allocator, &exact, &st) != 0)
					{
						bad_shape++;
						continue;
					}
					for (int j = 0; j < ZP_TIER_COUNT; j++)
					{
						int			all = 1;

						for (size_t kk = 0; kk < bt.nkeys && all; kk++)
							all = sorted_has(tiers, ntiers, zp_rank_tier_key(bt.keys[kk], j));
						if (all)
							top = j;
						else
						{
							double		bound = zp_rank_part_bound(1.5, zp_rank_tier_threshold(j) * rho, &p);

							trials++;
							if (bound < exact - 1e-9)
							{
								bad++;
								if (bad <= 3)
									printf("# tier %d bound %.6f below score %.6f: text of %zu bytes, avg %.0f, query \"%.*s\"\n",
										   j, bound, exact, len, avgs[ai], (int) qlen, q);
							}
						}
					}
					if (ai == 0 && qlen == 6 && (unsigned char) q[0] >= 0xE4 && (unsigned char) q[3] >= 0xE4 &&
						memcmp(q, q + 3, 3) != 0)
					{
						/* two Han characters: one pair key, listed up to the tier its boosted count reaches */
						size_t		lead = 0,
									c = 0,
									cl = 0;
						double		norm = 1 - p.b + p.b * (double) len / ZP_TIER_REF_LEN,
									boosted;
						int			want = -1;

						while (lead < len && lead <= p.lead_max && text[lead] != '\n')
							lead++;
						if (lead > p.lead_max || (lead == len && len > p.lead_max))
							lead = 0;
						for (size_t i = 0; i + 6 <= len; i++)
							if (memcmp(text + i, q, 6) == 0)
							{
								c++;
								cl += i + 6 <= lead;
							}
						boosted = (double) c + (p.title_boost - 1) * (double) cl;
						while (want + 1 < ZP_TIER_COUNT && zp_rank_tier_threshold(want + 1) * norm <= boosted)
							want++;
						if (top == want)
							near++;
						else
						{
							far++;
							if (far <= 3)
								printf("# \"%.*s\" %zu times (%zu in the lead) in %zu bytes: listed up to tier %d, not %d\n",
									   (int) qlen, q, c, cl, len, top, want);
						}
					}
				}
				free(bt.keys);
			}
			free(tiers);
			free(text);
		}
	{
		char		msg[200];

		check(bad_shape == 0, "tier keys are made, sorted and distinct, for texts of every length");
		snprintf(msg, sizeof(msg), "a phrase's part of the score is never above the bound of the first tier that misses it (%d checks)", trials);
		check(bad == 0 && trials > 10000, msg);
		snprintf(msg, sizeof(msg), "a pair of Han characters is listed up to the tier its boosted count reaches (%d pairs)", near);
		check(near > 100 && far == 0, msg);
	}
}

/* The text index's keys: hand-made cases, then random texts and queries against a reference. */
static void
test_bigram(void)
{
	static const char *pieces[] = {"数", "字", "经", "济", "a", "B", "Ａ", "１", "1", " ", "\t", "　", "😀",
	"𠀀", "İ", "i", "%", "_", "\\", "。", "ß", "\n"};
	size_t		n,
				nkeys;
	int			exact,
				prefix,
				bad = 0,
				trials = 0;
	uint32_t   *keys = bigram_keys_of("数字经济 数", &n);
	unsigned	seed = 12345;

	check(n == 5 && keys[0] == (0x5B57u << 16 | 0x7ECF) && keys[1] == 0x6570u << 16 &&
		  keys[2] == (0x6570u << 16 | 0x5B57) && keys[3] == 0x6D4Eu << 16 && keys[4] == (0x7ECFu << 16 | 0x6D4E),
		  "keys of 数字经济 数: three pairs and the end keys of 济 and 数, sorted");
	free(keys);
	check(bigram_match("数字经济", "经济", ZP_BIGRAM_SUBSTRING, &exact, &prefix, &nkeys) && exact && nkeys == 1,
		  "a two-character Han query is one key that decides alone");
	check(bigram_match("数字经济", "济", ZP_BIGRAM_SUBSTRING, &exact, &prefix, &nkeys) && exact && prefix,
		  "a one-character query is a prefix range that decides alone (济 ends the text)");
	check(!bigram_match("数字经济", "济数", ZP_BIGRAM_SUBSTRING, &exact, &prefix, &nkeys) && exact,
		  "a pair in the wrong order is absent");
	check(bigram_match("ABC abc", "Ab", ZP_BIGRAM_SUBSTRING, &exact, &prefix, &nkeys) && !exact,
		  "ASCII folds case in keys, so the row is rechecked");
	check(bigram_match("数字 经济", "字 经", ZP_BIGRAM_SUBSTRING, &exact, &prefix, &nkeys) && !exact && prefix,
		  "no key spans white space: the query falls back to its first lone character");
	check(bigram_match("数字经济", "%数字%", ZP_BIGRAM_LIKE, &exact, &prefix, &nkeys) && exact,
		  "LIKE '%数字%' is a substring search that decides alone");
	check(bigram_match("数字经济", "%数_济%", ZP_BIGRAM_LIKE, &exact, &prefix, &nkeys) && !exact,
		  "LIKE with _ inside is rechecked");
	check(bigram_match("DIGITAL 数字", "%digital 数字%", ZP_BIGRAM_ILIKE, &exact, &prefix, &nkeys) && !exact &&
		  nkeys == 1, "ILIKE keys only pairs without case (数字)");
	check(bigram_match("x", "%\\%%", ZP_BIGRAM_LIKE, &exact, &prefix, &nkeys) == 0 && prefix && !exact,
		  "LIKE of an escaped % alone is the range of keys that start with %, rechecked");
	check(bigram_match("x", "%_%", ZP_BIGRAM_LIKE, &exact, &prefix, &nkeys) && nkeys == 0,
		  "LIKE of wildcards alone has no key: every row is a candidate");
	check(bigram_match("", "", ZP_BIGRAM_SUBSTRING, &exact, &prefix, &nkeys) && nkeys == 0,
		  "the empty query has no key");

	/* random texts and queries: no row a reference says matches is ever missed */
	for (int t = 0; t < 20000; t++)
	{
		char		text[512],
					q[256];
		size_t		tl = 0,
					ql = 0;
		int			np = (int) ((seed = seed * 1103515245u + 12345u) >> 16) % 24;
		int			from,
					to,
					kind;
		size_t		starts[64];
		int			ns = 0;
		FuzzBigramInput in;

		for (int i = 0; i < np; i++)
		{
			const char *p = pieces[((seed = seed * 1103515245u + 12345u) >> 16) % (sizeof(pieces) / sizeof(pieces[0]))];

			starts[ns++] = tl;
			memcpy(text + tl, p, strlen(p));
			tl += strlen(p);
		}
		starts[ns] = tl;
		text[tl] = '\0';
		kind = (int) ((seed = seed * 1103515245u + 12345u) >> 16) % 4;
		from = ns ? (int) ((seed = seed * 1103515245u + 12345u) >> 16) % (ns + 1) : 0;
		to = from + (int) ((seed = seed * 1103515245u + 12345u) >> 16) % 5;
		if (to > ns)
			to = ns;
		if (kind >= 2)
			q[ql++] = '%';
		for (int i = from; i < to; i++)
		{
			if (kind == 3 && ((seed = seed * 1103515245u + 12345u) >> 16) % 4 == 0)
				q[ql++] = (seed >> 20) % 2 ? '_' : '%';
			memcpy(q + ql, text + starts[i], starts[i + 1] - starts[i]);
			ql += starts[i + 1] - starts[i];
		}
		if (kind == 1 && ql > 0)
			q[ql - 1] = 'Z';	/* mostly absent */
		if (kind >= 2)
			q[ql++] = '%';
		q[ql] = '\0';
		in.text = text;
		in.tlen = tl;
		in.query = q;
		in.qlen = ql;
		trials++;
		if (fuzz_valid_utf8(text, tl) && fuzz_valid_utf8(q, ql) && fuzz_run(fuzz_bigram_body, &in, 0))
		{
			if (bad++ < 3)
				printf("# bigram invariant broken: text \"%s\" query \"%s\"\n", text, q);
		}
	}
	check(bad == 0 && trials == 20000,
		  "20000 random texts and queries (substrings, absent, LIKE/ILIKE with wildcards): no match missed, "
		  "every key set that decides alone decides right");
}

int
main(int argc, char **argv)
{
	char		err[512];

	if (argc < 3)
	{
		fprintf(stderr, "usage: test_engine LEXICON CORPUS_DIR\n");
		return 2;
	}
	if (zp_lexicon_open(argv[1], &lex, err, sizeof(err)) != 0)
	{
		fprintf(stderr, "test_engine: %s: %s\n", argv[1], err);
		return 2;
	}
	corpus_path = argv[2];
	{
		static const char *labels[] = {"网络安全", "网络", "联合国", "AI", "关键信息基础设施", "5G网络", "网",
		"a", "a.b", "1", "第1", "网 络", "ab", "。网"};
		size_t		i;

		stage_matcher = zp_matcher_new(&lex, &zp_malloc_allocator);
		for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
			zp_matcher_add(stage_matcher, labels[i], strlen(labels[i]), (uint32_t) i);
		zp_matcher_build(stage_matcher);
	}
	test_utf8();
	test_lexicon_files();
	test_damaged_lexicon();
	test_builder_limits();
	test_tokens();
	test_coverage(argv[2]);
	test_normalize();
	test_clean(argv[2]);
	test_clean_linear();
	test_tokenizer_linear();
	test_tokenizer_free_twice();
	test_normalize_linear();
	test_tagger_linear();
	test_tagger_scratch();
	test_tagger_alphabet();
	test_hostile_inputs();
	test_fuzz_regressions(argv[2]);
	test_bigram();
	test_rank_count();
	test_rank_sketch();
	test_rank_tiers();
	test_tagger(argv[2]);
	test_tagger_image(argv[2]);
	test_tagger_failures();
	test_tagger_ascii_runs();
	test_layout_widths();
	zp_matcher_free(stage_matcher);
	zp_lexicon_close(&lex);
	printf("engine: %d passed, %d failed\n", n_passed, n_failed);
	return n_failed == 0 ? 0 : 1;
}
