/*
 * zp_lexicon.c — opening, validating and building the compiled lexicon.
 *
 * Format (see zp_lexicon.h): a header, the root array, the edge table with
 * linear probing, then the HMM emission table (uint32 code point + 1,
 * float[4]).  Validation on open checks magic, version, byte order, sizes and
 * offsets against the file size.  Nothing is checksummed on open: a backend's
 * first call must stay cheap, and a flipped bit inside a table cannot crash a
 * reader (node ids only form hash keys).
 */
#include "zp_lexicon.h"
#include "zp_text.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define ZP_HMM_IMPOSSIBLE (-1.0e30f)

/* Emission row of cp, or NULL. */
const float *
zp_lex_emission(const ZpLexicon *lex, uint32_t cp)
{
	uint32_t	key = cp + 1;
	uint64_t	i;

	if (lex->hdr->n_emit == 0)
		return NULL;
	i = zp_lex_hash(key, lex->hdr->emit_bits);
	for (;;)
	{
		uint32_t	k = lex->emit_keys[i];

		if (k == key)
			return lex->emit_vals + 4 * i;
		if (k == 0)
			return NULL;
		i = (i + 1) & lex->emit_mask;
	}
}

/* Walk a whole UTF-8 word through the trie. */
float
zp_lex_lookup(const ZpLexicon *lex, const char *word, size_t len)
{
	uint32_t	node = 0;
	size_t		i = 0;
	float		logp = ZP_LEX_NOT_WORD;

	if (len == 0)
		return ZP_LEX_NOT_WORD;
	while (i < len)
	{
		uint32_t	cp,
					child;

		i += zp_utf8_decode((const unsigned char *) word + i, len - i, &cp);
		child = zp_lex_next(lex, node, cp, &logp);
		if (child == 0)
			return ZP_LEX_NOT_WORD;
		node = child & ZP_LEX_NODE_MASK;
	}
	return logp;
}

/* Check that [off, off + size) lies inside the file and is aligned. */
static int
zp_lex_range_ok(uint64_t off, uint64_t size, uint64_t file_size)
{
	return off % 8 == 0 && off <= file_size && size <= file_size - off;
}

/* Validate a lexicon image of size bytes at base and point lex into it. */
static int
zp_lexicon_attach(void *base_ptr, size_t size, ZpLexicon *lex, char *err, size_t errlen)
{
	const ZpLexHeader *h = (const ZpLexHeader *) base_ptr;
	const char *base = (const char *) base_ptr;
	uint64_t	trie_slots,
				emit_slots;

	if (size < sizeof(ZpLexHeader))
	{
		snprintf(err, errlen, "file is %zu bytes, too short for a lexicon header", size);
		return -1;
	}
	if (memcmp(h->magic, ZP_LEX_MAGIC, 5) != 0)
	{
		snprintf(err, errlen, "file is not a zhpolicy lexicon (bad magic)");
		return -1;
	}
	if (h->byte_order != ZP_LEX_BYTE_ORDER)
	{
		snprintf(err, errlen, "lexicon was compiled on a machine of another byte order");
		return -1;
	}
	if (h->version != ZP_LEX_VERSION || memcmp(h->magic, ZP_LEX_MAGIC, 8) != 0)
	{
		snprintf(err, errlen, "lexicon format version %u, this build reads version %u",
				 h->version, ZP_LEX_VERSION);
		return -1;
	}
	if (h->file_size != (uint64_t) size)
	{
		snprintf(err, errlen, "file is %zu bytes, its header says %llu (truncated or altered)",
				 size, (unsigned long long) h->file_size);
		return -1;
	}
	if (h->trie_bits < 1 || h->trie_bits > 40 || h->emit_bits < 1 || h->emit_bits > 30)
	{
		snprintf(err, errlen, "lexicon header has impossible table sizes");
		return -1;
	}
	trie_slots = (uint64_t) 1 << h->trie_bits;
	emit_slots = (uint64_t) 1 << h->emit_bits;
	if ((!h->compact &&
		 (!zp_lex_range_ok(h->off_root, (uint64_t) ZP_LEX_ROOT_SIZE * sizeof(ZpLexRootEntry),
						   h->file_size) ||
		  !zp_lex_range_ok(h->off_t2s, (uint64_t) ZP_LEX_ROOT_SIZE * 4, h->file_size))) ||
		!zp_lex_range_ok(h->off_edges, trie_slots * sizeof(ZpLexEdge), h->file_size) ||
		!zp_lex_range_ok(h->off_emit_keys, emit_slots * 4, h->file_size) ||
		!zp_lex_range_ok(h->off_emit_vals, emit_slots * 16, h->file_size) ||
		h->n_emit >= emit_slots)
	{
		snprintf(err, errlen, "lexicon header points outside the file");
		return -1;
	}
	memset(lex, 0, sizeof(*lex));
	lex->hdr = h;
	lex->root = h->compact ? NULL : (const ZpLexRootEntry *) (base + h->off_root);
	lex->t2s = h->compact ? NULL : (const uint32_t *) (base + h->off_t2s);
	lex->edges = (const ZpLexEdge *) (base + h->off_edges);
	lex->emit_keys = (const uint32_t *) (base + h->off_emit_keys);
	lex->emit_vals = (const float *) (base + h->off_emit_vals);
	lex->trie_bits = h->trie_bits;
	lex->trie_mask = trie_slots - 1;
	lex->emit_mask = emit_slots - 1;
	return 0;
}

int
zp_lexicon_open(const char *path, ZpLexicon *lex, char *err, size_t errlen)
{
	int			fd;
	struct stat st;
	void	   *map;

	memset(lex, 0, sizeof(*lex));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
	{
		snprintf(err, errlen, "could not open file: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0)
	{
		snprintf(err, errlen, "could not stat file: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if ((uint64_t) st.st_size < sizeof(ZpLexHeader))
	{
		snprintf(err, errlen, "file is %lld bytes, too short for a lexicon header",
				 (long long) st.st_size);
		close(fd);
		return -1;
	}
	map = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
	{
		snprintf(err, errlen, "could not map file: %s", strerror(errno));
		return -1;
	}
	if (zp_lexicon_attach(map, (size_t) st.st_size, lex, err, errlen) != 0)
	{
		munmap(map, (size_t) st.st_size);
		return -1;
	}
	lex->map = map;
	lex->map_size = (size_t) st.st_size;
	return 0;
}

int
zp_lexicon_open_buffer(void *buf, size_t size, ZpLexicon *lex, char *err, size_t errlen)
{
	if (zp_lexicon_attach(buf, size, lex, err, errlen) != 0)
		return -1;
	lex->buffer = buf;
	return 0;
}

void
zp_lexicon_close(ZpLexicon *lex)
{
	if (lex->map)
		munmap(lex->map, lex->map_size);
	free(lex->buffer);
	memset(lex, 0, sizeof(*lex));
}

/* ---------------------------------------------------------------- builder */

struct ZpLexBuilder
{
	int			failed;			/* an allocation failed: everything after is a no-op */
	double	   *node_freq;		/* 0 = not a word */
	uint8_t    *node_split;		/* split point in characters, 0 = none */
	uint32_t	n_nodes;
	uint32_t	cap_nodes;
	uint64_t   *keys;
	uint32_t   *vals;
	uint32_t	bits;
	uint64_t	n_edges;
	uint32_t	n_words;
	double		total_freq;
	double		total_override; /* > 0: use instead of total_freq */
	/* HMM */
	uint32_t   *emit_cp;
	float	   *emit_logp;		/* 4 per entry */
	uint32_t	n_emit;
	uint32_t	cap_emit;
	float		start[4];
	float		trans[4][4];
	uint32_t   *t2s;			/* ZP_LEX_ROOT_SIZE entries, allocated on first use */
	uint32_t	n_t2s;
	double	   *usage;			/* ZP_LEX_ROOT_SIZE entries: frequency of words holding the character */
};

/* realloc that marks the builder failed instead of exiting. */
static void *
zp_grow(ZpLexBuilder *b, void *p, size_t n)
{
	void	   *q = realloc(p, n ? n : 1);

	if (!q)
		b->failed = 1;
	return q;
}

ZpLexBuilder *
zp_lexbuilder_new(void)
{
	ZpLexBuilder *b = calloc(1, sizeof(ZpLexBuilder));
	int			i,
				j;

	if (!b)
		return NULL;
	b->cap_nodes = 1024;
	b->node_freq = calloc(b->cap_nodes, sizeof(double));
	b->node_split = calloc(b->cap_nodes, 1);
	b->n_nodes = 1;
	b->bits = 12;
	b->keys = calloc((size_t) 1 << b->bits, sizeof(uint64_t));
	b->vals = calloc((size_t) 1 << b->bits, sizeof(uint32_t));
	if (!b->node_freq || !b->node_split || !b->keys || !b->vals)
		b->failed = 1;
	for (i = 0; i < 4; i++)
	{
		b->start[i] = ZP_HMM_IMPOSSIBLE;
		for (j = 0; j < 4; j++)
			b->trans[i][j] = ZP_HMM_IMPOSSIBLE;
	}
	return b;
}

void
zp_lexbuilder_free(ZpLexBuilder *b)
{
	if (!b)
		return;
	free(b->node_freq);
	free(b->node_split);
	free(b->keys);
	free(b->vals);
	free(b->emit_cp);
	free(b->emit_logp);
	free(b->t2s);
	free(b->usage);
	free(b);
}

void
zp_lexbuilder_set_total(ZpLexBuilder *b, double total)
{
	b->total_override = total;
}

/* Double the edge table; returns 0, or -1 without memory. */
static int
zp_lexbuilder_grow(ZpLexBuilder *b)
{
	uint32_t	nbits = b->bits + 1;
	uint64_t	nslots = (uint64_t) 1 << nbits,
				oslots = (uint64_t) 1 << b->bits,
				s;
	uint64_t   *nkeys = calloc(nslots, sizeof(uint64_t));
	uint32_t   *nvals = calloc(nslots, sizeof(uint32_t));

	if (!nkeys || !nvals)
	{
		free(nkeys);
		free(nvals);
		b->failed = 1;
		return -1;
	}
	for (s = 0; s < oslots; s++)
	{
		uint64_t	i;

		if (b->keys[s] == 0)
			continue;
		i = zp_lex_hash(b->keys[s], nbits);
		while (nkeys[i] != 0)
			i = (i + 1) & (nslots - 1);
		nkeys[i] = b->keys[s];
		nvals[i] = b->vals[s];
	}
	free(b->keys);
	free(b->vals);
	b->keys = nkeys;
	b->vals = nvals;
	b->bits = nbits;
	return 0;
}

/* Find or create the child of parent labelled cp; 0 on failure. */
static uint32_t
zp_lexbuilder_edge(ZpLexBuilder *b, uint32_t parent, uint32_t cp)
{
	uint64_t	key = zp_lex_edge_key(parent, cp);
	uint64_t	mask = ((uint64_t) 1 << b->bits) - 1;
	uint64_t	i = zp_lex_hash(key, b->bits);

	while (b->keys[i] != 0)
	{
		if (b->keys[i] == key)
			return b->vals[i];
		i = (i + 1) & mask;
	}
	if (b->n_nodes == b->cap_nodes)
	{
		double	   *nf = zp_grow(b, b->node_freq, sizeof(double) * b->cap_nodes * 2);
		uint8_t    *ns;

		if (!nf)
			return 0;
		b->node_freq = nf;
		ns = zp_grow(b, b->node_split, (size_t) b->cap_nodes * 2);
		if (!ns)
			return 0;
		memset(ns + b->cap_nodes, 0, b->cap_nodes);
		b->node_split = ns;
		b->cap_nodes *= 2;
	}
	b->node_freq[b->n_nodes] = 0;
	b->keys[i] = key;
	b->vals[i] = b->n_nodes;
	b->n_edges++;
	if (b->n_edges * 2 > ((uint64_t) 1 << b->bits) && zp_lexbuilder_grow(b) != 0)
		return 0;
	return b->n_nodes++;
}

int
zp_lexbuilder_add(ZpLexBuilder *b, const char *word, size_t len, double freq)
{
	uint32_t	node = 0;
	size_t		i = 0;

	if (b->failed || len == 0 || !(freq > 0))
		return -1;
	/* all characters must be Han: the segmenter only walks Han runs */
	while (i < len)
	{
		uint32_t	cp;

		i += zp_utf8_decode((const unsigned char *) word + i, len - i, &cp);
		if (!zp_is_han(cp))
			return -1;
	}
	if (!b->usage)
		b->usage = calloc(ZP_LEX_ROOT_SIZE, sizeof(double));
	i = 0;
	while (i < len)
	{
		uint32_t	cp;

		i += zp_utf8_decode((const unsigned char *) word + i, len - i, &cp);
		node = zp_lexbuilder_edge(b, node, cp);
		if (node == 0)
			return -1;
		if (b->usage && cp < ZP_LEX_ROOT_SIZE)
			b->usage[cp] += freq;
	}
	if (b->node_freq[node] == 0)
		b->n_words++;
	b->total_freq -= b->node_freq[node];
	if (freq > b->node_freq[node])
		b->node_freq[node] = freq;
	b->total_freq += b->node_freq[node];
	return 0;
}

/* The node a word ends at, without creating any; 0 if the word is not in the trie. */
static uint32_t
zp_lexbuilder_find(const ZpLexBuilder *b, const char *word, size_t len)
{
	uint32_t	node = 0;
	size_t		i = 0;
	uint64_t	mask = ((uint64_t) 1 << b->bits) - 1;

	if (b->failed || len == 0)
		return 0;
	while (i < len)
	{
		uint32_t	cp;
		uint64_t	key,
					s;

		i += zp_utf8_decode((const unsigned char *) word + i, len - i, &cp);
		key = zp_lex_edge_key(node, cp);
		s = zp_lex_hash(key, b->bits);
		while (b->keys[s] != 0 && b->keys[s] != key)
			s = (s + 1) & mask;
		if (b->keys[s] == 0)
			return 0;
		node = b->vals[s];
	}
	return node;
}

double
zp_lexbuilder_freq(const ZpLexBuilder *b, const char *word, size_t len)
{
	uint32_t	node = zp_lexbuilder_find(b, word, len);

	return node ? b->node_freq[node] : 0;
}

int
zp_lexbuilder_set_split(ZpLexBuilder *b, const char *word, size_t len, unsigned chars)
{
	uint32_t	node = zp_lexbuilder_find(b, word, len);

	size_t		i = 0,
				n = 0;

	while (i < len)
	{
		uint32_t	cp;

		i += zp_utf8_decode((const unsigned char *) word + i, len - i, &cp);
		n++;
	}
	if (node == 0 || b->node_freq[node] == 0 || chars == 0 || chars > ZP_LEX_SPLIT_MAX || chars >= n)
		return -1;
	b->node_split[node] = (uint8_t) chars;
	return 0;
}

void
zp_lexbuilder_set_hmm(ZpLexBuilder *b, const float start[4], const float trans[4][4])
{
	memcpy(b->start, start, sizeof(b->start));
	memcpy(b->trans, trans, sizeof(b->trans));
}

int
zp_lexbuilder_set_emission(ZpLexBuilder *b, uint32_t cp, int state, float logp)
{
	uint32_t	i;

	if (b->failed || state < 0 || state > 3 || cp > 0x10FFFF)
		return -1;
	for (i = 0; i < b->n_emit; i++)	/* a few thousand entries, build time only */
		if (b->emit_cp[i] == cp)
			break;
	if (i == b->n_emit)
	{
		int			s;

		if (b->n_emit == b->cap_emit)
		{
			uint32_t	cap = b->cap_emit ? b->cap_emit * 2 : 1024;
			uint32_t   *ncp = zp_grow(b, b->emit_cp, sizeof(uint32_t) * cap);
			float	   *nlp;

			if (!ncp)
				return -1;
			b->emit_cp = ncp;
			nlp = zp_grow(b, b->emit_logp, sizeof(float) * 4 * cap);
			if (!nlp)
				return -1;
			b->emit_logp = nlp;
			b->cap_emit = cap;
		}
		b->emit_cp[i] = cp;
		for (s = 0; s < 4; s++)
			b->emit_logp[4 * i + s] = ZP_HMM_IMPOSSIBLE;
		b->n_emit++;
	}
	b->emit_logp[4 * i + state] = logp;
	return 0;
}

double
zp_lexbuilder_char_usage(const ZpLexBuilder *b, uint32_t cp)
{
	return b->usage && cp < ZP_LEX_ROOT_SIZE ? b->usage[cp] : 0;
}

int
zp_lexbuilder_set_simplified(ZpLexBuilder *b, uint32_t from, uint32_t to)
{
	if (from >= ZP_LEX_ROOT_SIZE || to >= ZP_LEX_ROOT_SIZE || from < 0x800 || to < 0x800 ||
		(to >= 0xD800 && to <= 0xDFFF) || from == to)
		return -1;				/* both must stay 3-byte UTF-8, so text length never changes */
	if (!b->t2s)
	{
		b->t2s = calloc(ZP_LEX_ROOT_SIZE, sizeof(uint32_t));
		if (!b->t2s)
			return -1;
	}
	if ((b->t2s[from] & ZP_LEX_T2S_MASK) == 0)
		b->n_t2s++;
	b->t2s[from] = (b->t2s[from] & ~ZP_LEX_T2S_MASK) | to;
	return 0;
}

long
zp_lexbuilder_mark_standalone(ZpLexBuilder *b, double share)
{
	uint32_t	cp;
	long		n = 0;

	if (b->failed || !b->usage)
		return 0;
	if (!b->t2s)
	{
		b->t2s = calloc(ZP_LEX_ROOT_SIZE, sizeof(uint32_t));
		if (!b->t2s)
			return 0;
	}
	for (cp = 0x80; cp < ZP_LEX_ROOT_SIZE; cp++)
	{
		char		buf[4];
		int			len;
		double		alone;

		if (b->usage[cp] <= 0 || (cp >= 0xD800 && cp <= 0xDFFF))
			continue;
		len = zp_utf8_encode(cp, buf);
		alone = zp_lexbuilder_freq(b, buf, (size_t) len);
		if (alone > 0 && alone >= share * b->usage[cp])
		{
			b->t2s[cp] |= ZP_LEX_STANDALONE;
			n++;
		}
	}
	return n;
}

/* Round up to a multiple of 8. */
static uint64_t
zp_align8(uint64_t n)
{
	return (n + 7) & ~(uint64_t) 7;
}

int
zp_lexbuilder_serialize(ZpLexBuilder *b, int compact, void **out, size_t *out_size,
						char *err, size_t errlen)
{
	ZpLexHeader h;
	uint32_t	tbits = 1,
				ebits = 1;
	uint64_t	tslots,
				eslots,
				s,
				i,
				off;
	char	   *buf;
	ZpLexRootEntry *root = NULL;
	ZpLexEdge  *edges;
	uint32_t   *ekeys;
	float	   *evals;
	uint8_t    *has_children;
	double		logtotal;

	if (b->failed)
	{
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (b->n_nodes > ZP_LEX_NODE_MASK)
	{
		snprintf(err, errlen, "too many trie nodes (%u)", b->n_nodes);
		return -1;
	}
	while (((uint64_t) 1 << tbits) < b->n_edges * 2 + 2)
		tbits++;
	while (((uint64_t) 1 << ebits) < (uint64_t) b->n_emit * 2 + 2)
		ebits++;
	tslots = (uint64_t) 1 << tbits;
	eslots = (uint64_t) 1 << ebits;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, ZP_LEX_MAGIC, 8);
	h.version = ZP_LEX_VERSION;
	h.byte_order = ZP_LEX_BYTE_ORDER;
	h.n_nodes = b->n_nodes;
	h.n_words = b->n_words;
	h.trie_bits = tbits;
	h.emit_bits = ebits;
	h.n_emit = b->n_emit;
	h.compact = compact ? 1 : 0;
	logtotal = log(b->total_override > 0 ? b->total_override : (b->total_freq > 0 ? b->total_freq : 1));
	h.unknown_logp = (float) (0.0 - logtotal);
	memcpy(h.hmm_start, b->start, sizeof(h.hmm_start));
	memcpy(h.hmm_trans, b->trans, sizeof(h.hmm_trans));
	off = zp_align8(sizeof(ZpLexHeader));
	if (!compact)
	{
		h.off_root = off;
		off = zp_align8(off + (uint64_t) ZP_LEX_ROOT_SIZE * sizeof(ZpLexRootEntry));
	}
	h.off_edges = off;
	h.off_emit_keys = zp_align8(h.off_edges + tslots * sizeof(ZpLexEdge));
	h.off_emit_vals = zp_align8(h.off_emit_keys + eslots * 4);
	off = zp_align8(h.off_emit_vals + eslots * 16);
	h.n_t2s = compact ? 0 : b->n_t2s;
	if (!compact)
	{
		h.off_t2s = off;
		off += (uint64_t) ZP_LEX_ROOT_SIZE * 4;
	}
	h.file_size = off;

	buf = calloc(1, h.file_size);
	has_children = calloc(b->n_nodes, 1);
	if (!buf || !has_children)
	{
		free(buf);
		free(has_children);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(buf, &h, sizeof(h));
	/* which nodes have children: every edge's parent */
	for (s = 0; s < ((uint64_t) 1 << b->bits); s++)
		if (b->keys[s] != 0)
			has_children[(b->keys[s] - 1) >> 21] = 1;
	if (!compact)
		root = (ZpLexRootEntry *) (buf + h.off_root);
	edges = (ZpLexEdge *) (buf + h.off_edges);
	for (s = 0; s < ((uint64_t) 1 << b->bits); s++)
	{
		uint64_t	key = b->keys[s];
		uint32_t	child = b->vals[s],
					ref;
		float		logp;
		uint64_t	parent,
					cp;

		if (key == 0)
			continue;
		parent = (key - 1) >> 21;
		cp = (key - 1) & 0x1FFFFF;
		ref = child | (has_children[child] ? ZP_LEX_HAS_CHILDREN : 0) |
			((uint32_t) b->node_split[child] << ZP_LEX_SPLIT_SHIFT);
		logp = b->node_freq[child] > 0 ? (float) (log(b->node_freq[child]) - logtotal) : ZP_LEX_NOT_WORD;
		i = zp_lex_hash(key, tbits);
		while (edges[i].key != 0)
			i = (i + 1) & (tslots - 1);
		edges[i].key = key;
		edges[i].child = ref;
		edges[i].logp = logp;
		if (root && parent == 0 && cp < ZP_LEX_ROOT_SIZE)
		{
			root[cp].child = ref;
			root[cp].logp = logp;
		}
	}
	free(has_children);
	if (root)
		for (s = 0; s < ZP_LEX_ROOT_SIZE; s++)
			if (root[s].child == 0)
				root[s].logp = ZP_LEX_NOT_WORD;
	if (!compact && b->t2s)
		memcpy(buf + h.off_t2s, b->t2s, (size_t) ZP_LEX_ROOT_SIZE * 4);
	ekeys = (uint32_t *) (buf + h.off_emit_keys);
	evals = (float *) (buf + h.off_emit_vals);
	for (s = 0; s < b->n_emit; s++)
	{
		uint32_t	key = b->emit_cp[s] + 1;

		i = zp_lex_hash(key, ebits);
		while (ekeys[i] != 0)
			i = (i + 1) & (eslots - 1);
		ekeys[i] = key;
		memcpy(evals + 4 * i, b->emit_logp + 4 * s, 16);
	}
	*out = buf;
	*out_size = h.file_size;
	return 0;
}

int
zp_lexbuilder_write(ZpLexBuilder *b, const char *path, char *err, size_t errlen)
{
	void	   *buf;
	size_t		size;
	FILE	   *f;
	char		tmp[4096];

	if (b->n_words == 0)
	{
		snprintf(err, errlen, "no words to write");
		return -1;
	}
	if (zp_lexbuilder_serialize(b, 0, &buf, &size, err, errlen) != 0)
		return -1;
	/* write to a temporary name, then rename: readers never see half a file */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f)
	{
		snprintf(err, errlen, "could not create \"%s\": %s", tmp, strerror(errno));
		free(buf);
		return -1;
	}
	if (fwrite(buf, 1, size, f) != size || fclose(f) != 0)
	{
		snprintf(err, errlen, "could not write \"%s\": %s", tmp, strerror(errno));
		free(buf);
		return -1;
	}
	free(buf);
	if (rename(tmp, path) != 0)
	{
		snprintf(err, errlen, "could not rename \"%s\": %s", tmp, strerror(errno));
		return -1;
	}
	return 0;
}
