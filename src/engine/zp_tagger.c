/*
 * zp_tagger.c — Aho–Corasick matching of vocabulary labels (see zp_tagger.h).
 *
 * The automaton: states are trie nodes of the folded labels; goto edges live
 * in one open-addressing hash table keyed by (state, code point), as in the
 * lexicon; fail and dictionary-suffix links are computed breadth first, so a
 * scan costs one or two hash probes a character and reporting is O(matches).
 *
 * Word boundaries are checked only for candidate matches: the run of Chinese
 * text around a match end is segmented with the lexicon (zp_tokenizer_init_range
 * over that run, with the document's layout, gives the tokens a whole-document
 * parse gives there), and the match must start and end on token boundaries.
 * Matches are rare next to characters, so this costs little.  The token
 * boundaries of a run are kept (four runs, the least recently used one
 * replaced), and so is the fact that a run is too long to check, so a long run
 * is walked once, not once per match in it.
 *
 * Cancelling: zp_matcher_scan calls the check of its scratch allocator, and
 * takes all its memory from there; the matcher is only read.  A cancelled
 * zp_matcher_add or zp_matcher_build leaves the matcher to be freed (or built
 * again); what they hold is the matcher's own memory.
 */
#include "zp_tagger.h"
#include "zp_text.h"

#include <string.h>

#define RING 256				/* > ZP_TAG_MAX_LABEL_CHARS: logical characters remembered */
#define RUN_MAX 16384			/* runs of this many bytes or more skip the boundary check */
#define GAP_MAX 4096			/* white space longer than this never joins a run */
#define RUN_CACHE 4				/* runs whose token boundaries are kept */

/* An edge of the goto table: key (state, code point) + 1, 0 = empty. */
struct GotoSlot
{
	uint64_t	key;
	uint32_t	next;
	uint32_t	pad;
};

struct ZpMatcher
{
	const ZpLexicon *lex;
	ZpAllocator mem;
	int			failed;
	int			built;
	/* states */
	uint32_t	n_states;
	uint32_t	cap_states;
	uint32_t   *fail;
	uint32_t   *dict;			/* nearest state on the fail chain with outputs, 0 = none */
	int32_t    *out_head;		/* first output of the state, -1 = none */
	uint32_t   *first_child;	/* 0 = none (the root is never a child) */
	uint32_t   *next_sibling;
	uint32_t   *edge_cp;		/* code point of the edge into the state */
	uint64_t   *child_bits;		/* bit cp % 64 set: the state may have an edge for cp */
	/* goto edges: key and target side by side, one cache line a probe */
	struct GotoSlot *slots;
	uint32_t	bits;
	uint64_t	n_edges;
	/* outputs */
	uint32_t	n_out;
	uint32_t	cap_out;
	uint32_t   *out_label;
	int32_t    *out_next;
	uint16_t   *out_chars;		/* label length in logical characters */
	uint8_t    *out_kind;		/* bit 0: first char Han, 1: first alnum, 2: last Han, 3: last alnum,
								 * 4: all Han */
	uint32_t	root_next[65536];	/* the state an edge from the root leads to, per BMP code point (0: none) */
	uint32_t   *build_queue;	/* zp_matcher_build's queue while it runs */
	struct GotoSlot *spare;		/* a goto table being filled by grow_edges */
};

/* ---------------------------------------------------------------- the fold */

/* State of reading a text as logical characters. */
typedef struct FoldReader
{
	const ZpLexicon *lex;
	const ZpLayout *layout;
	const unsigned char *text;
	size_t		len;
	size_t		pos;			/* next byte */
	size_t		chars;			/* code points consumed */
	int			prev_han;		/* the last logical character was Han */
	ZpTicker   *tick;			/* cancel checks in long white space runs */
} FoldReader;

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
		zp_layout_gap_joins(r->layout, (const char *) r->text, r->len, start, q))
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
 * point index.  Returns 0 at the end.  The common case (a character that is
 * not white space) is inline; runs of white space go to fold_space.
 */
static inline int
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
	void	   *p = m->mem.alloc(m->mem.ctx, new_size);

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

/* Make room for one more state. */
static int
ensure_state(ZpMatcher *m)
{
	uint32_t	cap = m->cap_states ? m->cap_states * 2 : 64;
	size_t		o = m->cap_states,
				nw = cap;

	if (m->n_states < m->cap_states)
		return 0;
	if (!(m->fail = grow(m, m->fail, o * 4, nw * 4)) ||
		!(m->dict = grow(m, m->dict, o * 4, nw * 4)) ||
		!(m->out_head = grow(m, m->out_head, o * 4, nw * 4)) ||
		!(m->first_child = grow(m, m->first_child, o * 4, nw * 4)) ||
		!(m->next_sibling = grow(m, m->next_sibling, o * 4, nw * 4)) ||
		!(m->edge_cp = grow(m, m->edge_cp, o * 4, nw * 4)) ||
		!(m->child_bits = grow(m, m->child_bits, o * 8, nw * 8)))
		return -1;
	m->cap_states = cap;
	return 0;
}

/* Probe the goto table for a key; returns the slot (the key's, or an empty one). */
static inline uint64_t
goto_slot(const struct GotoSlot *slots, uint32_t bits, uint64_t key)
{
	uint64_t	mask = ((uint64_t) 1 << bits) - 1;
	uint64_t	i = zp_lex_hash(key, bits);

	while (slots[i].key != 0 && slots[i].key != key)
		i = (i + 1) & mask;
	return i;
}

/* The state reached from s by cp, or 0 (the root) when there is no edge. */
static inline uint32_t
goto_state(const ZpMatcher *m, uint32_t s, uint32_t cp)
{
	uint64_t	key = zp_lex_edge_key(s, cp);
	uint64_t	i = goto_slot(m->slots, m->bits, key);

	return m->slots[i].key == key ? m->slots[i].next : 0;
}

/* Double the goto table. */
static int
grow_edges(ZpMatcher *m)
{
	uint32_t	nbits = m->bits ? m->bits + 1 : 10;
	uint64_t	nslots = (uint64_t) 1 << nbits,
				oslots = m->bits ? (uint64_t) 1 << m->bits : 0,
				s;
	struct GotoSlot *nslot;
	ZpTicker	tick;

	if (m->spare)
		m->mem.release(m->mem.ctx, m->spare);	/* left by a cancelled call */
	nslot = m->spare = m->mem.alloc(m->mem.ctx, nslots * sizeof(struct GotoSlot));
	if (!nslot)
	{
		m->failed = 1;
		return -1;
	}
	zp_ticker_init(&tick, &m->mem);
	memset(nslot, 0, nslots * sizeof(struct GotoSlot));
	/* a cancel here leaves the old table in place, the new one in m->spare */
	for (s = 0; s < oslots; s++)
	{
		if (m->slots[s].key != 0)
			nslot[goto_slot(nslot, nbits, m->slots[s].key)] = m->slots[s];
		zp_tick(&tick);
	}
	if (m->slots)
		m->mem.release(m->mem.ctx, m->slots);
	m->slots = nslot;
	m->spare = NULL;
	m->bits = nbits;
	return 0;
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
	if (ensure_state(m) != 0 || grow_edges(m) != 0)
	{
		zp_matcher_free(m);
		return NULL;
	}
	m->n_states = 1;			/* the root */
	m->out_head[0] = -1;
	return m;
}

int
zp_matcher_add(ZpMatcher *m, const char *label, size_t len, uint32_t id)
{
	ZpLayout	flat = {0, 0};
	ZpTicker	tick;
	FoldReader	r = {m->lex, &flat, (const unsigned char *) label, len, 0, 0, 0, &tick};
	uint32_t	cps[ZP_TAG_MAX_LABEL_CHARS];
	size_t		n = 0,
				bs,
				be,
				cs,
				i;
	uint32_t	cp,
				s = 0;
	uint8_t		kind = 0;

	if (m->failed || m->built)
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
	for (i = 0; i < n; i++)
	{
		uint32_t	next = goto_state(m, s, cps[i]);

		if (next == 0)
		{
			uint64_t	key = zp_lex_edge_key(s, cps[i]);
			uint64_t	slot;

			if (ensure_state(m) != 0)
				return -1;
			if ((m->n_edges + 1) * 2 > ((uint64_t) 1 << m->bits) && grow_edges(m) != 0)
				return -1;
			next = m->n_states++;
			m->out_head[next] = -1;
			m->edge_cp[next] = cps[i];
			if (s == 0 && cps[i] < 65536)
				m->root_next[cps[i]] = next;
			m->child_bits[s] |= (uint64_t) 1 << (cps[i] & 63);
			m->next_sibling[next] = m->first_child[s];
			m->first_child[s] = next;
			slot = goto_slot(m->slots, m->bits, key);
			m->slots[slot].key = key;
			m->slots[slot].next = next;
			m->n_edges++;
		}
		s = next;
	}
	if (m->n_out == m->cap_out)
	{
		uint32_t	cap = m->cap_out ? m->cap_out * 2 : 64;
		size_t		o = m->cap_out;

		if (!(m->out_label = grow(m, m->out_label, o * 4, (size_t) cap * 4)) ||
			!(m->out_next = grow(m, m->out_next, o * 4, (size_t) cap * 4)) ||
			!(m->out_chars = grow(m, m->out_chars, o * 2, (size_t) cap * 2)) ||
			!(m->out_kind = grow(m, m->out_kind, o, cap)))
			return -1;
		m->cap_out = cap;
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
	m->out_label[m->n_out] = id;
	m->out_chars[m->n_out] = (uint16_t) n;
	m->out_kind[m->n_out] = kind;
	m->out_next[m->n_out] = m->out_head[s];
	m->out_head[s] = (int32_t) m->n_out;
	m->n_out++;
	return 0;
}

int
zp_matcher_build(ZpMatcher *m)
{
	uint32_t   *queue;
	uint32_t	head = 0,
				tail = 0,
				c;
	ZpTicker	tick;

	if (m->failed)
		return -1;
	zp_ticker_init(&tick, &m->mem);
	if (m->build_queue)
		m->mem.release(m->mem.ctx, m->build_queue);	/* left by a cancelled build */
	/* the matcher owns the queue while building: a cancel leaves nothing unowned */
	queue = m->build_queue = m->mem.alloc(m->mem.ctx, (size_t) m->n_states * 4);
	if (!queue)
		return -1;
	for (c = m->first_child[0]; c != 0; c = m->next_sibling[c])
	{
		m->fail[c] = 0;
		m->dict[c] = 0;
		queue[tail++] = c;
	}
	while (head < tail)
	{
		uint32_t	u = queue[head++];

		for (c = m->first_child[u]; c != 0; c = m->next_sibling[c])
		{
			uint32_t	f = m->fail[u],
						g;

			while (f != 0 && goto_state(m, f, m->edge_cp[c]) == 0)
				f = m->fail[f];
			g = goto_state(m, f, m->edge_cp[c]);
			m->fail[c] = g != c ? g : 0;
			m->dict[c] = m->out_head[m->fail[c]] >= 0 ? m->fail[c] : m->dict[m->fail[c]];
			queue[tail++] = c;
			zp_tick(&tick);
		}
	}
	m->mem.release(m->mem.ctx, queue);
	m->build_queue = NULL;
	m->built = 1;
	return 0;
}

void
zp_matcher_free(ZpMatcher *m)
{
	void	   *bufs[16];
	size_t		i,
				n = 0;

	if (!m)
		return;
	bufs[n++] = m->fail;
	bufs[n++] = m->dict;
	bufs[n++] = m->out_head;
	bufs[n++] = m->first_child;
	bufs[n++] = m->next_sibling;
	bufs[n++] = m->edge_cp;
	bufs[n++] = m->child_bits;
	bufs[n++] = m->slots;
	bufs[n++] = m->out_label;
	bufs[n++] = m->out_next;
	bufs[n++] = m->out_chars;
	bufs[n++] = m->out_kind;
	bufs[n++] = m->build_queue;
	bufs[n++] = m->spare;
	for (i = 0; i < n; i++)
		if (bufs[i])
			m->mem.release(m->mem.ctx, bufs[i]);
	m->mem.release(m->mem.ctx, m);
}

/* ---------------------------------------------------------------- scanning */

/* Token boundaries of one run of Chinese text, cached while matches stay in it. */
typedef struct RunCache
{
	size_t		start;
	size_t		end;			/* 0 = empty cache */
	int			enormous;		/* RUN_MAX bytes or more: no boundary check */
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
	const ZpLayout *layout;
	RunCache	runs[RUN_CACHE];
	uint64_t	clock;
	int			failed;
	ZpTokenizer tk;				/* reused for every run, buffers of ZP_CHUNK_CHARS */
	int			tk_ready;
} ScanCtx;

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
				zp_layout_gap_joins(x->layout, (const char *) t, x->len, e, q))
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
			if (zp_is_han(cp) && zp_layout_gap_joins(x->layout, (const char *) t, x->len, ws, s))
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
 * Is byte b a token boundary of the run that holds the Han character at han?
 * With inside, also tell whether a boundary lies strictly between han and b.
 */
static int
han_boundary(ScanCtx *x, size_t han, size_t b, int *inside)
{
	RunCache   *rc = NULL;
	size_t		lo,
				hi;
	int			i;

	for (i = 0; i < RUN_CACHE && !rc; i++)
		if (x->runs[i].end != 0 && han >= x->runs[i].start && han < x->runs[i].end)
			rc = &x->runs[i];
	if (!rc)
	{
		size_t		rs,
					re;
		ZpToken		tok;

		rc = &x->runs[0];
		for (i = 1; i < RUN_CACHE; i++)
			if (x->runs[i].used < rc->used)
				rc = &x->runs[i];
		rc->enormous = run_bounds(x, han, &rs, &re);
		rc->start = rs;
		rc->end = re;
		rc->n = 0;
		if (!rc->enormous)
		{
			if (!x->tk_ready)
			{
				/* buffers for a whole chunk, whatever the run: set up on the whole text */
				if (zp_tokenizer_init_range(&x->tk, x->m->lex, NULL, (const char *) x->text, 0,
											x->len, x->layout, x->mem) != 0)
				{
					x->failed = 1;
					rc->end = 0;
					return 0;
				}
				x->tk.compounds = 1;	/* a label must not cut a dictionary compound (联合国家) */
				x->tk_ready = 1;
			}
			zp_tokenizer_reset_range(&x->tk, rs, re);
			while (zp_tokenizer_next(&x->tk, &tok))
			{
				if (rc->n + 2 > rc->cap)
				{
					size_t		cap = rc->cap ? rc->cap * 2 : 64;
					size_t	   *nb = x->mem->alloc(x->mem->ctx, cap * sizeof(size_t));

					if (!nb)
					{
						x->failed = 1;
						break;
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
		}
	}
	rc->used = ++x->clock;
	if (rc->enormous)
	{
		if (inside)
			*inside = 1;
		return 1;				/* an enormous run: no check */
	}
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

long
zp_matcher_scan(const ZpMatcher *m, const char *text, size_t len,
				ZpTagCallback cb, void *arg, size_t *chars, const ZpAllocator *scratch)
{
	ZpLayout	layout;
	FoldReader	r;
	ScanCtx		x;
	size_t		ring_bstart[RING],
				ring_cstart[RING];
	uint64_t	i = 0;
	uint32_t	s = 0,
				cp;
	size_t		bs,
				be,
				cs;
	long		reported = 0;
	int			stop = 0,
				k;
	ZpTicker	tick;			/* white space runs and matches */
	uint32_t	countdown = ZP_CHECK_EVERY;	/* characters (a local: the hot loop) */

	zp_ticker_init(&tick, scratch);
	zp_layout_analyze(text, len, &layout, scratch);
	memset(&x, 0, sizeof(x));
	x.m = m;
	x.mem = scratch;
	x.text = (const unsigned char *) text;
	x.len = len;
	x.layout = &layout;
	r.lex = m->lex;
	r.layout = &layout;
	r.text = (const unsigned char *) text;
	r.len = len;
	r.pos = 0;
	r.chars = 0;
	r.prev_han = 0;
	r.tick = &tick;

	while (!stop && fold_next(&r, &cp, &bs, &be, &cs))
	{
		uint32_t	t;

		if (--countdown == 0)
		{
			countdown = ZP_CHECK_EVERY;
			zp_check(scratch);
		}
		ring_bstart[i % RING] = bs;
		ring_cstart[i % RING] = cs;
		/* follow fail links until an edge for cp exists (one probe a state) */
		for (;;)
		{
			uint32_t	next;

			if (s == 0 && cp < 65536)
				next = m->root_next[cp];	/* from the root: a table, no probe */
			else if (!((m->child_bits[s] >> (cp & 63)) & 1))
				next = 0;		/* no edge for cp: no probe of the goto table */
			else
				next = goto_state(m, s, cp);
			if (next != 0 || s == 0)
			{
				s = next;
				break;
			}
			s = m->fail[s];
		}
		if (s == 0)
		{
			i++;
			continue;			/* no label goes on from here (the root has no outputs) */
		}
		for (t = m->out_head[s] >= 0 ? s : m->dict[s]; t != 0 && !stop; t = m->dict[t])
		{
			int32_t		o;

			for (o = m->out_head[t]; o >= 0 && !stop; o = m->out_next[o])
			{
				uint64_t	first = i + 1 - m->out_chars[o];
				ZpTagMatch	match;
				uint8_t		kind = m->out_kind[o];
				int			ok = 1;

				zp_tick(&tick);
				match.label = m->out_label[o];
				match.byte_start = ring_bstart[first % RING];
				match.byte_end = be;
				match.char_start = ring_cstart[first % RING];
				match.char_end = r.chars;
				if ((kind & 16) && m->out_chars[o] > ZP_TAG_CHECKED_CHARS)
					ok = 1;		/* a long Chinese label is specific enough: no check */
				else if (kind & 16)
				{
					/* all Han: whole words, or a part of one word (网络 in 网络安全) */
					int			bs_ok = han_boundary(&x, match.byte_start, match.byte_start, NULL),
								inside = 0,
								be_ok = han_boundary(&x, match.byte_start, match.byte_end, &inside);

					ok = (bs_ok && be_ok) || !inside;
				}
				else
				{
					if ((kind & 1) && !han_boundary(&x, match.byte_start, match.byte_start, NULL))
						ok = 0;
					if (ok && (kind & 4) &&
						!han_boundary(&x, cp_start_before(x.text, match.byte_end), match.byte_end, NULL))
						ok = 0;
				}
				if (ok && (kind & 2) && match.byte_start > 0 &&
					alnum_at(&x, cp_start_before(x.text, match.byte_start)))
					ok = 0;
				if (ok && (kind & 8) && match.byte_end < len && alnum_at(&x, match.byte_end))
					ok = 0;
				if (x.failed)
				{
					stop = 1;
					reported = -1;
					break;
				}
				if (ok)
				{
					reported++;
					if (cb(arg, &match))
						stop = 1;
				}
			}
		}
		i++;
	}
	for (k = 0; k < RUN_CACHE; k++)
		if (x.runs[k].bounds)
			scratch->release(scratch->ctx, x.runs[k].bounds);
	if (x.tk_ready)
		zp_tokenizer_free(&x.tk);
	if (chars)
		*chars = r.chars;
	return reported;
}
