/*
 * fuzz_targets.h — the bodies of the libFuzzer targets, shared with the unit
 * tests (which replay test/fuzz/regressions/<target>/ through them).
 *
 * Each target runs one engine entry point on the input and checks its
 * invariants; it returns 0, or 1 when an invariant is broken (the libFuzzer
 * wrappers abort then).  Memory comes from a tracking allocator whose check
 * may cancel the call (longjmp) at a point the input chooses: after a cancel
 * the tracker frees what is left, so LeakSanitizer and valgrind see any memory
 * the engine held behind its allocator's back.
 */
#ifndef FUZZ_TARGETS_H
#define FUZZ_TARGETS_H

#include "zp_bigram.h"
#include "zp_clean.h"
#include "zp_headline.h"
#include "zp_lexicon.h"
#include "zp_normalize.h"
#include "zp_snippet.h"
#include "zp_tagger.h"
#include "zp_text.h"
#include "zp_tokenizer.h"

#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A block of the fuzz allocator, linked so that a cancelled call can be cleaned up. */
typedef struct FuzzBlock
{
	struct FuzzBlock *prev,
			   *next;
} FuzzBlock;

/* The fuzz allocator: live blocks, a check count and the check to cancel at. */
typedef struct FuzzArena
{
	FuzzBlock	head;
	long		live;
	long		checks;
	long		cancel_at;		/* 0 = never */
	jmp_buf		env;
} FuzzArena;

/* Allocate and link a block. */
static void *
fuzz_alloc(void *ctx, size_t size)
{
	FuzzArena  *a = ctx;
	FuzzBlock  *b = malloc(sizeof(FuzzBlock) + size);

	if (!b)
		return NULL;
	b->next = a->head.next;
	b->prev = &a->head;
	a->head.next->prev = b;
	a->head.next = b;
	a->live++;
	return b + 1;
}

/* Unlink and free a block. */
static void
fuzz_release(void *ctx, void *ptr)
{
	FuzzArena  *a = ctx;
	FuzzBlock  *b = (FuzzBlock *) ptr - 1;

	b->prev->next = b->next;
	b->next->prev = b->prev;
	a->live--;
	free(b);
}

/* The check: cancel at the chosen one. */
static void
fuzz_check(void *ctx)
{
	FuzzArena  *a = ctx;

	if (++a->checks == a->cancel_at)
		longjmp(a->env, 1);
}

/* Start an arena (cancel at check cancel_at, 0 = never) and fill in mem. */
static void
fuzz_arena_start(FuzzArena *a, ZpAllocator *mem, long cancel_at)
{
	memset(a, 0, sizeof(*a));
	a->head.next = a->head.prev = &a->head;
	a->cancel_at = cancel_at;
	mem->alloc = fuzz_alloc;
	mem->release = fuzz_release;
	mem->ctx = a;
	mem->check = fuzz_check;
}

/* Free whatever is left. */
static void
fuzz_arena_free(FuzzArena *a)
{
	while (a->head.next != &a->head)
		fuzz_release(a, a->head.next + 1);
}

/* Where an input asks to be cancelled: its last byte, when its top bit is set (1..32), else never. */
static long
fuzz_cancel_point(const uint8_t *data, size_t size)
{
	return size > 0 && (data[size - 1] & 0x80) ? (long) (data[size - 1] & 0x1F) + 1 : 0;
}

/* A call to fuzz: its input, and the allocator it must take all its memory from. */
typedef int (*FuzzBody) (void *arg, const ZpAllocator *mem);

/*
 * Run body with an arena that cancels at check cancel_at (0 = never); returns
 * 1 if body found a broken invariant or, when it returned, left memory
 * behind.  After a cancel the arena frees what is left.
 */
static int
fuzz_run(FuzzBody body, void *arg, long cancel_at)
{
	FuzzArena	a;
	ZpAllocator mem;
	volatile int bad = 0;

	fuzz_arena_start(&a, &mem, cancel_at);
	if (setjmp(a.env) == 0)
		bad = body(arg, &mem) || a.live != 0;
	fuzz_arena_free(&a);
	return bad;
}

/* An input for the bodies below. */
typedef struct FuzzInput
{
	const ZpLexicon *lex;
	const ZpLexicon *user;
	const char *text;
	size_t		len;
	int			flags;
} FuzzInput;

/* The cleaner's body: the result is no longer than the input and NUL-terminated. */
static int
fuzz_clean_body(void *arg, const ZpAllocator *mem)
{
	FuzzInput  *in = arg;
	size_t		outlen = 0;
	char	   *out = zp_clean(in->text, in->len, &outlen, mem);
	int			bad = !out || outlen > in->len || out[outlen] != '\0';

	if (out)
		mem->release(mem->ctx, out);
	return bad;
}

/* The cleaner: the result is no longer than the input and NUL-terminated; nothing is kept. */
static int
fuzz_clean(const ZpLexicon *lex, const uint8_t *data, size_t size)
{
	FuzzInput	in = {lex, NULL, (const char *) data, size, 0};

	return fuzz_run(fuzz_clean_body, &in, fuzz_cancel_point(data, size));
}

/* The normaliser: flags from the first byte, the rest one token, into exactly the room promised. */
static int
fuzz_normalize(const ZpLexicon *lex, const uint8_t *data, size_t size)
{
	int			flags = size > 0 ? data[0] & (ZP_NORM_SIMPLIFY | ZP_NORM_FOLD) : 0;
	const char *in = size > 0 ? (const char *) data + 1 : "";
	size_t		len = size > 0 ? size - 1 : 0,
				room = ZP_NORM_OUT_SIZE(len),
				n;
	char	   *out = malloc(room);
	int			bad;

	n = zp_normalize_token(in, len, out, lex, flags, NULL);
	bad = n > room;
	/* white space never survives, whatever the flags */
	if (!bad && n > 0 && memchr(out, '\n', n) != NULL)
		bad = 1;
	free(out);
	return bad;
}

/* The tokenizer's body: tokens cover the text, each normalises within its room; free twice. */
static int
fuzz_tokenize_body(void *arg, const ZpAllocator *mem)
{
	FuzzInput  *in = arg;
	ZpTokenizer tk;
	ZpToken		tok;
	size_t		at = 0;
	int			bad = 0;
	char	   *norm = mem->alloc(mem->ctx, ZP_NORM_OUT_SIZE(ZP_MAX_TOKEN_BYTES));

	if (!norm)
		return 0;
	if (zp_tokenizer_init(&tk, in->lex, (in->flags & 2) ? in->user : NULL, in->text, in->len, mem) == 0)
	{
		tk.compounds = in->flags & 1;
		while (!bad && zp_tokenizer_next(&tk, &tok))
		{
			if (tok.start != at || tok.len == 0 || tok.len > ZP_MAX_TOKEN_BYTES ||
				zp_token_type_alias(tok.type) == NULL ||
				zp_normalize_token(in->text + tok.start, tok.len, norm, in->lex,
								   ZP_NORM_SIMPLIFY | ZP_NORM_FOLD, mem) > ZP_NORM_OUT_SIZE(tok.len))
				bad = 1;
			at = tok.start + tok.len;
		}
		if (at != in->len)
			bad = 1;
		zp_tokenizer_free(&tk);
		zp_tokenizer_free(&tk);	/* a second free does nothing */
	}
	mem->release(mem->ctx, norm);
	return bad;
}

/* Tokenize with flags from the first byte (1: compounds, 2: user words); tokens must cover the text. */
static int
fuzz_tokenize_with(const ZpLexicon *lex, const ZpLexicon *user, const uint8_t *data, size_t size)
{
	FuzzInput	in = {lex, user, size > 0 ? (const char *) data + 1 : "", size > 0 ? size - 1 : 0,
	size > 0 ? data[0] : 0};

	return fuzz_run(fuzz_tokenize_body, &in, fuzz_cancel_point(data, size));
}

/* Record a match and check it (the tagger's callback). */
typedef struct FuzzMatches
{
	size_t		len;
	uint32_t	labels;
	size_t		last_end;
	long		n;
	int			bad;
} FuzzMatches;

/* Check one match: inside the text, not empty, of a label added, in order of its end. */
static int
fuzz_on_match(void *arg, const ZpTagMatch *m)
{
	FuzzMatches *f = arg;

	if (m->byte_start >= m->byte_end || m->byte_end > f->len || m->char_start >= m->char_end ||
		m->label >= f->labels || m->byte_end < f->last_end)
		f->bad = 1;
	f->last_end = m->byte_end;
	return ++f->n > 100000;		/* enough: stop the scan */
}

/* The scan of the tagger's input (arg: FuzzScan) in the arena given. */
typedef struct FuzzScan
{
	const ZpMatcher *m;
	const char *text;
	size_t		len;
	FuzzMatches *f;
} FuzzScan;

/* Scan and check the matches; the scan must free all it took. */
static int
fuzz_scan_body(void *arg, const ZpAllocator *mem)
{
	FuzzScan   *s = arg;
	size_t		chars = 0;
	long		r = zp_matcher_scan(s->m, s->text, s->len, fuzz_on_match, s->f, &chars, mem);

	return r < 0 || s->f->bad || chars > s->len;
}

/*
 * The tagger: labels before the first NUL byte, one a line (at most 64), the
 * text after it; the matcher is built in one arena, the scan uses another
 * (which the input may cancel), and the scan must leave the matcher's alone.
 */
static int
fuzz_tagger(const ZpLexicon *lex, const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t		lab_len = nul ? (size_t) (nul - data) : size,
				p = 0;
	FuzzArena	ma;
	ZpAllocator mmem;
	ZpMatcher  *m;
	FuzzMatches f;
	FuzzScan	sc;
	uint32_t	n = 0;
	long		before;
	int			bad;

	fuzz_arena_start(&ma, &mmem, 0);
	mmem.check = NULL;
	m = zp_matcher_new(lex, &mmem);
	if (!m)
		return 0;
	while (p < lab_len && n < 64)
	{
		const uint8_t *nl = memchr(data + p, '\n', lab_len - p);
		size_t		end = nl ? (size_t) (nl - data) : lab_len;

		if (zp_matcher_add(m, (const char *) data + p, end - p, n) == 0)
			n++;
		p = end + 1;
	}
	zp_matcher_build(m);
	before = ma.live;
	memset(&f, 0, sizeof(f));
	sc.m = m;
	sc.text = nul ? (const char *) nul + 1 : "";
	sc.len = nul ? size - lab_len - 1 : 0;
	sc.f = &f;
	f.len = sc.len;
	f.labels = n;
	bad = fuzz_run(fuzz_scan_body, &sc, fuzz_cancel_point(data, size));
	if (ma.live != before)
		bad = 1;				/* the scan touched the matcher's memory */
	zp_matcher_free(m);
	if (ma.live != 0)
		bad = 1;
	fuzz_arena_free(&ma);
	return bad;
}

/* Use a lexicon that opened: lookups, the emission table, verification, tokenizing and tagging with it. */
static int
fuzz_use_lexicon(const ZpLexicon *l, const ZpLexicon *main_lex)
{
	static const char text[] = "网络安全和国家发展，中国網絡空间。abc 1.5% 2023年11月 携 手 构 建\n有\n利于";
	static const uint8_t as_main[] = "\x00网络安全和国家发展，中国網絡空间。abc 1.5% 2023年11月 携 手 构 建\n有\n利于";
	char		err[256];
	int			bad = 0;

	zp_lex_lookup(l, "网络空间", strlen("网络空间"));
	zp_lex_lookup(l, "网", 3);
	zp_lex_emission(l, 0x7F51);
	zp_lex_emission(l, 0x10FFFF);
	zp_lexicon_verify(l, err, sizeof(err));
	if (fuzz_tokenize_with(l, NULL, as_main, sizeof(as_main) - 1))
		bad = 1;
	if (main_lex && fuzz_tokenize_with(main_lex, l, (const uint8_t *) "\x02网络安全和国家发展，中国網絡空间", strlen("\x02网络安全和国家发展，中国網絡空间")))
		bad = 1;
	{
		uint8_t		tag_input[256];
		size_t		k = 0;

		memcpy(tag_input, "网络\n安全\n国家发展", strlen("网络\n安全\n国家发展"));
		k = strlen("网络\n安全\n国家发展");
		tag_input[k++] = 0;
		memcpy(tag_input + k, text, sizeof(text) - 1);
		k += sizeof(text) - 1;
		if (fuzz_tagger(l, tag_input, k))
			bad = 1;
	}
	return bad;
}

/*
 * The lexicon loader on the input as a lexicon image: it opens (and then
 * every reader ends and tokens cover their text) or is refused.  An input
 * that starts with "WORDS\n" is a word list instead: the builder's lexicon
 * of it must open and verify.
 */
static int
fuzz_lexicon(const ZpLexicon *main_lex, const uint8_t *data, size_t size)
{
	ZpLexicon	l;
	char		err[256] = "";
	int			bad = 0;

	if (size >= 6 && memcmp(data, "WORDS\n", 6) == 0)
	{
		ZpLexBuilder *b = zp_lexbuilder_new(&zp_malloc_allocator);
		size_t		p = 6;
		void	   *img;
		size_t		img_size;
		int			compact = size > 6 && (data[6] & 1);

		while (p < size)
		{
			const uint8_t *nl = memchr(data + p, '\n', size - p);
			size_t		end = nl ? (size_t) (nl - data) : size;

			zp_lexbuilder_add(b, (const char *) data + p, end - p, 1.0 + (double) (end - p));
			p = end + 1;
		}
		if (zp_lexbuilder_serialize(b, compact, &img, &img_size, err, sizeof(err)) == 0)
		{
			if (zp_lexicon_open_buffer(img, img_size, &l, err, sizeof(err)) != 0)
			{
				free(img);
				bad = 1;		/* the builder's output must open */
			}
			else
			{
				if (zp_lexicon_verify(&l, err, sizeof(err)) != 0 || fuzz_use_lexicon(&l, main_lex))
					bad = 1;
				zp_lexicon_close(&l);
			}
		}
		zp_lexbuilder_free(b);
		return bad;
	}
	{
		void	   *copy = malloc(size ? size : 1);

		memcpy(copy, data, size);
		if (zp_lexicon_open_buffer(copy, size, &l, err, sizeof(err)) != 0)
		{
			free(copy);
			return err[0] == '\0';	/* a refusal must say why */
		}
		bad = fuzz_use_lexicon(&l, main_lex);
		zp_lexicon_close(&l);
	}
	return bad;
}

/* The byte length of the UTF-8 character at s (n > 0 bytes left), as the engine decodes it. */
static size_t
fuzz_char_len(const char *s, size_t n)
{
	uint32_t	cp;

	return (size_t) zp_utf8_decode((const unsigned char *) s, n, &cp);
}

/* Whether s is valid UTF-8 (as every text value of a UTF8 database is). */
static int
fuzz_valid_utf8(const char *s, size_t n)
{
	size_t		i = 0;

	while (i < n)
	{
		uint32_t	cp;
		int			l = zp_utf8_decode((const unsigned char *) s + i, n - i, &cp);

		if (l == 1 && cp == 0xFFFD)
			return 0;
		i += (size_t) l;
	}
	return 1;
}

/* ASCII lower case, the C locale's lower() (what ILIKE compares in a --no-locale database). */
static char
fuzz_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
}

/*
 * A reference LIKE (ILIKE when fold): % any run, _ one character, a backslash
 * takes the next character literally.  Iterative, backtracking only to the
 * last %, so O(len(t) * len(p)) whatever the pattern.
 */
static int
fuzz_like(const char *t, size_t tn, const char *p, size_t pn, int fold)
{
	size_t		ti = 0,
				pi = 0,
				star_p = SIZE_MAX,
				star_t = 0;

	while (ti < tn)
	{
		if (pi < pn && p[pi] == '%')
		{
			star_p = ++pi;
			star_t = ti;
			continue;
		}
		if (pi < pn)
		{
			size_t		tl = fuzz_char_len(t + ti, tn - ti);

			if (p[pi] == '_')
			{
				ti += tl;
				pi++;
				continue;
			}
			else
			{
				size_t		pp = pi + (p[pi] == '\\');
				size_t		pl;
				int			same;

				if (pp >= pn)
					return 0;	/* a pattern ending in its escape: the server refuses it */
				pl = fuzz_char_len(p + pp, pn - pp);
				if (pl == 1 && fold)
					same = tl == 1 && fuzz_lower(p[pp]) == fuzz_lower(t[ti]);
				else
					same = pl == tl && memcmp(p + pp, t + ti, pl) == 0;
				if (same)
				{
					ti += tl;
					pi = pp + pl;
					continue;
				}
			}
		}
		if (star_p == SIZE_MAX)
			return 0;
		star_t += fuzz_char_len(t + star_t, tn - star_t);
		ti = star_t;
		pi = star_p;
	}
	while (pi < pn && p[pi] == '%')
		pi++;
	return pi == pn;
}

/* Whether hay holds needle (empty needle: always). */
static int
fuzz_contains(const char *hay, size_t hn, const char *needle, size_t nn)
{
	if (nn == 0)
		return 1;
	for (size_t i = 0; i + nn <= hn; i++)
		if (memcmp(hay + i, needle, nn) == 0)
			return 1;
	return 0;
}

/* The text and query of a bigram input. */
typedef struct FuzzBigramInput
{
	const char *text;
	size_t		tlen;
	const char *query;
	size_t		qlen;
} FuzzBigramInput;

/*
 * The text index's body: every query kind's keys are among the text's keys
 * whenever the text matches (no row is ever missed), and a query whose keys
 * decide alone decides right; all memory goes back to the allocator.
 */
static int
fuzz_bigram_body(void *arg, const ZpAllocator *mem)
{
	FuzzBigramInput *in = arg;
	uint32_t   *keys = mem->alloc(mem->ctx, (in->tlen + 1) * sizeof(uint32_t));
	size_t		n;
	int			bad = 0;

	if (!keys)
		return 1;
	n = zp_bigram_text_keys(in->text, in->tlen, keys, mem);
	if (n > in->tlen)
		bad = 1;
	n = zp_bigram_sort_unique(keys, n, mem);
	for (size_t i = 1; i < n && n != SIZE_MAX; i++)
		if (keys[i - 1] >= keys[i])
			bad = 1;
	for (int kind = 0; kind < 3 && !bad && n != SIZE_MAX; kind++)
	{
		ZpBigramQuery q;
		int			truth,
					match;

		if (zp_bigram_query(in->query, in->qlen, (ZpBigramQueryKind) kind, mem, &q) != 0)
			continue;
		truth = kind == ZP_BIGRAM_SUBSTRING ? fuzz_contains(in->text, in->tlen, in->query, in->qlen)
			: fuzz_like(in->text, in->tlen, in->query, in->qlen, kind == ZP_BIGRAM_ILIKE);
		match = q.nkeys == 0 || zp_bigram_keys_match(keys, n, &q);
		if (truth && !match)
			bad = 1;			/* a row the index would miss */
		if (q.exact && match != truth)
			bad = 1;			/* keys that decide alone decided wrong */
		if (q.keys)
			mem->release(mem->ctx, q.keys);
	}
	mem->release(mem->ctx, keys);
	return bad;
}

/*
 * The text index's keys: the input is a query, a 0xFF byte and a text (no
 * 0xFF: the query is also cut from the text's middle).
 */
static int
fuzz_bigram(const uint8_t *data, size_t size)
{
	const uint8_t *sep = memchr(data, 0xFF, size);
	FuzzBigramInput in;

	if (sep)
	{
		in.query = (const char *) data;
		in.qlen = (size_t) (sep - data);
		in.text = (const char *) sep + 1;
		in.tlen = size - in.qlen - 1;
	}
	else
	{
		in.text = (const char *) data;
		in.tlen = size;
		in.query = (const char *) data + size / 3;
		in.qlen = size / 3;
	}
	if (in.qlen > 256)
		in.qlen = 256;			/* the reference LIKE is O(text * pattern) */
	if (!fuzz_valid_utf8(in.text, in.tlen) || !fuzz_valid_utf8(in.query, in.qlen))
		return 0;				/* a database's text is valid UTF-8 */
	return fuzz_run(fuzz_bigram_body, &in, fuzz_cancel_point(data, size));
}

/* The snippet's body: input = options byte, query, NUL, document. */
static int
fuzz_snippet_body(void *arg, const ZpAllocator *mem)
{
	FuzzInput  *in = arg;
	const char *nul = memchr(in->text, '\0', in->len);
	size_t		qlen = nul ? (size_t) (nul - in->text) : 0;
	const char *doc = nul ? nul + 1 : in->text;
	size_t		n = nul ? in->len - qlen - 1 : in->len;
	ZpSnippetOptions opt = {"\x01", 1, "\x02", 1, "\x03", 1, in->flags & 7, (in->flags >> 3) & 15, 0};
	char	   *out = NULL;
	size_t		outlen = 0,
				nm = 0,
				i,
				plain = 0;
	int			bad = 0,
				depth = 0;

	if (zp_snippet(doc, n, in->text, qlen, &opt, &out, &outlen, &nm, mem) != ZP_SNIPPET_OK)
		return 1;				/* valid options, a short query: only memory could fail */
	/*
	 * The markers nest properly, every fragment is text of the document, and the
	 * whole-document form (max_fragments 0) is the document again once unmarked.
	 */
	if (memchr(doc, '\x01', n) == NULL && memchr(doc, '\x02', n) == NULL &&
		memchr(doc, '\x03', n) == NULL)
	{
		for (i = 0; i < outlen && !bad; i++)
		{
			if (out[i] == '\x01')
				bad = depth++ != 0;
			else if (out[i] == '\x02')
				bad = --depth != 0;
			else if (out[i] != '\x03')
				plain++;
		}
		bad = bad || depth != 0 || plain > n;
		if (opt.max_fragments == 0 && !bad)
		{
			/* unmarked, it is the document */
			size_t		k = 0;

			for (i = 0; i < outlen && !bad; i++)
				if (out[i] != '\x01' && out[i] != '\x02')
					bad = k >= n || out[i] != doc[k++];	/* (no delimiter in this form) */
			bad = bad || k != n;
		}
	}
	if (out)
		mem->release(mem->ctx, out);
	return bad;
}

/* The snippet matcher: first byte options, then query NUL document; markers nest, text is kept. */
static int
fuzz_snippet(const uint8_t *data, size_t size)
{
	FuzzInput	in = {NULL, NULL, (const char *) data + (size > 0), size > 0 ? size - 1 : 0, size > 0 ? data[0] : 0};

	return fuzz_run(fuzz_snippet_body, &in, fuzz_cancel_point(data, size));
}

/* The headline selector's body: each input byte is a token (bit 0 word, bit 1 good end, rest hit). */
static int
fuzz_headline_body(void *arg, const ZpAllocator *mem)
{
	FuzzInput  *in = arg;
	ZpHlOptions opt;
	ZpHlToken  *tok;
	size_t		n = in->len,
				i,
				runs = 0;
	int			bad = 0;

	opt.max_words = 2 + (in->flags & 15);
	opt.min_words = 1 + ((in->flags >> 4) & 3) % (opt.max_words - 1);
	opt.max_fragments = (in->flags >> 6) & 3;
	opt.nterms = 5;
	tok = mem->alloc(mem->ctx, sizeof(ZpHlToken) * (n ? n : 1));
	if (!tok)
		return 1;
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) in->text[i];

		tok[i].word = c & 1;
		tok[i].good_end = (c >> 1) & 1;
		tok[i].hit = (c >> 2) < 6 ? (int32_t) (c >> 2) - 1 : -1;
		tok[i].in = 0;
		tok[i].pad = 0;
	}
	if (zp_headline_select(tok, n, &opt, mem) != 0)
		bad = 1;
	/* at most max_fragments runs of tokens in the headline (one when max_fragments is 0) */
	for (i = 0; i < n && !bad; i++)
		if (tok[i].in && (i == 0 || !tok[i - 1].in))
			runs++;
	if (!bad && runs > (size_t) (opt.max_fragments > 0 ? opt.max_fragments : 1))
		bad = 1;
	mem->release(mem->ctx, tok);
	return bad;
}

/* The headline selector: first byte options, each other byte a token; bounded fragments. */
static int
fuzz_headline(const uint8_t *data, size_t size)
{
	FuzzInput	in = {NULL, NULL, (const char *) data + (size > 0), size > 0 ? size - 1 : 0, size > 0 ? data[0] : 0};

	return fuzz_run(fuzz_headline_body, &in, fuzz_cancel_point(data, size));
}

#endif							/* FUZZ_TARGETS_H */
