/*
 * zp_tagger.c — Aho–Corasick matching of vocabulary labels (see zp_tagger.h).
 *
 * The alphabet: every distinct (folded) code point of the labels gets a
 * symbol 1..n.  A table of the 65,536 BMP code points gives, for a code point
 * of the text, the symbol of its folded form (Traditional→Simplified, width
 * and ASCII case folded in one lookup), or "in no label" (the automaton goes
 * back to the root: no label goes on through that character), or "ask": white
 * space (read through, or one space) and the code points outside the table
 * take the slow path, the same folding as before, step by step.
 *
 * The automaton: states are trie nodes of the labels, laid out as a double
 * array (base and check): the edge of state s for symbol c, if there is one,
 * is the cell base[s] + c, whose check is s + 1.  A transition is one read of
 * one 16-byte cell, which also holds the state's failure link and the first
 * state on its suffix chain that has outputs; states are placed breadth first,
 * so the shallow states, where most of the scan goes, lie together.  To build
 * it, the labels are sorted by their symbols (a radix sort on the first three);
 * then, a depth at a time, the labels that share a state are a run, its
 * edges are placed (the first free cells that fit them) and each new state
 * gets its failure link, which only needs the shallower states.
 *
 * Word boundaries are checked only for candidate matches: the run of Chinese
 * text around a match end is segmented with the lexicon (zp_tokenizer_init_range
 * over that run, with the document's layout, gives the tokens a whole-document
 * parse gives there), and the match must start and end on token boundaries.
 * The token boundaries of a run are kept (four runs, the least recently used
 * one replaced), and so is the fact that a run is too long to check, so a long
 * run is walked once, not once per match in it.  The document's layout (is it
 * hard-wrapped?) is worked out the first time a line break between two Chinese
 * characters needs it, not for every document.
 *
 * Cancelling: zp_matcher_scan calls the check of its scratch allocator, and
 * takes all its memory from there; the matcher is only read.  A cancelled
 * zp_matcher_add or zp_matcher_build leaves the matcher to be freed (or built
 * again); what they hold, temporary tables included, is the matcher's own
 * memory.
 */
#include "zp_tagger.h"
#include "zp_image.h"
#include "zp_text.h"

#include <stdlib.h>
#include <string.h>

#define RING 256				/* > ZP_TAG_MAX_LABEL_CHARS: logical characters remembered */
#define RUN_MAX 16384			/* runs of this many bytes or more skip the boundary check */
#define GAP_MAX 4096			/* white space longer than this never joins a run */
#define RUN_CACHE 4				/* runs whose token boundaries are kept */
#define BMP 65536
#define CLS_NONE 0				/* class table: in no label (the scan's symbol 0: no state has an edge for it) */
#define CLS_ASK 0xFFFFu			/* class table: white space, or look the folded form up */
#define CLS_MAX 0xFFFEu			/* symbols above this are looked up (the wide table) */
#define SYM_NONE 0xFFFFFFFFu
#define ONE_LEAF 0xFFFFFFFFu		/* Cell.one of a state without edges */
#define HAS_REPORT 0x80000000u	/* Cell.check: a label ends in the state or on its suffix chain */
#define FAIL_DEEP 0x40000000u	/* Cell.check: the state's failure link is not the root */
#define FAIL_ONE 0x20000000u	/* Cell.check: ... it is the root's edge for the state's own symbol */
#define CHECK_PARENT 0x1FFFFFFFu	/* Cell.check: the parent state + 1 */
#define MAX_CELLS 0x1FFFFFF0u	/* a parent + 1 fits CHECK_PARENT */
#define PLACE_TRIES 512			/* bases tried for a state's edges among the used cells */
#define N_TEMP 10				/* temporary tables of zp_matcher_build */

/*
 * A cell of the double array: a state, or free (check 0).  Eight bytes: the
 * cells an edge reads, the most of the scan's reads, pack twice as many to a
 * cache line as with the failure links beside them (struct Link, read only
 * when an edge is missing and the failure link is not the root).
 */
struct Cell
{
	uint32_t	base;			/* the edge for symbol c is cell base + c */
	uint32_t	check;			/* the parent state + 1 (0: free), | HAS_REPORT, FAIL_DEEP, FAIL_ONE */
};

/* A cell as one 64-bit value (one read), and its fields. */
static inline uint64_t
cell_bits(const struct Cell *c)
{
	uint64_t	v;

	memcpy(&v, c, sizeof(v));
	return v;
}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define CELL_BASE(v) ((uint32_t) ((v) >> 32))
#define CELL_CHECK(v) ((uint32_t) (v))
#else
#define CELL_BASE(v) ((uint32_t) (v))
#define CELL_CHECK(v) ((uint32_t) ((v) >> 32))
#endif

/*
 * The scan's next state and its cell: the edge (state edge, cell ce) if hit,
 * else the root's edge for sym (cell cr) if root_hit, else the root.  Masks,
 * not ?: (which the compiler may make branches the processor cannot foresee).
 */
static inline void
pick_next(int hit, uint32_t edge, uint64_t ce, int root_hit, uint32_t sym, uint64_t cr,
		  uint32_t *s, uint64_t *cur)
{
	const uint64_t hit_mask = (uint64_t) 0 - (uint64_t) hit,
				root_mask = ((uint64_t) 0 - (uint64_t) root_hit) & ~hit_mask;

	*s = (edge & (uint32_t) hit_mask) | (sym & (uint32_t) root_mask);
	*cur = (ce & hit_mask) | (cr & root_mask);
}

/* A state's failure link and its only edge, per cell (apart from struct Cell: see there). */
struct Link
{
	uint32_t	fail;
	uint32_t	one;			/* the symbol of the only edge; 0: several (look), ONE_LEAF: none */
};

/* What a report reads of a cell, together (one cache line, not three). */
struct Rep
{
	int32_t		head;			/* the first output, -1 = none */
	uint32_t	report;			/* the first state with outputs on the suffix chain (itself
								 * included), 0 = none */
	uint32_t	dict;			/* the next state with outputs on the fail chain, 0 = none */
};

/* An output of the automaton: a label that ends in a state. */
struct Out
{
	uint32_t	label;			/* the caller's id */
	int32_t		next;			/* the state's next output, -1 = none */
	uint16_t	chars;			/* label length in logical characters */
	uint8_t		kind;			/* bit 0: first char Han, 1: first alnum, 2: last Han, 3: last alnum,
								 * 4: all Han */
	uint8_t		pad;			/* 0 */
};

/* A label as added: its folded code points in the pool. */
struct Label
{
	uint32_t	off;
	uint32_t	id;
	uint16_t	n;
	uint8_t		kind;
};

/* A folded code point with a symbol outside the class table, and its symbol. */
struct Wide
{
	uint32_t	cp;
	uint32_t	sym;
};

struct ZpMatcher
{
	const ZpLexicon *lex;
	ZpAllocator mem;
	int			failed;
	int			built;
	int			borrowed;		/* the automaton's tables are an image's, not the matcher's */
	/* labels as added */
	uint32_t   *pool;
	size_t		n_pool;
	size_t		cap_pool;
	struct Label *labels;
	uint32_t	n_labels;
	uint32_t	cap_labels;
	/* the alphabet */
	uint16_t   *cls;			/* BMP code point of the text → symbol, CLS_NONE or CLS_ASK */
	uint32_t	n_syms;
	uint32_t	sym_space;		/* the symbol of ' ' (a white space run read as one space), or SYM_NONE */
	struct Wide *wide;			/* sorted by cp */
	uint32_t	n_wide;
	/* the automaton */
	struct Cell *cells;
	struct Link *links;			/* per cell */
	uint32_t	n_cells;
	struct Rep *reps;			/* per cell */
	/* outputs, one per label */
	uint32_t	n_out;
	struct Out *outs;			/* one a label; the fields a report reads, together */
	void	   *temp[N_TEMP];	/* zp_matcher_build's tables while it runs */
};

/* ---------------------------------------------------------------- the fold */

/* A document's layout, worked out when first needed. */
typedef struct LazyLayout
{
	ZpLayout	l;
	int			ready;
	const char *text;
	size_t		len;
	const ZpAllocator *mem;
} LazyLayout;

/* State of reading a text as logical characters. */
typedef struct FoldReader
{
	const ZpLexicon *lex;
	LazyLayout *layout;
	const unsigned char *text;
	size_t		len;
	size_t		pos;			/* next byte */
	size_t		chars;			/* code points consumed */
	int			prev_han;		/* the last logical character was Han */
	ZpTicker   *tick;			/* cancel checks in long white space runs */
} FoldReader;

/* zp_layout_gap_joins, working the layout out first if the gap holds a line break (only then is it read). */
static int
gap_joins(LazyLayout *ll, const unsigned char *text, size_t len, size_t gap, size_t gap_end)
{
	if (!ll->ready && gap_end > gap &&
		(memchr(text + gap, '\n', gap_end - gap) || memchr(text + gap, '\r', gap_end - gap)))
	{
		zp_layout_analyze(ll->text, ll->len, &ll->l, ll->mem);
		ll->ready = 1;
	}
	return zp_layout_gap_joins(&ll->l, (const char *) text, len, gap, gap_end);
}

/* Is cp white space to the tokenizer? */
static inline int
is_space(uint32_t cp)
{
	if (cp < 0x80)
		return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v';
	if (zp_is_han(cp))
		return 0;
	{
		ZpCharClass c = zp_char_class(cp);

		return c == ZP_CC_SPACE || c == ZP_CC_NEWLINE;
	}
}

/* Fold one non-space code point: width, ASCII case, Traditional→Simplified. */
static inline uint32_t
fold_cp(const ZpLexicon *lex, uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp;
	if (zp_is_han(cp))
		return lex ? zp_lex_simplify(lex, cp) : cp;
	cp = zp_fold_width(cp);
	return cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp;
}

/* Read the white space run at r->pos: through it (return 0) or as one space (return 1). */
static int
fold_space(FoldReader *r, uint32_t *out, size_t *bstart, size_t *bend, size_t *cstart)
{
	size_t		start = r->pos,
				q = start,
				c = 0;
	uint32_t	next = 0;

	while (q < r->len)
	{
		int			l = zp_utf8_decode(r->text + q, r->len - q, &next);

		if (!is_space(next))
			break;
		q += l;
		c++;
		zp_tick(r->tick);
	}
	if (r->prev_han && q < r->len && zp_is_han(next) &&
		gap_joins(r->layout, r->text, r->len, start, q))
	{
		r->pos = q;
		r->chars += c;
		return 0;
	}
	r->pos = q;
	*out = ' ';
	*bstart = start;
	*bend = q;
	*cstart = r->chars;
	r->chars += c;
	r->prev_han = 0;
	return 1;
}

/*
 * Next logical character: its folded code point, byte range and first code
 * point index.  Returns 0 at the end.  (Labels are read with it; the scan
 * inlines the common case and calls fold_space for white space.)
 */
static int
fold_next(FoldReader *r, uint32_t *out, size_t *bstart, size_t *bend, size_t *cstart)
{
	while (r->pos < r->len)
	{
		uint32_t	cp;
		size_t		start = r->pos;
		int			n = zp_utf8_decode(r->text + start, r->len - start, &cp);

		if (zp_is_han(cp))
		{
			r->pos += n;
			*out = r->lex ? zp_lex_simplify(r->lex, cp) : cp;
			*bstart = start;
			*bend = r->pos;
			*cstart = r->chars++;
			r->prev_han = 1;
			return 1;
		}
		if (!is_space(cp))
		{
			r->pos += n;
			*out = fold_cp(r->lex, cp);
			*bstart = start;
			*bend = r->pos;
			*cstart = r->chars++;
			r->prev_han = 0;
			return 1;
		}
		if (fold_space(r, out, bstart, bend, cstart))
			return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- building */

/* Allocate through the matcher's allocator, copying old contents; NULL marks failure. */
static void *
grow(ZpMatcher *m, void *old, size_t old_size, size_t new_size)
{
	void	   *p = m->mem.alloc(m->mem.ctx, new_size ? new_size : 1);

	if (!p)
	{
		m->failed = 1;
		return NULL;
	}
	memset(p, 0, new_size);
	if (old)
	{
		memcpy(p, old, old_size);
		m->mem.release(m->mem.ctx, old);
	}
	return p;
}

/* Release a buffer of the matcher if it has one, and forget it. */
static void
drop(ZpMatcher *m, void *pp)
{
	void	  **p = (void **) pp;

	if (*p)
		m->mem.release(m->mem.ctx, *p);
	*p = NULL;
}

ZpMatcher *
zp_matcher_new(const ZpLexicon *lex, const ZpAllocator *mem)
{
	ZpMatcher  *m = mem->alloc(mem->ctx, sizeof(ZpMatcher));

	if (!m)
		return NULL;
	memset(m, 0, sizeof(*m));
	m->lex = lex;
	m->mem = *mem;
	return m;
}

int
zp_matcher_add(ZpMatcher *m, const char *label, size_t len, uint32_t id)
{
	LazyLayout	flat = {{0, 0}, 1, label, len, &m->mem};
	ZpTicker	tick;
	FoldReader	r = {m->lex, &flat, (const unsigned char *) label, len, 0, 0, 0, &tick};
	uint32_t	cps[ZP_TAG_MAX_LABEL_CHARS];
	size_t		n = 0,
				bs,
				be,
				cs,
				i;
	uint32_t	cp;
	uint8_t		kind;

	if (m->failed || m->built || m->borrowed)
		return -1;
	zp_ticker_init(&tick, &m->mem);
	while (fold_next(&r, &cp, &bs, &be, &cs))
	{
		if (n == ZP_TAG_MAX_LABEL_CHARS)
			return -1;
		cps[n++] = cp;
	}
	while (n > 0 && cps[n - 1] == ' ')
		n--;					/* fold_next reads trailing white space as a space */
	if (n == 0 || cps[0] == ' ')
		return -1;
	if (m->n_pool + n > m->cap_pool)
	{
		size_t		cap = m->cap_pool ? m->cap_pool * 2 : 1024;

		while (cap < m->n_pool + n)
			cap *= 2;
		if (cap > UINT32_MAX || !(m->pool = grow(m, m->pool, m->n_pool * 4, cap * 4)))
			return -1;
		m->cap_pool = cap;
	}
	if (m->n_labels == m->cap_labels)
	{
		uint32_t	cap = m->cap_labels ? m->cap_labels * 2 : 256;

		if (cap <= m->cap_labels ||
			!(m->labels = grow(m, m->labels, (size_t) m->n_labels * sizeof(struct Label),
							   (size_t) cap * sizeof(struct Label))))
			return -1;
		m->cap_labels = cap;
	}
	kind = 16;
	for (i = 0; i < n; i++)
		if (!zp_is_han(cps[i]))
			kind = 0;
	if (zp_is_han(cps[0]))
		kind |= 1;
	else if (cps[0] < 0x80 && (zp_char_class(cps[0]) == ZP_CC_LATIN || zp_char_class(cps[0]) == ZP_CC_DIGIT))
		kind |= 2;
	if (zp_is_han(cps[n - 1]))
		kind |= 4;
	else if (cps[n - 1] < 0x80 &&
			 (zp_char_class(cps[n - 1]) == ZP_CC_LATIN || zp_char_class(cps[n - 1]) == ZP_CC_DIGIT))
		kind |= 8;
	memcpy(m->pool + m->n_pool, cps, n * sizeof(uint32_t));
	m->labels[m->n_labels].off = (uint32_t) m->n_pool;
	m->labels[m->n_labels].id = id;
	m->labels[m->n_labels].n = (uint16_t) n;
	m->labels[m->n_labels].kind = kind;
	m->n_labels++;
	m->n_pool += n;
	return 0;
}

/* A label still going on while the double array is built a depth at a time. */
struct Act
{
	uint32_t	label;
	uint32_t	off;			/* its symbols in the sorted copy */
	uint32_t	state;			/* the state it has reached */
	uint32_t	n;
};

/* What zp_matcher_build works with (its tables are the matcher's temp[]). */
typedef struct Builder
{
	ZpMatcher  *m;
	ZpTicker	tick;
	uint32_t   *syms;			/* the pool in symbols */
	uint32_t	cap_cells;
	uint32_t   *free_from;		/* per cell: a cell at or after it that may be free (see next_free) */
	uint32_t	top;			/* every cell from here on is free */
	uint32_t	multi_from;		/* where the search for a state with several edges starts */
} Builder;

/* Allocate a zeroed temporary table of zp_matcher_build in slot k (the matcher owns it). */
static void *
temp_alloc(ZpMatcher *m, int k, size_t size)
{
	drop(m, &m->temp[k]);
	m->temp[k] = grow(m, NULL, 0, size);
	return m->temp[k];
}

/* Release the automaton and the temporary tables (before a build, and after a cancelled one). */
static void
release_automaton(ZpMatcher *m)
{
	int			k;

	for (k = 0; k < N_TEMP; k++)
		drop(m, &m->temp[k]);
	if (m->borrowed)
	{
		/* an image's tables: not the matcher's to free */
		m->cls = NULL;
		m->wide = NULL;
		m->cells = NULL;
		m->links = NULL;
		m->reps = NULL;
		m->outs = NULL;
		m->borrowed = 0;
	}
	drop(m, &m->cls);
	drop(m, &m->wide);
	drop(m, &m->cells);
	drop(m, &m->links);
	drop(m, &m->reps);
	drop(m, &m->outs);
	m->n_wide = 0;
	m->n_cells = 0;
	m->n_syms = 0;
	m->n_out = 0;
}

/* qsort comparator of Wide entries by code point. */
static int
by_cp(const void *a, const void *b)
{
	uint32_t	x = ((const struct Wide *) a)->cp,
				y = ((const struct Wide *) b)->cp;

	return x < y ? -1 : x > y;
}

/* qsort comparator of 64-bit keys. */
static int
by_key(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *) a,
				y = *(const uint64_t *) b;

	return x < y ? -1 : x > y;
}

/* The symbol of a code point in the wide table, or SYM_NONE. */
static uint32_t
wide_symbol(const struct Wide *w, uint32_t n, uint32_t cp)
{
	uint32_t	lo = 0,
				hi = n;

	while (lo < hi)
	{
		uint32_t	mid = lo + (hi - lo) / 2;

		if (w[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && w[lo].cp == cp ? w[lo].sym : SYM_NONE;
}

/* Set the class of a text code point that is not white space: the symbol of its folded form. */
static void
set_class(ZpMatcher *m, const uint32_t *symmap, uint32_t raw)
{
	uint32_t	f = fold_cp(m->lex, raw),
				s = f < BMP ? (symmap[f] ? symmap[f] : SYM_NONE) : wide_symbol(m->wide, m->n_wide, f);

	m->cls[raw] = s == SYM_NONE ? CLS_NONE : s <= CLS_MAX ? (uint16_t) s : CLS_ASK;
}

/* The alphabet: symbols for the labels' code points, the class table, the pool rewritten in symbols. */
static int
build_alphabet(Builder *b)
{
	ZpMatcher  *m = b->m;
	uint32_t   *symmap = temp_alloc(m, 0, BMP * sizeof(uint32_t));
	struct Wide *w = NULL;
	size_t		i,
				n_big = 0;
	uint32_t	cp,
				n_w = 0;
	static const uint32_t ranges[][2] = {
		{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}, {0x3007, 0x3007},	/* Han */
		{0xFF01, 0xFF65}, {0x3001, 0x303F}, {0x2010, 0x205E}, {0x00A1, 0x00FF}	/* punctuation, width */
	};

	if (!symmap)
		return -1;
	/* symbols by frequency in the labels: a node's edges then have close symbols, the array packs */
	{
		uint64_t   *order = temp_alloc(m, 1, ((m->n_pool < BMP ? m->n_pool : BMP) + 1) * sizeof(uint64_t));
		uint32_t	n_distinct = 0,
					r;

		if (!order)
			return -1;
		for (i = 0; i < m->n_pool; i++)
		{
			cp = m->pool[i];
			if (cp >= BMP)
				n_big++;
			else if (symmap[cp]++ == 0)
				order[n_distinct++] = cp;
			zp_tick(&b->tick);
		}
		for (r = 0; r < n_distinct; r++)
			order[r] |= (uint64_t) (UINT32_MAX - symmap[order[r]]) << 32;
		qsort(order, n_distinct, sizeof(uint64_t), by_key);
		for (r = 0; r < n_distinct; r++)
			symmap[(uint32_t) order[r]] = r + 1;
		m->n_syms = n_distinct;
		if (n_distinct > CLS_MAX)
			n_big += n_distinct - CLS_MAX;
		drop(m, &m->temp[1]);
	}
	/* the wide table: code points beyond the BMP, and symbols too large for the class table */
	if (n_big > 0)
	{
		uint32_t	n = 0;

		w = temp_alloc(m, 1, n_big * sizeof(struct Wide));
		if (!w)
			return -1;
		for (i = 0; i < m->n_pool; i++)
			if (m->pool[i] >= BMP)
				w[n++].cp = m->pool[i];
		qsort(w, n, sizeof(struct Wide), by_cp);
		for (i = 0; i < n; i++)
			if (n_w == 0 || w[n_w - 1].cp != w[i].cp)
			{
				w[n_w].cp = w[i].cp;
				w[n_w++].sym = ++m->n_syms;
			}
		for (cp = 0; cp < BMP; cp++)
			if (symmap[cp] > CLS_MAX)
			{
				w[n_w].cp = cp;
				w[n_w++].sym = symmap[cp];
			}
		qsort(w, n_w, sizeof(struct Wide), by_cp);
		if (!(m->wide = grow(m, NULL, 0, n_w * sizeof(struct Wide))))
			return -1;
		memcpy(m->wide, w, n_w * sizeof(struct Wide));
		m->n_wide = n_w;
	}
	if (!(b->syms = temp_alloc(m, 9, (m->n_pool + 1) * sizeof(uint32_t))))
		return -1;
	for (i = 0; i < m->n_pool; i++)
		b->syms[i] = m->pool[i] < BMP ? symmap[m->pool[i]] : wide_symbol(m->wide, m->n_wide, m->pool[i]);
	m->sym_space = symmap[' '] ? symmap[' '] : SYM_NONE;
	/* the class table: CLS_ASK (white space, and what is not precomputed) unless set here */
	if (!(m->cls = grow(m, NULL, 0, BMP * sizeof(uint16_t))))
		return -1;
	for (cp = 0; cp < BMP; cp++)
		m->cls[cp] = CLS_ASK;
	for (cp = 0; cp < 0x80; cp++)
		if (!is_space(cp))
			set_class(m, symmap, cp);
	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		for (cp = ranges[i][0]; cp <= ranges[i][1]; cp++)
		{
			if (i >= 4 && !is_space(cp))
				set_class(m, symmap, cp);
			else if (i < 4)
			{
				/* Han: in no label, unless it folds to another character (set here) or is a label's */
				m->cls[cp] = CLS_NONE;
				if (m->lex && zp_lex_simplify(m->lex, cp) != cp)
					set_class(m, symmap, cp);
			}
		}
	for (cp = 0x80; cp < BMP; cp++)
		if (symmap[cp] && !is_space(cp))
			set_class(m, symmap, cp);	/* the labels' own characters */
	drop(m, &m->temp[0]);
	drop(m, &m->temp[1]);
	return 0;
}

/* Make the double array (and the tables per cell) hold at least need cells, the new ones free. */
static int
ensure_cells(Builder *b, uint64_t need)
{
	ZpMatcher  *m = b->m;
	uint64_t	cap = b->cap_cells,
				c;
	size_t		o = b->cap_cells;

	if (need <= cap)
		return 0;
	cap = cap + cap / 2 > need ? cap + cap / 2 : need + need / 8 + 64;
	if (cap > MAX_CELLS && need <= MAX_CELLS)
		cap = MAX_CELLS;
	if (cap > MAX_CELLS ||
		!(m->cells = grow(m, m->cells, o * sizeof(struct Cell), (size_t) cap * sizeof(struct Cell))) ||
		!(m->links = grow(m, m->links, o * sizeof(struct Link), (size_t) cap * sizeof(struct Link))) ||
		!(m->reps = grow(m, m->reps, o * sizeof(struct Rep), (size_t) cap * sizeof(struct Rep))) ||
		!(m->temp[7] = b->free_from = grow(m, b->free_from, o * 4, (size_t) (cap + 1) * 4)))
		return -1;
	for (c = o; c <= cap; c++)
		b->free_from[c] = (uint32_t) c; /* the new cells are free; cap itself: the end */
	for (c = o; c < cap; c++)
		m->reps[c].head = -1;
	b->cap_cells = (uint32_t) cap;
	return 0;
}

/*
 * The first free cell at or after p (cap_cells if none): free_from links each
 * used cell to a later one, and the walk shortens the links it follows, so a
 * long stretch of used cells is skipped in one step the next time.
 */
static uint32_t
next_free(Builder *b, uint32_t p)
{
	uint32_t	q = p,
				r;

	while (q < b->cap_cells && (b->m->cells[q].check != 0 || q == 0))
		q = b->free_from[q] > q ? b->free_from[q] : q + 1;
	while (p < q && (r = b->free_from[p]) < q)
	{
		b->free_from[p] = q;
		p = r > p ? r : p + 1;
	}
	return q;
}

/* Make cell p a state, child of parent, without edges yet. */
static void
take_cell(Builder *b, uint32_t p, uint32_t parent)
{
	b->m->cells[p].check = parent + 1;
	b->m->links[p].one = ONE_LEAF;
	b->free_from[p] = p + 1;
	if (p >= b->top)
		b->top = p + 1;
}

/* Does label x sort before label y (by symbols; a prefix first; equal: by order of adding)? */
static int
label_before(const Builder *b, uint32_t x, uint32_t y)
{
	const struct Label *lx = &b->m->labels[x],
			   *ly = &b->m->labels[y];
	const uint32_t *sx = b->syms + lx->off,
			   *sy = b->syms + ly->off;
	uint32_t	n = lx->n < ly->n ? lx->n : ly->n,
				k;

	for (k = 0; k < n; k++)
		if (sx[k] != sy[k])
			return sx[k] < sy[k];
	return lx->n != ly->n ? lx->n < ly->n : x < y;
}

/* The sort key of a label: its first three symbols (0 past its end), 21 bits each. */
static uint64_t
label_key(const Builder *b, uint32_t x)
{
	const struct Label *l = &b->m->labels[x];
	const uint32_t *s = b->syms + l->off;

	return ((uint64_t) s[0] << 42) | ((uint64_t) (l->n > 1 ? s[1] : 0) << 21) | (l->n > 2 ? s[2] : 0);
}

/*
 * Sort label numbers a[0..n) with label_before: a radix sort (11 bits a
 * pass, stable) on the keys of the first three symbols, then insertion sort
 * within each run of equal keys (short: labels that share three symbols).
 * keys and tmp hold n entries each.
 */
static void
sort_labels(Builder *b, uint32_t *a, uint32_t *tmp, uint64_t *keys, uint64_t *ktmp, uint32_t n)
{
	uint32_t	count[2048],
				i,
				shift;

	for (i = 0; i < n; i++)
		keys[i] = label_key(b, a[i]);
	for (shift = 0; shift < 63; shift += 11)
	{
		uint32_t	sum = 0,
					c;

		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(keys[i] >> shift) & 2047]++;
		for (c = 0; c < 2048; c++)
		{
			uint32_t	t = count[c];

			count[c] = sum;
			sum += t;
		}
		for (i = 0; i < n; i++)
		{
			uint32_t	to = count[(keys[i] >> shift) & 2047]++;

			ktmp[to] = keys[i];
			tmp[to] = a[i];
		}
		memcpy(keys, ktmp, (size_t) n * sizeof(uint64_t));
		memcpy(a, tmp, (size_t) n * sizeof(uint32_t));
		zp_tick(&b->tick);
	}
	for (i = 1; i < n; i++)
	{
		uint32_t	x = a[i],
					j = i;

		while (j > 0 && keys[j - 1] == keys[i] && label_before(b, x, a[j - 1]))
		{
			a[j] = a[j - 1];
			j--;
		}
		a[j] = x;
		zp_tick(&b->tick);
	}
}

/* A base for the edges kids[0..k) (ascending symbols) of a state: the first that fits among free cells. */
static int
find_base(Builder *b, const uint32_t *kids, uint32_t k, uint32_t *lo, uint32_t *base)
{
	ZpMatcher  *m = b->m;
	uint32_t	cmin = kids[0],
				tries = 0,
				p;

	*lo = next_free(b, *lo);
	p = k > 1 && b->multi_from > *lo ? b->multi_from : *lo;
	for (p = next_free(b, cmin > p ? cmin : p);; p = next_free(b, p + 1))
	{
		uint32_t	q;

		/* after a few misfits, past the last used cell, where every cell is free */
		if (++tries == PLACE_TRIES && p < b->top + cmin)
			p = b->top + cmin;
		if ((uint64_t) p + m->n_syms + 1 >= b->cap_cells)
		{
			if (ensure_cells(b, (uint64_t) p + m->n_syms + 2) != 0)
				return -1;
			p = next_free(b, p);
		}
		for (q = 1; q < k && m->cells[p - cmin + kids[q]].check == 0; q++)
			;
		if (q >= k)
			break;
		zp_tick(&b->tick);
	}
	/* the cells passed over were too full for several edges: the next such search starts here */
	if (k > 1 && tries > 8)
		b->multi_from = p;
	*base = p - cmin;
	return 0;
}

/*
 * The failure link of the new state v, child of u (not the root) by sym:
 * the state of the longest proper suffix; then its suffix chain.
 */
static void
link_state(ZpMatcher *m, uint32_t u, uint32_t v, uint32_t sym)
{
	uint32_t	f = 0;

	if (u != 0)
	{
		for (f = m->links[u].fail;; f = m->links[f].fail)
		{
			uint32_t	t = m->cells[f].base + sym;

			if (m->cells[t].check == f + 1)
			{
				f = t;
				break;
			}
			if (f == 0)
				break;
		}
	}
	m->links[v].fail = f;
	m->reps[v].dict = m->reps[f].head >= 0 ? f : m->reps[f].dict;
}

int
zp_matcher_build(ZpMatcher *m)
{
	Builder		b;
	uint64_t   *keys,
			   *ktmp;
	struct Act *acts;
	uint32_t   *ssyms;
	uint32_t   *act,
			   *state,
			   *end_cell,
			   *kids;
	uint32_t	n_act,
				d,
				j,
				lo = 1,			/* every cell below is used */
				max_base = 0;
	size_t		i;

	if (m->failed || m->borrowed)
		return -1;
	release_automaton(m);		/* a rebuild, or what a cancelled build left */
	m->built = 0;
	memset(&b, 0, sizeof(b));
	b.m = m;
	zp_ticker_init(&b.tick, &m->mem);
	if (build_alphabet(&b) != 0)
		return -1;

	/* the labels in the order of their symbols: the states of each depth, in order, come in runs */
	act = temp_alloc(m, 2, ((size_t) m->n_labels + 1) * sizeof(uint32_t));
	state = temp_alloc(m, 3, ((size_t) m->n_labels + 1) * sizeof(uint32_t));
	end_cell = temp_alloc(m, 4, ((size_t) m->n_labels + 1) * sizeof(uint32_t));
	kids = temp_alloc(m, 5, ((size_t) m->n_syms + 1) * sizeof(uint32_t));
	keys = temp_alloc(m, 6, ((size_t) m->n_labels + 1) * sizeof(uint64_t));
	ktmp = temp_alloc(m, 8, ((size_t) m->n_labels + 1) * sizeof(uint64_t));
	if (!act || !state || !end_cell || !kids || !keys || !ktmp)
		return -1;
	for (j = 0; j < m->n_labels; j++)
		act[j] = j;
	sort_labels(&b, act, state, keys, ktmp, m->n_labels);
	drop(m, &m->temp[6]);
	drop(m, &m->temp[8]);
	/* the number of states: one for each symbol of a label past what it shares with the one before */
	{
		uint64_t	n_states = 1;

		for (j = 0; j < m->n_labels; j++)
		{
			const struct Label *l = &m->labels[act[j]];
			uint32_t	shared = 0;

			if (j > 0)
			{
				const struct Label *p = &m->labels[act[j - 1]];

				while (shared < l->n && shared < p->n &&
					   b.syms[l->off + shared] == b.syms[p->off + shared])
					shared++;
			}
			n_states += l->n - shared;
		}
		/* room for the states, and for some free cells among them */
		if (ensure_cells(&b, n_states + n_states / 16 + 2 * (uint64_t) m->n_syms + 64) != 0)
			return -1;
	}
	/* the labels still going on, in that order, each with its symbols (copied in that order too) */
	acts = temp_alloc(m, 6, ((size_t) m->n_labels + 1) * sizeof(struct Act));
	ssyms = temp_alloc(m, 8, (m->n_pool + 1) * sizeof(uint32_t));
	if (!acts || !ssyms)
		return -1;
	{
		size_t		off = 0;

		for (j = 0; j < m->n_labels; j++)
		{
			const struct Label *l = &m->labels[act[j]];

			acts[j].label = act[j];
			acts[j].off = (uint32_t) off;
			acts[j].n = l->n;
			acts[j].state = 0;	/* at the root */
			memcpy(ssyms + off, b.syms + l->off, (size_t) l->n * sizeof(uint32_t));
			off += l->n;
		}
	}
	m->links[0].one = ONE_LEAF;
	n_act = m->n_labels;

	/*
	 * The double array, a depth at a time (breadth first): the labels still
	 * going on (sorted) that share a state at depth d - 1 are a run, and
	 * within it those that share the next symbol; each run's symbols are the
	 * edges of the state, placed together.
	 */
	for (d = 1; n_act > 0; d++)
	{
		uint32_t	x = 0,
					kept = 0;

		while (x < n_act)
		{
			uint32_t	u = acts[x].state,
						g = x,
						k = 0,
						base = 0,
						y;

			while (g < n_act && acts[g].state == u)
			{
				uint32_t	sym = ssyms[acts[g].off + d - 1];

				if (k == 0 || kids[k - 1] != sym)
					kids[k++] = sym;
				g++;
			}
			if (u != 0 && find_base(&b, kids, k, &lo, &base) != 0)
				return -1;
			m->cells[u].base = base;
			m->links[u].one = k == 1 ? kids[0] : 0;
			if (base > max_base)
				max_base = base;
			for (y = 0; y < k; y++)
			{
				take_cell(&b, base + kids[y], u);
				link_state(m, u, base + kids[y], kids[y]);
			}
			for (y = x; y < g; y++)
			{
				struct Act	a = acts[y];
				uint32_t	v = base + ssyms[a.off + d - 1];

				if (a.n == d)
				{
					end_cell[a.label] = v;
					m->reps[v].head = 0;	/* has an output (the lists are made below) */
				}
				else
				{
					a.state = v;
					acts[kept++] = a;
				}
			}
			x = g;
			zp_tick(&b.tick);
		}
		n_act = kept;
	}
	/* every base + symbol falls inside the array */
	if (ensure_cells(&b, (uint64_t) max_base + m->n_syms + 1) != 0)
		return -1;
	m->n_cells = b.cap_cells;

	/* outputs: a state's in the reverse order of adding */
	m->outs = grow(m, NULL, 0, ((size_t) m->n_labels + 1) * sizeof(struct Out));
	if (!m->outs)
		return -1;
	for (j = 0; j < m->n_labels; j++)
		m->reps[end_cell[j]].head = -1;
	for (j = 0; j < m->n_labels; j++)
	{
		uint32_t	s = end_cell[j];

		m->outs[j].label = m->labels[j].id;
		m->outs[j].chars = m->labels[j].n;
		m->outs[j].kind = m->labels[j].kind;
		m->outs[j].next = m->reps[s].head;
		m->reps[s].head = (int32_t) j;
	}
	m->n_out = m->n_labels;
	for (i = 0; i < m->n_cells; i++)
	{
		m->reps[i].report = m->reps[i].head >= 0 ? (uint32_t) i : m->reps[i].dict;
		if (i == 0)
			m->reps[0].report = 0;
		if (m->reps[i].report != 0)
			m->cells[i].check |= HAS_REPORT;
		if (m->cells[i].check != 0 && m->links[i].fail != 0)
		{
			m->cells[i].check |= FAIL_DEEP;
			/* to a state of depth one: the root's edge for the state's own symbol */
			if ((m->cells[m->links[i].fail].check & CHECK_PARENT) == 1)
				m->cells[i].check |= FAIL_ONE;
		}
	}
	for (j = 0; j < N_TEMP; j++)
		drop(m, &m->temp[j]);
	m->built = 1;
	return 0;
}

void
zp_matcher_free(ZpMatcher *m)
{
	if (!m)
		return;
	release_automaton(m);
	drop(m, &m->pool);
	drop(m, &m->labels);
	m->mem.release(m->mem.ctx, m);
}

/* ---------------------------------------------------------------- images */

/*
 * The image: a header, then the tables of the automaton, each starting at a
 * multiple of 8 bytes: cls (BMP x 2 bytes), wide, cells, links, reps (per
 * cell), outs (per output).
 */
#define IMAGE_MAGIC 0x5A50414Du	/* "ZPAM" */
#define IMAGE_VERSION 2			/* 2: cells of 8 bytes, links apart */

struct ImageHeader
{
	uint32_t	magic;
	uint32_t	version;
	uint32_t	n_syms;
	uint32_t	sym_space;
	uint32_t	n_wide;
	uint32_t	n_cells;
	uint32_t	n_out;
	uint32_t	cell_size;		/* sizeof(struct Cell): the layout of this build */
};

/* Where each table of an image of these sizes starts, and the image's length. */
typedef struct ImageLayout
{
	size_t		cls,
				wide,
				cells,
				links,
				reps,
				outs,
				len;
} ImageLayout;

/* The layout of an image; 0 when the sizes overflow. */
static int
image_layout(uint64_t n_wide, uint64_t n_cells, uint64_t n_out, ImageLayout *l)
{
	uint64_t	p = sizeof(struct ImageHeader);

	if (n_wide > UINT32_MAX || n_cells > UINT32_MAX || n_out > UINT32_MAX)
		return 0;
	l->cls = zp_image_place(&p, (uint64_t) BMP * sizeof(uint16_t));
	l->wide = zp_image_place(&p, n_wide * sizeof(struct Wide));
	l->cells = zp_image_place(&p, n_cells * sizeof(struct Cell));
	l->links = zp_image_place(&p, n_cells * sizeof(struct Link));
	l->reps = zp_image_place(&p, n_cells * sizeof(struct Rep));
	l->outs = zp_image_place(&p, n_out * sizeof(struct Out));
	p = zp_image_align(p);
	if (p > SIZE_MAX)
		return 0;
	l->len = (size_t) p;
	return 1;
}

size_t
zp_matcher_image_size(const ZpMatcher *m)
{
	ImageLayout l;

	if (!m->built || !image_layout(m->n_wide, m->n_cells, m->n_out, &l))
		return 0;
	return l.len;
}

int
zp_matcher_write_image(const ZpMatcher *m, void *buf, size_t len)
{
	ImageLayout l;
	struct ImageHeader h;
	char	   *b = buf;

	if (!m->built || !image_layout(m->n_wide, m->n_cells, m->n_out, &l) || len != l.len)
		return -1;
	memset(buf, 0, len);
	h.magic = IMAGE_MAGIC;
	h.version = IMAGE_VERSION;
	h.n_syms = m->n_syms;
	h.sym_space = m->sym_space;
	h.n_wide = m->n_wide;
	h.n_cells = m->n_cells;
	h.n_out = m->n_out;
	h.cell_size = sizeof(struct Cell);
	memcpy(b, &h, sizeof(h));
	memcpy(b + l.cls, m->cls, (size_t) BMP * sizeof(uint16_t));
	if (m->n_wide)
		memcpy(b + l.wide, m->wide, m->n_wide * sizeof(struct Wide));
	memcpy(b + l.cells, m->cells, (size_t) m->n_cells * sizeof(struct Cell));
	memcpy(b + l.links, m->links, (size_t) m->n_cells * sizeof(struct Link));
	memcpy(b + l.reps, m->reps, (size_t) m->n_cells * sizeof(struct Rep));
	if (m->n_out)
	{
		memcpy(b + l.outs, m->outs, (size_t) m->n_out * sizeof(struct Out));
	}
	return 0;
}

/* Is a symbol one the scan may look up (1..n_syms)? */
static inline int
sym_ok(const ZpMatcher *m, uint32_t s)
{
	return s >= 1 && s <= m->n_syms;
}

/*
 * Check the tables of an image-backed matcher: what the scan reads must stay
 * in bounds and every loop of the scan end.  depth is n_cells scratch entries.
 * Returns NULL when valid, else what is wrong.
 */
static const char *
check_image(const ZpMatcher *m, uint32_t max_labels, uint16_t *depth)
{
	/* locals: the tables do not alias depth, and the compiler then need not reload them */
	const struct Cell *cells = m->cells;
	const struct Link *links = m->links;
	const struct Rep *reps = m->reps;
	const struct Out *outs = m->outs;
	const uint16_t *cls = m->cls;
	const uint32_t n = m->n_cells,
				n_syms = m->n_syms,
				n_out = m->n_out;
	uint32_t	i;

	if (n < n_syms + 2)
		return "fewer cells than symbols";
	if (m->sym_space != SYM_NONE && !sym_ok(m, m->sym_space))
		return "the symbol of a space is out of range";
	for (i = 0; i < BMP; i++)
		if ((uint32_t) (cls[i] - 1) >= n_syms && cls[i] != CLS_NONE && cls[i] != CLS_ASK)
			return "a class is out of range";
	for (i = 0; i < m->n_wide; i++)
		if (!sym_ok(m, m->wide[i].sym) || (i > 0 && m->wide[i - 1].cp >= m->wide[i].cp))
			return "the wide table is not a sorted table of symbols";
	/* an output list only goes to earlier outputs: every list ends, inside the table */
	for (i = 0; i < n_out; i++)
		if (outs[i].next < -1 || (outs[i].next >= 0 && (uint32_t) outs[i].next >= i))
			return "an output list is not in order";
	/* depth of every state through its parent (check - 1), at most ZP_TAG_MAX_LABEL_CHARS */
	memset(depth, 0xFF, (size_t) n * sizeof(uint16_t));
	depth[0] = 0;
	for (i = 1; i < n; i++)
	{
		uint32_t	v = i,
					steps = 0,
					d;

		if ((cells[i].check & CHECK_PARENT) == 0 || depth[i] != 0xFFFF)
			continue;			/* free (never entered: a state's check is at least 1), or done */
		/* walk up to a state of known depth */
		while (depth[v] == 0xFFFF)
		{
			uint32_t	p = (cells[v].check & CHECK_PARENT);

			if (p == 0 || p - 1 >= n || ++steps > ZP_TAG_MAX_LABEL_CHARS)
				return "a state's parent chain is broken";
			v = p - 1;
		}
		d = depth[v] + steps;
		if (d > ZP_TAG_MAX_LABEL_CHARS)
			return "a state is too deep";
		/* then down again, setting the depths on the way */
		for (v = i; depth[v] == 0xFFFF; v = (cells[v].check & CHECK_PARENT) - 1)
			depth[v] = (uint16_t) d--;
	}
	for (i = 0; i < n; i++)
	{
		const struct Cell *c = &cells[i];
		const struct Link *k = &links[i];
		int32_t		o;
		uint32_t	dep = depth[i];

		if (reps[i].head < -1 || (reps[i].head >= 0 && (uint32_t) reps[i].head >= n_out))
			return "an output list is out of range";
		if (dep == 0xFFFF)
		{
			if (c->check != 0)
				return "a free cell has flags";
			continue;			/* free */
		}
		if ((uint64_t) c->base + n_syms >= n)
			return "a state's edges lie past the array";
		if (k->one != 0 && k->one != ONE_LEAF &&
			(k->one - 1 >= n_syms || (cells[c->base + k->one].check & CHECK_PARENT) != i + 1))
			return "a state's only edge is wrong";
		if (i != 0 && (k->fail >= n || depth[k->fail] >= dep))
			return "a failure link does not go to a shallower state";
		if (((c->check & FAIL_DEEP) != 0) != (i != 0 && k->fail != 0))
			return "a state's failure flag is wrong";
		/* the scan takes FAIL_ONE's link to be the state's own symbol, which is the root's edge */
		if (((c->check & FAIL_ONE) != 0) !=
			(i != 0 && k->fail != 0 && k->fail < n && (cells[k->fail].check & CHECK_PARENT) == 1 &&
			 k->fail == i - cells[(c->check & CHECK_PARENT) - 1].base))
			return "a state's failure flag is wrong";
		if (reps[i].dict != 0 && (reps[i].dict >= n || depth[reps[i].dict] >= dep))
			return "an output link does not go to a shallower state";
		if (reps[i].report != 0 && reps[i].report != i && reps[i].report != reps[i].dict)
			return "a report link is wrong";
		if (((c->check & HAS_REPORT) != 0) != (i != 0 && reps[i].report != 0))
			return "a state's report flag is wrong";
		/* outs[].next only goes to earlier outputs (checked above): the list ends */
		for (o = reps[i].head; o >= 0; o = outs[o].next)
			if (outs[o].chars != dep || outs[o].label >= max_labels)
				return "an output is wrong";
	}
	return NULL;
}

ZpMatcher *
zp_matcher_open_image(const void *buf, size_t len, uint32_t max_labels,
					  const ZpLexicon *lex, const ZpAllocator *mem, const char **why)
{
	struct ImageHeader h;
	ImageLayout l;
	const char *b = buf;
	ZpMatcher  *m;
	uint16_t   *depth;

	*why = NULL;
	if (((uintptr_t) buf & 7) != 0)
	{
		*why = "the image is not aligned";
		return NULL;
	}
	if (len < sizeof(h))
	{
		*why = "the image is truncated";
		return NULL;
	}
	memcpy(&h, b, sizeof(h));
	if (h.magic != IMAGE_MAGIC || h.version != IMAGE_VERSION || h.cell_size != sizeof(struct Cell))
	{
		*why = "the image is not of this version";
		return NULL;
	}
	if (!image_layout(h.n_wide, h.n_cells, h.n_out, &l) || l.len != len)
	{
		*why = "the image's length does not match its header";
		return NULL;
	}
	if (h.n_syms > UINT32_MAX / 2)
	{
		*why = "too many symbols";
		return NULL;
	}
	m = zp_matcher_new(lex, mem);
	if (!m)
		return NULL;
	m->built = 1;
	m->borrowed = 1;
	m->n_syms = h.n_syms;
	m->sym_space = h.sym_space;
	m->n_wide = h.n_wide;
	m->n_cells = h.n_cells;
	m->n_out = h.n_out;
	m->cls = (uint16_t *) (b + l.cls);
	m->wide = (struct Wide *) (b + l.wide);
	m->cells = (struct Cell *) (b + l.cells);
	m->links = (struct Link *) (b + l.links);
	m->reps = (struct Rep *) (b + l.reps);
	m->outs = (struct Out *) (b + l.outs);
	depth = mem->alloc(mem->ctx, (size_t) h.n_cells * sizeof(uint16_t) + 2);
	if (!depth)
	{
		zp_matcher_free(m);
		return NULL;
	}
	*why = check_image(m, max_labels, depth);
	mem->release(mem->ctx, depth);
	if (*why)
	{
		zp_matcher_free(m);
		return NULL;
	}
	return m;
}

/* Token boundaries of one run of Chinese text, cached while matches stay in it. */
typedef struct RunCache
{
	size_t		start;
	size_t		end;			/* 0 = empty cache */
	int			enormous;		/* RUN_MAX bytes or more: no boundary check */
	int			tokenized;		/* bounds holds the run's token boundaries */
	uint64_t	used;			/* when it was last asked (least recently used is replaced) */
	size_t	   *bounds;			/* sorted byte offsets */
	size_t		n;
	size_t		cap;
} RunCache;

/* The scan's context. */
typedef struct ScanCtx
{
	const ZpMatcher *m;
	const ZpAllocator *mem;		/* the scratch allocator: everything the scan holds */
	const unsigned char *text;
	size_t		len;
	LazyLayout *layout;
	RunCache	runs[RUN_CACHE];
	uint64_t	clock;
	int			failed;
	ZpTokenizer tk;				/* reused for every run, buffers of ZP_CHUNK_CHARS */
	int			tk_ready;
} ScanCtx;

/*
 * Do the three bytes at t encode a character of U+4E00..U+9FFF (Han, the
 * most of Chinese text)?  The walks' test without decoding; the rest decode.
 */
static inline int
common_han(const unsigned char *t)
{
	return ((t[0] >= 0xE5 && t[0] <= 0xE9) || (t[0] == 0xE4 && t[1] >= 0xB8)) &&
		(t[1] & 0xC0) == 0x80 && (t[2] & 0xC0) == 0x80;
}

/* Byte where the code point ending at p starts. */
static size_t
cp_start_before(const unsigned char *t, size_t p)
{
	size_t		s = p - 1;

	while (s > 0 && p - s < 4 && (t[s] & 0xC0) == 0x80)
		s--;
	return s;
}

/*
 * The run of Chinese text (with the white space the parser reads through)
 * around the Han char at b: [*rs, *re).  The walk goes forward first, then
 * back, RUN_MAX bytes in all; returns 1 if the run is at least that long
 * (then [*rs, *re) is the part walked: every Han character in it belongs to
 * the same enormous run).  A white space gap longer than GAP_MAX never joins
 * a run (the tokenizer reads through at most 17 bytes), so no gap is walked
 * further than that.
 */
static int
run_bounds(const ScanCtx *x, size_t b, size_t *rs, size_t *re)
{
	const unsigned char *t = x->text;
	size_t		s = b,
				e = b;
	uint32_t	cp;

	/* forward */
	while (e < x->len)
	{
		int			n;

		if (e - b >= RUN_MAX)
			goto enormous;
		if (x->len - e >= 3 && common_han(t + e))
		{
			e += 3;
			continue;
		}
		n = zp_utf8_decode(t + e, x->len - e, &cp);
		if (zp_is_han(cp))
		{
			e += n;
			continue;
		}
		if (is_space(cp))
		{
			size_t		q = e;

			while (q < x->len && q - e <= GAP_MAX)
			{
				int			l = zp_utf8_decode(t + q, x->len - q, &cp);

				if (!is_space(cp))
					break;
				q += l;
			}
			if (q - e <= GAP_MAX && q < x->len && zp_is_han(cp) &&
				gap_joins(x->layout, t, x->len, e, q))
			{
				e = q;
				continue;
			}
		}
		break;
	}
	/* backward */
	while (s > 0)
	{
		size_t		p;

		if (e - s >= RUN_MAX)
			goto enormous;
		if (s >= 3 && common_han(t + s - 3))
		{
			s -= 3;
			continue;
		}
		p = cp_start_before(t, s);
		zp_utf8_decode(t + p, x->len - p, &cp);
		if (zp_is_han(cp))
		{
			s = p;
			continue;
		}
		if (is_space(cp))
		{
			size_t		ws = p,
						hp;

			while (ws > 0 && s - ws <= GAP_MAX)
			{
				size_t		q = cp_start_before(t, ws);

				zp_utf8_decode(t + q, x->len - q, &cp);
				if (!is_space(cp))
					break;
				ws = q;
			}
			if (ws == 0 || s - ws > GAP_MAX)
				break;
			hp = cp_start_before(t, ws);
			zp_utf8_decode(t + hp, x->len - hp, &cp);
			if (zp_is_han(cp) && gap_joins(x->layout, t, x->len, ws, s))
			{
				s = hp;
				continue;
			}
		}
		break;
	}
	*rs = s;
	*re = e;
	return 0;
enormous:
	*rs = s;
	*re = e;
	return 1;
}

/*
 * The run that holds the Han character at han, from the cache or walked now
 * (its bounds only: its tokens are made when a match needs them, run_tokens).
 */
static RunCache *
find_run(ScanCtx *x, size_t han)
{
	RunCache   *rc = NULL;
	size_t		rs,
				re;
	int			i;

	for (i = 0; i < RUN_CACHE && !rc; i++)
		if (x->runs[i].end != 0 && han >= x->runs[i].start && han < x->runs[i].end)
			rc = &x->runs[i];
	if (!rc)
	{
		rc = &x->runs[0];
		for (i = 1; i < RUN_CACHE; i++)
			if (x->runs[i].used < rc->used)
				rc = &x->runs[i];
		rc->enormous = run_bounds(x, han, &rs, &re);
		rc->start = rs;
		rc->end = re;
		rc->n = 0;
		rc->tokenized = 0;
	}
	rc->used = ++x->clock;
	return rc;
}

/* Make the token boundaries of a run (not enormous) if they are not made yet; 0 when memory failed. */
static int
run_tokens(ScanCtx *x, RunCache *rc)
{
	ZpToken		tok;
	size_t		rs = rc->start,
				re = rc->end;

	if (rc->tokenized)
		return 1;
	if (!x->tk_ready)
	{
		/* buffers for a whole chunk, whatever the run: set up on the whole text */
		if (zp_tokenizer_init_range(&x->tk, x->m->lex, NULL, (const char *) x->text, 0,
									x->len, &x->layout->l, x->mem) != 0)
		{
			x->failed = 1;
			rc->end = 0;
			return 0;
		}
		x->tk.compounds = 1;	/* a label must not cut a dictionary compound (联合国家) */
		x->tk_ready = 1;
	}
	/* the tokenizer reads the layout only at a line break inside the run */
	if (!x->layout->ready &&
		(memchr(x->text + rs, '\n', re - rs) || memchr(x->text + rs, '\r', re - rs)))
	{
		zp_layout_analyze(x->layout->text, x->layout->len, &x->layout->l, x->layout->mem);
		x->layout->ready = 1;
	}
	x->tk.layout = x->layout->l;
	zp_tokenizer_reset_range(&x->tk, rs, re);
	rc->n = 0;
	while (zp_tokenizer_next(&x->tk, &tok))
	{
		if (rc->n + 2 > rc->cap)
		{
			size_t		cap = rc->cap ? rc->cap * 2 : 64;
			size_t	   *nb = x->mem->alloc(x->mem->ctx, cap * sizeof(size_t));

			if (!nb)
			{
				x->failed = 1;
				rc->end = 0;
				return 0;
			}
			if (rc->bounds)
			{
				memcpy(nb, rc->bounds, rc->n * sizeof(size_t));
				x->mem->release(x->mem->ctx, rc->bounds);
			}
			rc->bounds = nb;
			rc->cap = cap;
		}
		if (tok.type == ZP_TOK_BLANK)
			continue;
		if (rc->n == 0 || rc->bounds[rc->n - 1] != tok.start)
			rc->bounds[rc->n++] = tok.start;
		rc->bounds[rc->n++] = tok.start + tok.len;
	}
	rc->tokenized = 1;
	return 1;
}

/*
 * Is byte b a token boundary of the run that holds the Han character at han?
 * With inside, also tell whether a boundary lies strictly between han and b.
 * The run's own ends are boundaries: asked about them alone, the run needs no
 * tokens.
 */
static int
han_boundary(ScanCtx *x, size_t han, size_t b, int *inside)
{
	RunCache   *rc = find_run(x, han);
	size_t		lo,
				hi;

	if (rc->enormous)
	{
		if (inside)
			*inside = 1;
		return 1;				/* an enormous run: no check */
	}
	if (!inside && (b == rc->start || b == rc->end))
		return 1;
	if (!run_tokens(x, rc))
		return 0;
	/* binary search for the first boundary >= b */
	lo = 0;
	hi = rc->n;
	while (lo < hi)
	{
		size_t		mid = (lo + hi) / 2;

		if (rc->bounds[mid] < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (inside)
		*inside = lo > 0 && rc->bounds[lo - 1] > han;
	return lo < rc->n && rc->bounds[lo] == b;
}

/* Is the code point at or before a byte an ASCII letter or digit (after folding)? */
static int
alnum_at(const ScanCtx *x, size_t p)
{
	uint32_t	cp;

	zp_utf8_decode(x->text + p, x->len - p, &cp);
	cp = zp_fold_width(cp);
	return cp < 0x80 && ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'));
}

/* Is byte c an ASCII letter or digit?  (The scan's test inside runs of them, without decoding.) */
static inline int
ascii_alnum(unsigned c)
{
	return (c - '0' < 10u) || ((c | 0x20u) - 'a' < 26u);
}

/* Count the code points of a text (the scan of a matcher never built: no labels). */
static long
scan_unbuilt(const ZpMatcher *m, const char *text, size_t len, size_t *chars, const ZpAllocator *scratch)
{
	LazyLayout	ll = {{0, 0}, 0, text, len, scratch};
	ZpTicker	tick;
	FoldReader	r = {m->lex, &ll, (const unsigned char *) text, len, 0, 0, 0, &tick};
	uint32_t	cp;
	size_t		bs,
				be,
				cs;

	zp_ticker_init(&tick, scratch);
	while (fold_next(&r, &cp, &bs, &be, &cs))
		zp_tick(&tick);
	if (chars)
		*chars = r.chars;
	return 0;
}

/* The part of the scan that reports matches (out of the hot loop). */
typedef struct Reporter
{
	ScanCtx    *x;
	ZpTagCallback cb;
	void	   *arg;
	ZpTicker   *tick;
	const size_t *ring_bstart;
	const size_t *ring_cstart;
	long		reported;
} Reporter;

/*
 * Report the labels that end with logical character i (state s; be: the byte
 * after it, chars: code points so far) that pass the boundary rules.
 * Returns nonzero to stop the scan (the callback asked, or memory failed).
 */
#if defined(__GNUC__)
__attribute__((noinline))		/* out of the hot loop: its registers stay the loop's */
#endif
static int
report_matches(Reporter *rp, uint32_t s, uint64_t i, size_t be, size_t chars)
{
	ScanCtx    *x = rp->x;
	const ZpMatcher *m = x->m;
	uint32_t	o;

	for (o = m->reps[s].report; o != 0; o = m->reps[o].dict)
	{
		int32_t		out;

		for (out = m->reps[o].head; out >= 0; out = m->outs[out].next)
		{
			const struct Out *ou = &m->outs[out];
			uint64_t	first = i + 1 - ou->chars;
			ZpTagMatch	match;
			uint8_t		kind = ou->kind;
			int			ok = 1;

			zp_tick(rp->tick);
			match.label = ou->label;
			match.byte_start = rp->ring_bstart[first % RING];
			match.byte_end = be;
			match.char_start = rp->ring_cstart[first % RING];
			match.char_end = chars;
			if ((kind & 16) && ou->chars > ZP_TAG_CHECKED_CHARS)
				ok = 1;			/* a long Chinese label is specific enough: no check */
			else if (kind & 16)
			{
				/* all Han: whole words, or a part of one word (网络 in 网络安全) */
				int			inside = 0;

				ok = han_boundary(x, match.byte_start, match.byte_start, NULL) &&
					han_boundary(x, match.byte_start, match.byte_end, NULL);
				if (!ok)
				{
					han_boundary(x, match.byte_start, match.byte_end, &inside);
					ok = !inside;
				}
			}
			else
			{
				if ((kind & 1) && !han_boundary(x, match.byte_start, match.byte_start, NULL))
					ok = 0;
				if (ok && (kind & 4) &&
					!han_boundary(x, cp_start_before(x->text, match.byte_end), match.byte_end, NULL))
					ok = 0;
			}
			if (ok && (kind & 2) && match.byte_start > 0 &&
				alnum_at(x, cp_start_before(x->text, match.byte_start)))
				ok = 0;
			if (ok && (kind & 8) && match.byte_end < x->len && alnum_at(x, match.byte_end))
				ok = 0;
			if (x->failed)
			{
				rp->reported = -1;
				return 1;
			}
			if (ok)
			{
				rp->reported++;
				if (rp->cb(rp->arg, &match))
					return 1;
			}
		}
	}
	return 0;
}

long
zp_matcher_scan(const ZpMatcher *m, const char *text, size_t len,
				ZpTagCallback cb, void *arg, size_t *chars, const ZpAllocator *scratch)
{
	LazyLayout	layout = {{0, 0}, 0, text, len, scratch};
	FoldReader	r;
	ScanCtx		x;
	Reporter	rp;
	size_t		ring_bstart[RING],
				ring_cstart[RING];
	const unsigned char *t = (const unsigned char *) text;
	const struct Cell *cells = m->cells;
	const struct Link *links = m->links;
	const uint16_t *cls = m->cls;
	uint64_t	i = 0;
	uint32_t	s = 0,
				prev_cp = 0;	/* the last logical character (is it Han? asked at white space only) */
	uint64_t	cur = 0;		/* the cell of state s (cell_bits; the root's: base 0, check 0) */
	uint32_t	prev_sym = 0;	/* the symbol that led to s */
	size_t		pos = 0,
				nchars = 0;
	int			k;
	ZpTicker	tick;			/* white space runs and matches */
	uint32_t	countdown = ZP_CHECK_EVERY;	/* characters (a local: the hot loop) */

	if (!m->built)
		return scan_unbuilt(m, text, len, chars, scratch);
	zp_ticker_init(&tick, scratch);
	memset(&x, 0, sizeof(x));
	x.m = m;
	x.mem = scratch;
	x.text = t;
	x.len = len;
	x.layout = &layout;
	r.lex = m->lex;
	r.layout = &layout;
	r.text = t;
	r.len = len;
	r.tick = &tick;
	rp.x = &x;
	rp.cb = cb;
	rp.arg = arg;
	rp.tick = &tick;
	rp.ring_bstart = ring_bstart;
	rp.ring_cstart = ring_cstart;
	rp.reported = 0;

	while (pos < len)
	{
		uint32_t	cp,
					sym;
		size_t		bs = pos,
					cs;
		unsigned	c = t[pos];

		if (--countdown == 0)
		{
			countdown = ZP_CHECK_EVERY;
			zp_check(scratch);
		}
		/* decode: ASCII, and three-byte sequences that need no range check (U+1000..U+CFFF, E000..FFFF) */
		if (c < 0x80)
		{
			if (s == 0 && ascii_alnum(c) && pos > 0 && ascii_alnum(t[pos - 1]))
			{
				/*
				 * At the root inside a run of ASCII letters and digits: a label
				 * that starts with a letter or digit must not follow one
				 * (report_matches), so no match starts anywhere in the rest of
				 * the run, and the root has nothing to carry through it.  Read
				 * the run as characters in no label, a block at a time.
				 */
				size_t		q = pos + 1;

				while (q < len && q - pos < 256 && ascii_alnum(t[q]))
					q++;
				nchars += q - pos;
				prev_cp = t[q - 1];
				pos = q;
				continue;
			}
			cp = c;
			pos++;
		}
		else if (c - 0xE1u <= 0xEFu - 0xE1u && c != 0xED && len - pos >= 3 &&
				 (((t[pos + 1] ^ 0x80u) | (t[pos + 2] ^ 0x80u)) & 0xC0u) == 0)
		{
			cp = ((c & 0x0F) << 12) | ((uint32_t) (t[pos + 1] & 0x3F) << 6) | (t[pos + 2] & 0x3F);
			pos += 3;
		}
		else
			pos += zp_utf8_decode(t + pos, len - pos, &cp);
		/*
		 * A character in no label has symbol 0 (CLS_NONE), which takes the
		 * transitions below like any other and ends at the root: no state has
		 * an edge for it (edges are base + a symbol of at least 1), nor has the
		 * root.  One branch fewer that the processor cannot foresee.
		 */
		sym = cp < BMP ? cls[cp] : CLS_ASK;
		if (sym == CLS_ASK)
		{
			if (is_space(cp))
			{
				uint32_t	out;
				size_t		be;

				r.pos = bs;
				r.chars = nchars;
				r.prev_han = zp_is_han(prev_cp);
				if (!fold_space(&r, &out, &bs, &be, &cs))
				{
					pos = r.pos;	/* read through: the state goes on */
					nchars = r.chars;
					continue;
				}
				pos = r.pos;
				nchars = r.chars;
				prev_cp = ' ';
				sym = m->sym_space;
			}
			else
			{
				sym = wide_symbol(m->wide, m->n_wide, fold_cp(m->lex, cp));
				cs = nchars++;
				prev_cp = cp;
			}
			if (sym == SYM_NONE)
			{
				s = 0;
				cur = 0;
				continue;
			}
		}
		else
		{
			cs = nchars++;
			prev_cp = cp;
		}
		ring_bstart[i % RING] = bs;
		ring_cstart[i % RING] = cs;

		/*
		 * The edge for sym, else the failure links until one has it.  The cell
		 * base + sym is read whatever the state (only a child of s has check
		 * s + 1, so a state with one edge or none needs no test of its own;
		 * the root's base is 0, so at the root it is the root's edge), and so
		 * is the root's edge for sym: when s has no edge for sym and its
		 * failure link is the root, the scan goes on at the root's edge, or
		 * the root.  The next state and its check are picked from these two
		 * reads without a branch (the processor cannot foresee which it is:
		 * a branch costs more than the read for nothing).  Deeper failures
		 * take the loop, where a state with one edge holds its symbol and no
		 * other cell is read.  cur is the cell of s, read whole (base and check
		 * at once), so the next edge is one read after this one.
		 */
		{
			const uint32_t edge = CELL_BASE(cur) + sym;
			const uint64_t ce = cell_bits(&cells[edge]),
						cr = cell_bits(&cells[sym]);
			const int	hit = (CELL_CHECK(ce) & CHECK_PARENT) == s + 1,
						root_hit = (CELL_CHECK(cr) & CHECK_PARENT) == 1;

			/* & of the three, not &&: one branch, which is seldom taken */
			const int	deep = (!hit & ((CELL_CHECK(cur) & FAIL_DEEP) != 0) & (sym != CLS_NONE)) != 0;

			if (!deep)
				pick_next(hit, edge, ce, root_hit, sym, cr, &s, &cur);
			else if (CELL_CHECK(cur) & FAIL_ONE)
			{
				/*
				 * The failure link is the root's edge for the symbol that led to
				 * s, the previous symbol, whose cell lies among the root's: its
				 * edge for sym, else the root's, without reading the link.
				 */
				const uint64_t cf = cell_bits(&cells[prev_sym]);
				const uint32_t edge2 = CELL_BASE(cf) + sym;
				const uint64_t c2 = cell_bits(&cells[edge2]);

				pick_next((CELL_CHECK(c2) & CHECK_PARENT) == prev_sym + 1, edge2, c2, root_hit, sym, cr,
						  &s, &cur);
			}
			else
			{
				for (s = links[s].fail;;)
				{
					const struct Link *ln = &links[s];

					if (ln->one == sym ||
						(ln->one == 0 && (cells[cells[s].base + sym].check & CHECK_PARENT) == s + 1))
					{
						s = cells[s].base + sym;
						break;
					}
					if (s == 0)
						break;
					s = ln->fail;
				}
				cur = cell_bits(&cells[s]);
			}
			prev_sym = sym;
		}
		if ((CELL_CHECK(cur) & HAS_REPORT) && report_matches(&rp, s, i, pos, nchars))
			break;
		i++;
	}
	for (k = 0; k < RUN_CACHE; k++)
		if (x.runs[k].bounds)
			scratch->release(scratch->ctx, x.runs[k].bounds);
	if (x.tk_ready)
		zp_tokenizer_free(&x.tk);
	if (chars)
		*chars = nchars;
	return rp.reported;
}
