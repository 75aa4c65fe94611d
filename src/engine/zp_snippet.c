/*
 * zp_snippet.c — the exact highlighter (see zp_snippet.h).
 *
 * 1. The terms go into a trie whose edges live in one open-addressing hash
 *    table keyed by (state, byte) (the root has a direct table); a breadth-
 *    first pass sets each state's failure link and its nearest terminal
 *    suffix, which makes it an Aho-Corasick automaton: O(query) to build.
 * 2. One pass over the document reports, at each byte, the longest term
 *    that ends there; the occurrences are merged into highlights (spans) on a
 *    stack as they come, so a long term that ends later and starts earlier
 *    swallows the spans it covers.  Character offsets are counted on the way.
 * 3. A candidate fragment starts at each span and takes the spans that end
 *    within 2 x context characters of its start (two pointers, with a count
 *    per term); the candidates are sorted best first (merge sort) and taken
 *    while they share no span with one taken before (a Fenwick tree over the
 *    spans), up to max_fragments.
 * 4. Each fragment is widened by `context` characters each way, not across a
 *    line break, the windows are merged where they meet, and the text is
 *    written with the highlights marked (and HTML-escaped on request).
 * Every loop that grows with the document or the query ticks the cancel
 * check.
 */
#include "zp_snippet.h"

#include <string.h>

#include "zp_select.h"

/* ---- query terms ---- */

/* Is there white space at q[i] (ASCII, or U+3000 in UTF-8); its length or 0. */
static size_t
space_at(const char *q, size_t qlen, size_t i)
{
	unsigned char c = (unsigned char) q[i];

	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
		return 1;
	if (c == 0xE3 && i + 2 < qlen && (unsigned char) q[i + 1] == 0x80 && (unsigned char) q[i + 2] == 0x80)
		return 3;
	return 0;
}

/* An opening quote at q[i] (" or “): its length, and the closing quote's bytes. */
static size_t
open_quote_at(const char *q, size_t qlen, size_t i, const char **close, size_t *close_len)
{
	if (q[i] == '"')
	{
		*close = "\"";
		*close_len = 1;
		return 1;
	}
	if (i + 2 < qlen && (unsigned char) q[i] == 0xE2 && (unsigned char) q[i + 1] == 0x80 &&
		(unsigned char) q[i + 2] == 0x9C)
	{
		*close = "\xE2\x80\x9D";
		*close_len = 3;
		return 3;
	}
	return 0;
}

/* Split a query into terms; see zp_snippet.h. */
size_t
zp_snippet_terms(const char *q, size_t qlen, ZpSnippetTerm *terms)
{
	size_t		i = 0,
				n = 0;

	while (i < qlen)
	{
		const char *close;
		size_t		close_len,
					k;

		if ((k = space_at(q, qlen, i)) > 0)
		{
			i += k;
			continue;
		}
		if ((k = open_quote_at(q, qlen, i, &close, &close_len)) > 0)
		{
			size_t		s = i + k,
						e = s;

			while (e < qlen && !(e + close_len <= qlen && memcmp(q + e, close, close_len) == 0))
				e++;
			if (e > s)
			{
				terms[n].start = s;
				terms[n].len = e - s;
				n++;
			}
			i = e < qlen ? e + close_len : qlen;
			continue;
		}
		{
			size_t		s = i;
			const char *c;
			size_t		cl;

			while (i < qlen && space_at(q, qlen, i) == 0 && open_quote_at(q, qlen, i, &c, &cl) == 0)
				i++;
			terms[n].start = s;
			terms[n].len = i - s;
			n++;
		}
	}
	return n;
}

/* ---- the automaton ---- */

typedef struct Automaton
{
	uint32_t	root[256];		/* child of the root by byte, 0 = none */
	uint64_t   *keys;			/* edge (state << 8 | byte) + 1, 0 = empty slot */
	uint32_t   *vals;			/* the child state of the edge */
	size_t		mask;			/* hash table size - 1 */
	uint32_t   *fail;
	uint32_t   *dict;			/* nearest proper suffix state that is a term, 0 = none */
	int32_t    *term;			/* term id of a terminal state, -1 otherwise */
	uint32_t   *depth;
	uint32_t   *first_child;	/* children list, for the breadth-first pass */
	uint32_t   *next_sibling;
	uint8_t    *in_byte;		/* byte of the edge into the state */
	uint32_t	nstates;
	uint32_t	nterms;
} Automaton;

/* Hash of an edge key. */
static inline size_t
edge_hash(uint64_t key)
{
	key ^= key >> 33;
	key *= UINT64_C(0xff51afd7ed558ccd);
	key ^= key >> 33;
	return (size_t) key;
}

/* The child of state s by byte c, or 0. */
static inline uint32_t
go(const Automaton *a, uint32_t s, unsigned char c)
{
	uint64_t	key;
	size_t		h;

	if (s == 0)
		return a->root[c];
	key = (((uint64_t) s << 8) | c) + 1;
	for (h = edge_hash(key) & a->mask;; h = (h + 1) & a->mask)
	{
		if (a->keys[h] == key)
			return a->vals[h];
		if (a->keys[h] == 0)
			return 0;
	}
}

/* Add the edge s --c--> t. */
static void
add_edge(Automaton *a, uint32_t s, unsigned char c, uint32_t t)
{
	uint64_t	key;
	size_t		h;

	a->in_byte[t] = c;
	a->next_sibling[t] = a->first_child[s];
	a->first_child[s] = t;
	if (s == 0)
	{
		a->root[c] = t;
		return;
	}
	key = (((uint64_t) s << 8) | c) + 1;
	for (h = edge_hash(key) & a->mask; a->keys[h] != 0; h = (h + 1) & a->mask)
		;
	a->keys[h] = key;
	a->vals[h] = t;
}

/* Release what an automaton holds. */
static void
automaton_free(Automaton *a, const ZpAllocator *mem)
{
	void	   *p[] = {a->keys, a->vals, a->fail, a->dict, a->term, a->depth, a->first_child,
	a->next_sibling, a->in_byte};
	size_t		i;

	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (p[i])
			mem->release(mem->ctx, p[i]);
}

/* Build the automaton of the terms; returns 0 or -1 (no memory). */
static int
automaton_build(Automaton *a, const char *q, const ZpSnippetTerm *terms, size_t nterms,
				size_t qlen, ZpTicker *tick, const ZpAllocator *mem)
{
	size_t		maxstates = qlen + 1,
				slots = 16,
				i;
	uint32_t   *queue;
	size_t		qh = 0,
				qt = 0;

	memset(a, 0, sizeof(*a));
	while (slots < 2 * maxstates)
		slots *= 2;
	a->mask = slots - 1;
	a->keys = mem->alloc(mem->ctx, slots * sizeof(uint64_t));
	a->vals = mem->alloc(mem->ctx, slots * sizeof(uint32_t));
	a->fail = mem->alloc(mem->ctx, maxstates * sizeof(uint32_t));
	a->dict = mem->alloc(mem->ctx, maxstates * sizeof(uint32_t));
	a->term = mem->alloc(mem->ctx, maxstates * sizeof(int32_t));
	a->depth = mem->alloc(mem->ctx, maxstates * sizeof(uint32_t));
	a->first_child = mem->alloc(mem->ctx, maxstates * sizeof(uint32_t));
	a->next_sibling = mem->alloc(mem->ctx, maxstates * sizeof(uint32_t));
	a->in_byte = mem->alloc(mem->ctx, maxstates);
	if (!a->keys || !a->vals || !a->fail || !a->dict || !a->term || !a->depth ||
		!a->first_child || !a->next_sibling || !a->in_byte)
		return -1;
	memset(a->keys, 0, slots * sizeof(uint64_t));
	a->nstates = 1;
	a->term[0] = -1;
	a->depth[0] = 0;
	a->first_child[0] = 0;
	a->fail[0] = 0;
	a->dict[0] = 0;

	for (i = 0; i < nterms; i++)
	{
		uint32_t	s = 0;
		size_t		k;

		for (k = 0; k < terms[i].len; k++)
		{
			unsigned char c = (unsigned char) q[terms[i].start + k];
			uint32_t	t;

			zp_tick(tick);
			t = go(a, s, c);
			if (t == 0)
			{
				t = a->nstates++;
				a->term[t] = -1;
				a->depth[t] = a->depth[s] + 1;
				a->first_child[t] = 0;
				add_edge(a, s, c, t);
			}
			s = t;
		}
		if (s != 0 && a->term[s] < 0)
			a->term[s] = (int32_t) a->nterms++;
	}

	/* breadth first: failure links and dictionary links (the queue reuses depth's order) */
	queue = mem->alloc(mem->ctx, (size_t) a->nstates * sizeof(uint32_t));
	if (!queue)
		return -1;
	for (i = a->first_child[0]; i != 0; i = a->next_sibling[i])
	{
		a->fail[i] = 0;
		a->dict[i] = 0;
		queue[qt++] = (uint32_t) i;
	}
	while (qh < qt)
	{
		uint32_t	u = queue[qh++],
					v;

		zp_tick(tick);
		for (v = a->first_child[u]; v != 0; v = a->next_sibling[v])
		{
			unsigned char c = a->in_byte[v];
			uint32_t	f = a->fail[u],
						t;

			zp_tick(tick);
			while ((t = go(a, f, c)) == 0 && f != 0)
				f = a->fail[f];
			a->fail[v] = t;
			a->dict[v] = a->term[t] >= 0 ? t : a->dict[t];
			queue[qt++] = v;
		}
	}
	mem->release(mem->ctx, queue);
	return 0;
}

/* ---- occurrences and highlights ---- */

/* A highlight: bytes [bstart, bend), characters [cstart, cend), occurrences [m0, m1). */
typedef struct Span
{
	uint32_t	bstart;
	uint32_t	bend;
	uint32_t	cstart;
	uint32_t	cend;
	uint32_t	m0;
	uint32_t	m1;
} Span;

/* A growable array from mem. */
static void *
grow(void *p, size_t *cap, size_t need, size_t elem, const ZpAllocator *mem)
{
	size_t		ncap = *cap ? *cap : 64;
	void	   *q;

	if (need <= *cap)
		return p;
	while (ncap < need)
		ncap *= 2;
	q = mem->alloc(mem->ctx, ncap * elem);
	if (!q)
		return NULL;
	if (p)
	{
		memcpy(q, p, *cap * elem);
		mem->release(mem->ctx, p);
	}
	*cap = ncap;
	return q;
}

/* ---- fragments ---- */

typedef struct Cand
{
	size_t		first;			/* spans [first, last] */
	size_t		last;
	uint32_t	distinct;
	uint32_t	hits;
} Cand;

/* Is candidate a better than b? */
static int
cand_better(const Cand *a, const Cand *b)
{
	if (a->distinct != b->distinct)
		return a->distinct > b->distinct;
	if (a->hits != b->hits)
		return a->hits > b->hits;
	return a->first < b->first;
}

/* cand_better for zp_select_sort. */
static int
cand_better_v(const void *a, const void *b)
{
	return cand_better(a, b);
}



/* ---- output ---- */

typedef struct Out
{
	char	   *buf;
	size_t		len;
	size_t		cap;
	const ZpAllocator *mem;
	int			failed;
} Out;

/* Append bytes to the output. */
static void
out_put(Out *o, const char *s, size_t n)
{
	char	   *b;

	if (o->failed || n == 0)
		return;
	b = grow(o->buf, &o->cap, o->len + n, 1, o->mem);
	if (!b)
	{
		o->failed = 1;
		return;
	}
	o->buf = b;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/* Append document text, HTML-escaped if asked. */
static void
out_text(Out *o, const char *s, size_t n, int html, ZpTicker *tick)
{
	size_t		i,
				run = 0;

	if (!html)
	{
		out_put(o, s, n);
		return;
	}
	for (i = 0; i < n; i++)
	{
		const char *ent = NULL;

		zp_tick(tick);
		switch (s[i])
		{
			case '&':
				ent = "&amp;";
				break;
			case '<':
				ent = "&lt;";
				break;
			case '>':
				ent = "&gt;";
				break;
			case '"':
				ent = "&quot;";
				break;
			case '\'':
				ent = "&#39;";
				break;
			default:
				continue;
		}
		out_put(o, s + run, i - run);
		out_put(o, ent, strlen(ent));
		run = i + 1;
	}
	out_put(o, s + run, n - run);
}

/* Write doc[ws, we) with the spans [sfirst, ...) that lie in it highlighted. */
static void
out_window(Out *o, const char *doc, size_t ws, size_t we, const Span *spans, size_t nspans,
		   size_t sfirst, const ZpSnippetOptions *opt, ZpTicker *tick)
{
	size_t		pos = ws,
				k;

	for (k = sfirst; k < nspans && spans[k].bstart < we; k++)
	{
		zp_tick(tick);
		out_text(o, doc + pos, spans[k].bstart - pos, opt->html, tick);
		out_put(o, opt->start_sel, opt->start_len);
		out_text(o, doc + spans[k].bstart, spans[k].bend - spans[k].bstart, opt->html, tick);
		out_put(o, opt->stop_sel, opt->stop_len);
		pos = spans[k].bend;
	}
	out_text(o, doc + pos, we - pos, opt->html, tick);
}

/* Step back up to nchars characters from b, not before floor, not across a line break. */
static size_t
back_chars(const char *doc, size_t b, size_t floor, size_t nchars)
{
	while (b > floor && nchars > 0)
	{
		size_t		p = b - 1;

		while (p > floor && ((unsigned char) doc[p] & 0xC0) == 0x80)
			p--;
		if (doc[p] == '\n')
			break;
		b = p;
		nchars--;
	}
	return b;
}

/* Step forward up to nchars characters from b, not past ceil, not across a line break. */
static size_t
fwd_chars(const char *doc, size_t b, size_t ceil, size_t nchars)
{
	while (b < ceil && nchars > 0 && doc[b] != '\n')
	{
		b++;
		while (b < ceil && ((unsigned char) doc[b] & 0xC0) == 0x80)
			b++;
		nchars--;
	}
	return b;
}

/* A chosen window: bytes [ws, we), first span in it. */
typedef struct Window
{
	size_t		ws;
	size_t		we;
	size_t		sfirst;
} Window;

/* The snippet; see zp_snippet.h. */
ZpSnippetStatus
zp_snippet(const char *doc, size_t n, const char *q, size_t qlen, const ZpSnippetOptions *opt,
		   char **out, size_t *outlen, size_t *nmatches, const ZpAllocator *mem)
{
	ZpTicker	tick;
	ZpSnippetTerm *terms = NULL;
	size_t		nterms;
	Automaton	a;
	size_t	   *ring = NULL;	/* characters before each of the last maxlen + 1 bytes */
	size_t		ringlen = 1;
	Span	   *spans = NULL;
	size_t		nspans = 0,
				spancap = 0;
	int32_t    *mterm = NULL;	/* term of each occurrence */
	size_t		nm = 0,
				mcap = 0;
	Cand	   *cand = NULL,
			   *tmp = NULL;
	uint32_t   *fen = NULL,
			   *count = NULL;
	Window	   *win = NULL;
	size_t		nwin = 0;
	Out			o = {NULL, 0, 0, mem, 0};
	ZpSnippetStatus rc = ZP_SNIPPET_NO_MEMORY;
	size_t		i,
				chars = 0;
	uint32_t	s = 0;

	*out = NULL;
	*outlen = 0;
	if (nmatches)
		*nmatches = 0;
	if (opt->max_fragments < 0 || opt->context < 0 || opt->context > ZP_SNIPPET_MAX_CONTEXT)
		return ZP_SNIPPET_BAD_OPTION;
	if (qlen > ZP_SNIPPET_MAX_QUERY)
		return ZP_SNIPPET_QUERY_TOO_LONG;
	if (n >= UINT32_MAX)
		return ZP_SNIPPET_DOC_TOO_LONG;
	zp_ticker_init(&tick, mem);
	memset(&a, 0, sizeof(a));

	terms = mem->alloc(mem->ctx, (qlen / 2 + 1) * sizeof(ZpSnippetTerm));
	if (!terms)
		goto done;
	nterms = zp_snippet_terms(q, qlen, terms);
	for (i = 0; i < nterms; i++)
		if (terms[i].len + 1 > ringlen)
			ringlen = terms[i].len + 1;
	ring = mem->alloc(mem->ctx, ringlen * sizeof(size_t));
	if (!ring || automaton_build(&a, q, terms, nterms, qlen, &tick, mem) != 0)
		goto done_automaton;

	/* the occurrences, merged into spans */
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) doc[i];
		uint32_t	t,
					hit;

		zp_tick(&tick);
		if ((c & 0xC0) != 0x80)
			chars++;
		ring[i % ringlen] = chars;
		while ((t = go(&a, s, c)) == 0 && s != 0)
			s = a.fail[s];
		s = t;
		hit = a.term[s] >= 0 ? s : a.dict[s];
		if (hit != 0)
		{
			size_t		bstart = i + 1 - a.depth[hit],
						bend = i + 1,
						cstart = bstart == 0 ? 0 : ring[(bstart - 1) % ringlen];

			mterm = grow(mterm, &mcap, nm + 1, sizeof(int32_t), mem);
			if (!mterm)
				goto done_automaton;
			mterm[nm] = a.term[hit];
			if (nspans > 0 && bstart <= spans[nspans - 1].bend)
			{
				/* joins the last span, and maybe spans before it */
				uint32_t	m0 = spans[nspans - 1].m0;

				while (nspans > 1 && bstart <= spans[nspans - 2].bend)
				{
					nspans--;
					m0 = spans[nspans - 1].m0;
				}
				if (bstart < spans[nspans - 1].bstart)
				{
					spans[nspans - 1].bstart = (uint32_t) bstart;
					spans[nspans - 1].cstart = (uint32_t) cstart;
				}
				spans[nspans - 1].m0 = m0;
				spans[nspans - 1].bend = (uint32_t) bend;
				spans[nspans - 1].cend = (uint32_t) chars;
				spans[nspans - 1].m1 = (uint32_t) (nm + 1);
			}
			else
			{
				spans = grow(spans, &spancap, nspans + 1, sizeof(Span), mem);
				if (!spans)
					goto done_automaton;
				spans[nspans].bstart = (uint32_t) bstart;
				spans[nspans].bend = (uint32_t) bend;
				spans[nspans].cstart = (uint32_t) cstart;
				spans[nspans].cend = (uint32_t) chars;
				spans[nspans].m0 = (uint32_t) nm;
				spans[nspans].m1 = (uint32_t) (nm + 1);
				nspans++;
			}
			nm++;
		}
	}
	if (nmatches)
		*nmatches = nspans;

	if (nspans == 0)
	{
		/* nothing found: the beginning of the document */
		size_t		e = fwd_chars(doc, 0, n, 2 * (size_t) opt->context);

		out_text(&o, doc, opt->max_fragments == 0 ? n : e, opt->html, &tick);
		rc = o.failed ? ZP_SNIPPET_NO_MEMORY : ZP_SNIPPET_OK;
		goto done_automaton;
	}
	if (opt->max_fragments == 0)
	{
		out_window(&o, doc, 0, n, spans, nspans, 0, opt, &tick);
		rc = o.failed ? ZP_SNIPPET_NO_MEMORY : ZP_SNIPPET_OK;
		goto done_automaton;
	}

	/* candidates: each span with those ending within 2 x context characters of its start */
	cand = mem->alloc(mem->ctx, nspans * sizeof(Cand));
	count = mem->alloc(mem->ctx, ((size_t) a.nterms + 1) * sizeof(uint32_t));
	if (!cand || !count)
		goto done_automaton;
	memset(count, 0, ((size_t) a.nterms + 1) * sizeof(uint32_t));
	{
		size_t		j = 0;		/* spans [i, j) are in the window */
		uint32_t	distinct = 0,
					hits = 0;

		for (i = 0; i < nspans; i++)
		{
			size_t		m;

			if (j < i + 1)
			{
				j = i;
				distinct = hits = 0;
			}
			while (j < nspans && (j == i || spans[j].cend - spans[i].cstart <= 2 * (size_t) opt->context))
			{
				zp_tick(&tick);
				for (m = spans[j].m0; m < spans[j].m1; m++)
				{
					if (count[mterm[m]]++ == 0)
						distinct++;
					hits++;
				}
				j++;
			}
			cand[i].first = i;
			cand[i].last = j - 1;
			cand[i].distinct = distinct;
			cand[i].hits = hits;
			for (m = spans[i].m0; m < spans[i].m1; m++)
			{
				zp_tick(&tick);
				if (--count[mterm[m]] == 0)
					distinct--;
				hits--;
			}
		}
	}
	tmp = mem->alloc(mem->ctx, nspans * sizeof(Cand));
	fen = mem->alloc(mem->ctx, (nspans + 1) * sizeof(uint32_t));
	win = mem->alloc(mem->ctx, ((size_t) opt->max_fragments < nspans ? (size_t) opt->max_fragments : nspans) * sizeof(Window));
	if (!tmp || !fen || !win)
		goto done_automaton;
	memset(fen, 0, (nspans + 1) * sizeof(uint32_t));
	zp_select_sort(cand, tmp, nspans, sizeof(Cand), cand_better_v, &tick);
	for (i = 0; i < nspans && nwin < (size_t) opt->max_fragments; i++)
	{
		size_t		k;

		zp_tick(&tick);
		if (zp_fenwick_prefix(fen, cand[i].last + 1) != zp_fenwick_prefix(fen, cand[i].first))
			continue;
		for (k = cand[i].first; k <= cand[i].last; k++)
			zp_fenwick_add(fen, nspans, k);
		win[nwin].sfirst = cand[i].first;
		win[nwin].ws = back_chars(doc, spans[cand[i].first].bstart, 0, (size_t) opt->context);
		win[nwin].we = fwd_chars(doc, spans[cand[i].last].bend, n, (size_t) opt->context);
		nwin++;
	}

	/* windows in document order (insertion sort: at most max_fragments, each a distinct span range) */
	for (i = 1; i < nwin; i++)
	{
		Window		w = win[i];
		size_t		k = i;

		while (k > 0 && win[k - 1].sfirst > w.sfirst)
		{
			zp_tick(&tick);
			win[k] = win[k - 1];
			k--;
		}
		win[k] = w;
	}
	{
		size_t		k = 0,
					prev_we = 0;
		int			first = 1;

		while (k < nwin)
		{
			size_t		ws = win[k].ws,
						we = win[k].we,
						sfirst = win[k].sfirst,
						sk;

			/* merge the windows that meet this one */
			while (k + 1 < nwin && win[k + 1].ws <= we)
			{
				k++;
				if (win[k].we > we)
					we = win[k].we;
			}
			/* a span cut by the window's end is taken whole; so is one cut by its start */
			for (sk = sfirst; sk < nspans && spans[sk].bstart < we; sk++)
			{
				zp_tick(&tick);
				if (spans[sk].bend > we)
					we = spans[sk].bend;
			}
			while (sfirst > 0 && spans[sfirst - 1].bend > ws && spans[sfirst - 1].bstart >= prev_we)
			{
				sfirst--;
				if (spans[sfirst].bstart < ws)
					ws = spans[sfirst].bstart;
			}
			if (ws < prev_we)
				ws = prev_we;
			if (!first && ws > prev_we)	/* (a window that starts where the last ended continues it) */
				out_put(&o, opt->delimiter, opt->delimiter_len);
			out_window(&o, doc, ws, we, spans, nspans, sfirst, opt, &tick);
			first = 0;
			prev_we = we;
			k++;
		}
	}
	rc = o.failed ? ZP_SNIPPET_NO_MEMORY : ZP_SNIPPET_OK;

done_automaton:
	automaton_free(&a, mem);
	if (ring)
		mem->release(mem->ctx, ring);
done:
	if (win)
		mem->release(mem->ctx, win);
	if (fen)
		mem->release(mem->ctx, fen);
	if (tmp)
		mem->release(mem->ctx, tmp);
	if (count)
		mem->release(mem->ctx, count);
	if (cand)
		mem->release(mem->ctx, cand);
	if (mterm)
		mem->release(mem->ctx, mterm);
	if (spans)
		mem->release(mem->ctx, spans);
	if (terms)
		mem->release(mem->ctx, terms);
	if (rc == ZP_SNIPPET_OK)
	{
		*out = o.buf;
		*outlen = o.len;
	}
	else if (o.buf)
		mem->release(mem->ctx, o.buf);
	return rc;
}
