/*
 * zp_lexicon.c — opening, validating and building the compiled lexicon.
 *
 * Format (see zp_lexicon.h): a header, the root array, the edge table with
 * linear probing, then the HMM emission table (uint32 code point + 1,
 * float[4]).  Validation on open checks magic, version, byte order, sizes and
 * offsets against the file size, that each table is at most half full (so
 * every probe sequence meets an empty slot), and reads the small emission
 * table to bound its probes.  The edge table is not read on open: a
 * backend's first call must stay cheap (reading 16 MB costs 3.5 ms), so its
 * probes are bounded by the longest probe sequence the builder recorded;
 * zp_lexicon_verify reads it all.  A flipped bit inside a table can neither
 * crash a reader (node ids only form hash keys) nor make it loop.
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
#define ZP_LEX_MAX_TRIE_BITS 32	/* 4 G edge slots: far beyond any lexicon */
#define ZP_LEX_MAX_EMIT_BITS 24	/* 16 M emission slots: read on open, so kept small */

/* Emission row of cp, or NULL. */
const float *
zp_lex_emission(const ZpLexicon *lex, uint32_t cp)
{
	uint32_t	key = cp + 1,
				probes;
	uint64_t	i;

	if (lex->hdr->n_emit == 0)
		return NULL;
	i = zp_lex_hash(key, lex->hdr->emit_bits);
	for (probes = lex->emit_probes; probes > 0; probes--)
	{
		uint32_t	k = lex->emit_keys[i];

		if (k == key)
			return lex->emit_vals + 4 * i;
		if (k == 0)
			return NULL;
		i = (i + 1) & lex->emit_mask;
	}
	return NULL;
}

/* Walk a whole UTF-8 word through the trie. */
float
zp_lex_lookup(const ZpLexicon *lex, const char *word, size_t len)
{
	uint32_t	node = 0;
	size_t		i = 0,
				chars = 0;
	float		logp = ZP_LEX_NOT_WORD;

	if (len == 0)
		return ZP_LEX_NOT_WORD;
	while (i < len)
	{
		uint32_t	cp,
					child;

		if (++chars > ZP_LEX_MAX_WORD_CHARS)
			return ZP_LEX_NOT_WORD;	/* no word is that long */
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

/*
 * Read the emission table: it must hold exactly n_emit keys (so, at most half
 * full, an empty slot); sets the longest probe sequence.  Returns 0 or -1.
 */
static int
zp_lex_check_emission(ZpLexicon *lex, char *err, size_t errlen)
{
	const ZpLexHeader *h = lex->hdr;
	uint64_t	slots = lex->emit_mask + 1,
				s,
				used = 0,
				longest = 0;

	for (s = 0; s < slots; s++)
	{
		uint32_t	k = lex->emit_keys[s];
		uint64_t	home,
					dist;

		if (k == 0)
			continue;
		used++;
		home = zp_lex_hash(k, h->emit_bits);
		dist = (s - home) & lex->emit_mask;
		if (dist + 1 > longest)
			longest = dist + 1;
	}
	if (used != h->n_emit)
	{
		snprintf(err, errlen, "lexicon emission table holds %llu entries, its header says %u (damaged)",
				 (unsigned long long) used, h->n_emit);
		return -1;
	}
	lex->emit_probes = longest > 0 ? (uint32_t) longest : 1;
	return 0;
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
	/* table sizes are powers of two by construction (1 << bits): the bits must be sane */
	if (h->trie_bits < 1 || h->trie_bits > ZP_LEX_MAX_TRIE_BITS || h->emit_bits < 1 ||
		h->emit_bits > ZP_LEX_MAX_EMIT_BITS)
	{
		snprintf(err, errlen, "lexicon header has impossible table sizes (2^%u edge slots, 2^%u emission slots)",
				 h->trie_bits, h->emit_bits);
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
		!zp_lex_range_ok(h->off_emit_vals, emit_slots * 16, h->file_size))
	{
		snprintf(err, errlen, "lexicon header points outside the file");
		return -1;
	}
	/*
	 * Linear probing ends at an empty slot: the builder keeps every table at
	 * most half full (n_nodes - 1 edges, n_emit emission entries).
	 */
	if (h->n_nodes == 0 || ((uint64_t) h->n_nodes - 1) * 2 + 2 > trie_slots ||
		(uint64_t) h->n_emit * 2 + 2 > emit_slots)
	{
		snprintf(err, errlen, "lexicon tables are too full to probe (%u nodes in 2^%u edge slots, "
				 "%u entries in 2^%u emission slots): damaged or not built by zp_lexcompile",
				 h->n_nodes, h->trie_bits, h->n_emit, h->emit_bits);
		return -1;
	}
	if ((uint64_t) h->edge_probes > trie_slots)
	{
		snprintf(err, errlen, "lexicon header has an impossible probe length (%u in 2^%u slots)",
				 h->edge_probes, h->trie_bits);
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
	/* files that do not record it: probe at most the whole table */
	lex->edge_probes = h->edge_probes > 0 ? h->edge_probes :
		(trie_slots > UINT32_MAX ? UINT32_MAX : (uint32_t) trie_slots);
	if (zp_lex_check_emission(lex, err, errlen) != 0)
	{
		memset(lex, 0, sizeof(*lex));
		return -1;
	}
	return 0;
}

int
zp_lexicon_verify(const ZpLexicon *lex, char *err, size_t errlen)
{
	const ZpLexHeader *h = lex->hdr;
	uint64_t	slots = lex->trie_mask + 1,
				s,
				used = 0;

	for (s = 0; s < slots; s++)
	{
		uint64_t	key = lex->edges[s].key,
					home;

		if (key == 0)
			continue;
		used++;
		home = zp_lex_hash(key, lex->trie_bits);
		if (((s - home) & lex->trie_mask) + 1 > lex->edge_probes)
		{
			snprintf(err, errlen, "lexicon edge slot %llu lies %llu probes from its key's slot, "
					 "beyond the recorded %u (damaged)", (unsigned long long) s,
					 (unsigned long long) (((s - home) & lex->trie_mask) + 1), lex->edge_probes);
			return -1;
		}
	}
	if (used != (uint64_t) h->n_nodes - 1 || used >= slots)
	{
		snprintf(err, errlen, "lexicon edge table holds %llu edges, its header says %u (damaged)",
				 (unsigned long long) used, h->n_nodes - 1);
		return -1;
	}
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
	ZpAllocator mem;			/* where the tables come from; its check runs in long loops */
	int			failed;			/* an allocation failed: everything after is a no-op */
	int			limit;			/* a limit of the format was reached */
	uint32_t	max_nodes;		/* node ids run to max_nodes - 1 (at most ZP_LEX_NODE_MASK) */
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
	uint32_t   *emit_index;		/* hash of code point + 1 -> entry + 1 (0 = empty) */
	uint32_t	emit_index_bits;
	float		start[4];
	float		trans[4][4];
	uint32_t   *t2s;			/* ZP_LEX_ROOT_SIZE entries, allocated on first use */
	uint32_t	n_t2s;
	double	   *usage;			/* ZP_LEX_ROOT_SIZE entries: frequency of words holding the character */
	/* owned only while a call runs, so that a cancel leaves nothing unowned */
	uint64_t   *grow_keys;		/* the edge table being rehashed */
	uint32_t   *grow_vals;
	uint32_t   *grow_index;		/* the emission index being rebuilt */
	uint8_t    *has_children;	/* serialise's scratch */
	char	   *image;			/* the image being serialised (malloc'd) */
};

/* Memory from the builder's allocator, zeroed; NULL (and the builder failed) without it. */
static void *
zp_balloc(ZpLexBuilder *b, size_t size)
{
	void	   *p = b->mem.alloc(b->mem.ctx, size ? size : 1);

	if (!p)
	{
		b->failed = 1;
		return NULL;
	}
	memset(p, 0, size);
	return p;
}

/* Give memory back to the builder's allocator (NULL is fine). */
static void
zp_bfree(ZpLexBuilder *b, void *p)
{
	if (p)
		b->mem.release(b->mem.ctx, p);
}

/* A bigger copy of an array (the new part zeroed); the old one is released.  NULL marks failure. */
static void *
zp_grow(ZpLexBuilder *b, void *p, size_t old_size, size_t new_size)
{
	void	   *q = zp_balloc(b, new_size);

	if (!q)
		return NULL;
	if (p)
	{
		memcpy(q, p, old_size);
		zp_bfree(b, p);
	}
	return q;
}

ZpLexBuilder *
zp_lexbuilder_new(const ZpAllocator *mem)
{
	ZpLexBuilder *b;
	int			i,
				j;

	if (!mem)
		mem = &zp_malloc_allocator;
	b = mem->alloc(mem->ctx, sizeof(ZpLexBuilder));
	if (!b)
		return NULL;
	memset(b, 0, sizeof(*b));
	b->mem = *mem;
	b->max_nodes = ZP_LEX_NODE_MASK + 1;
	b->cap_nodes = 1024;
	b->node_freq = zp_balloc(b, b->cap_nodes * sizeof(double));
	b->node_split = zp_balloc(b, b->cap_nodes);
	b->n_nodes = 1;
	b->bits = 12;
	b->keys = zp_balloc(b, ((size_t) 1 << b->bits) * sizeof(uint64_t));
	b->vals = zp_balloc(b, ((size_t) 1 << b->bits) * sizeof(uint32_t));
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
	zp_bfree(b, b->node_freq);
	zp_bfree(b, b->node_split);
	zp_bfree(b, b->keys);
	zp_bfree(b, b->vals);
	zp_bfree(b, b->emit_cp);
	zp_bfree(b, b->emit_logp);
	zp_bfree(b, b->emit_index);
	zp_bfree(b, b->t2s);
	zp_bfree(b, b->usage);
	zp_bfree(b, b->grow_keys);
	zp_bfree(b, b->grow_vals);
	zp_bfree(b, b->grow_index);
	zp_bfree(b, b->has_children);
	free(b->image);
	b->mem.release(b->mem.ctx, b);
}

void
zp_lexbuilder_set_max_nodes(ZpLexBuilder *b, uint32_t max_nodes)
{
	b->max_nodes = max_nodes < ZP_LEX_NODE_MASK + 1 ? max_nodes : ZP_LEX_NODE_MASK + 1;
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
	ZpTicker	tick;

	/* the new table belongs to the builder while it is filled: a cancel leaves the old one in use */
	b->grow_keys = zp_balloc(b, nslots * sizeof(uint64_t));
	b->grow_vals = zp_balloc(b, nslots * sizeof(uint32_t));
	if (!b->grow_keys || !b->grow_vals)
	{
		zp_bfree(b, b->grow_keys);
		zp_bfree(b, b->grow_vals);
		b->grow_keys = NULL;
		b->grow_vals = NULL;
		return -1;
	}
	zp_ticker_init(&tick, &b->mem);
	for (s = 0; s < oslots; s++)
	{
		uint64_t	i;

		zp_tick(&tick);
		if (b->keys[s] == 0)
			continue;
		i = zp_lex_hash(b->keys[s], nbits);
		while (b->grow_keys[i] != 0)
			i = (i + 1) & (nslots - 1);
		b->grow_keys[i] = b->keys[s];
		b->grow_vals[i] = b->vals[s];
	}
	zp_bfree(b, b->keys);
	zp_bfree(b, b->vals);
	b->keys = b->grow_keys;
	b->vals = b->grow_vals;
	b->grow_keys = NULL;
	b->grow_vals = NULL;
	b->bits = nbits;
	return 0;
}

/* Find or create the child of parent labelled cp; 0 on failure (memory, or the node limit). */
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
	if (b->n_nodes >= b->max_nodes)
	{
		b->limit = 1;			/* node ids must fit in a child reference */
		return 0;
	}
	if (b->n_nodes == b->cap_nodes)
	{
		double	   *nf;
		uint8_t    *ns;

		nf = zp_grow(b, b->node_freq, sizeof(double) * b->cap_nodes, sizeof(double) * b->cap_nodes * 2);
		if (!nf)
			return 0;
		b->node_freq = nf;
		ns = zp_grow(b, b->node_split, b->cap_nodes, (size_t) b->cap_nodes * 2);
		if (!ns)
			return 0;
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
	size_t		i = 0,
				chars = 0;

	if (b->failed || b->limit || len == 0 || !(freq > 0))
		return -1;
	/* all characters must be Han (the segmenter only walks Han runs), at most ZP_LEX_MAX_WORD_CHARS */
	while (i < len)
	{
		uint32_t	cp;

		i += zp_utf8_decode((const unsigned char *) word + i, len - i, &cp);
		if (!zp_is_han(cp) || ++chars > ZP_LEX_MAX_WORD_CHARS)
			return -1;
	}
	if (!b->usage)
	{
		b->usage = zp_balloc(b, ZP_LEX_ROOT_SIZE * sizeof(double));
		if (!b->usage)
			return -1;
	}
	i = 0;
	while (i < len)
	{
		uint32_t	cp;

		i += zp_utf8_decode((const unsigned char *) word + i, len - i, &cp);
		node = zp_lexbuilder_edge(b, node, cp);
		if (node == 0)
			return -1;
		if (cp < ZP_LEX_ROOT_SIZE)
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
	size_t		i = 0,
				chars = 0;
	uint64_t	mask = ((uint64_t) 1 << b->bits) - 1;

	if (b->failed || len == 0)
		return 0;
	while (i < len)
	{
		uint32_t	cp;
		uint64_t	key,
					s;

		if (++chars > ZP_LEX_MAX_WORD_CHARS)
			return 0;
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

	if (node == 0)
		return -1;				/* (also when the word is too long to be one) */
	while (i < len)
	{
		uint32_t	cp;

		i += zp_utf8_decode((const unsigned char *) word + i, len - i, &cp);
		n++;
	}
	if (b->node_freq[node] == 0 || chars == 0 || chars > ZP_LEX_SPLIT_MAX || chars >= n)
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

/*
 * The slot of code point cp in the emission index (its entry's, or the empty
 * one where it would go).  A hash, not a scan of the entries: the compiler
 * sets four values for each of some 15,000 characters.
 */
static uint64_t
zp_emit_slot(const ZpLexBuilder *b, const uint32_t *index, uint32_t bits, uint32_t cp)
{
	uint64_t	mask = ((uint64_t) 1 << bits) - 1,
				i = zp_lex_hash(cp + 1, bits);

	while (index[i] != 0 && b->emit_cp[index[i] - 1] != cp)
		i = (i + 1) & mask;
	return i;
}

/* Make room for one more emission entry (arrays and index); returns 0 or -1. */
static int
zp_emit_reserve(ZpLexBuilder *b)
{
	if (b->n_emit == b->cap_emit)
	{
		uint32_t	cap = b->cap_emit ? b->cap_emit * 2 : 1024;
		uint32_t   *ncp = zp_grow(b, b->emit_cp, sizeof(uint32_t) * b->cap_emit, sizeof(uint32_t) * cap);
		float	   *nlp;

		if (!ncp)
			return -1;
		b->emit_cp = ncp;
		nlp = zp_grow(b, b->emit_logp, sizeof(float) * 4 * b->cap_emit, sizeof(float) * 4 * cap);
		if (!nlp)
			return -1;
		b->emit_logp = nlp;
		b->cap_emit = cap;
	}
	if (!b->emit_index || ((uint64_t) b->n_emit + 1) * 2 > ((uint64_t) 1 << b->emit_index_bits))
	{
		uint32_t	nbits = b->emit_index ? b->emit_index_bits + 1 : 11;
		uint32_t	e;
		ZpTicker	tick;

		/* filled before it replaces the old one, and the builder's while it is filled */
		zp_bfree(b, b->grow_index);
		b->grow_index = zp_balloc(b, sizeof(uint32_t) << nbits);
		if (!b->grow_index)
			return -1;
		zp_ticker_init(&tick, &b->mem);
		for (e = 0; e < b->n_emit; e++)
		{
			b->grow_index[zp_emit_slot(b, b->grow_index, nbits, b->emit_cp[e])] = e + 1;
			zp_tick(&tick);
		}
		zp_bfree(b, b->emit_index);
		b->emit_index = b->grow_index;
		b->grow_index = NULL;
		b->emit_index_bits = nbits;
	}
	return 0;
}

int
zp_lexbuilder_set_emission(ZpLexBuilder *b, uint32_t cp, int state, float logp)
{
	uint64_t	slot;
	uint32_t	i;

	if (b->failed || state < 0 || state > 3 || cp > 0x10FFFF)
		return -1;
	if (zp_emit_reserve(b) != 0)
		return -1;
	slot = zp_emit_slot(b, b->emit_index, b->emit_index_bits, cp);
	if (b->emit_index[slot] == 0)
	{
		int			s;

		i = b->n_emit++;
		b->emit_cp[i] = cp;
		for (s = 0; s < 4; s++)
			b->emit_logp[4 * i + s] = ZP_HMM_IMPOSSIBLE;
		b->emit_index[slot] = i + 1;
	}
	else
		i = b->emit_index[slot] - 1;
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
		b->t2s = zp_balloc(b, ZP_LEX_ROOT_SIZE * sizeof(uint32_t));
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
	ZpTicker	tick;

	if (b->failed || !b->usage)
		return 0;
	if (!b->t2s)
	{
		b->t2s = zp_balloc(b, ZP_LEX_ROOT_SIZE * sizeof(uint32_t));
		if (!b->t2s)
			return 0;
	}
	zp_ticker_init(&tick, &b->mem);
	for (cp = 0x80; cp < ZP_LEX_ROOT_SIZE; cp++)
	{
		char		buf[4];
		int			len;
		double		alone;

		zp_tick(&tick);
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
				off,
				longest = 0;
	char	   *buf;
	ZpLexRootEntry *root = NULL;
	ZpLexEdge  *edges;
	uint32_t   *ekeys;
	float	   *evals;
	double		logtotal;
	ZpTicker	tick;

	if (b->limit || b->n_nodes > b->max_nodes)
	{
		snprintf(err, errlen, "too many trie nodes: the lexicon format allows %u", b->max_nodes);
		return ZP_LEX_ERR_LIMIT;
	}
	if (b->failed)
	{
		snprintf(err, errlen, "out of memory");
		return ZP_LEX_ERR_MEMORY;
	}
	zp_ticker_init(&tick, &b->mem);
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

	/* the image is malloc'd (the lexicon frees it); the builder owns both while filling them */
	zp_bfree(b, b->has_children);
	free(b->image);
	b->image = buf = calloc(1, h.file_size);
	b->has_children = zp_balloc(b, b->n_nodes);
	if (!buf || !b->has_children)
	{
		free(b->image);
		b->image = NULL;
		zp_bfree(b, b->has_children);
		b->has_children = NULL;
		b->failed = 0;			/* (it was 0 above) only this image failed: the builder is whole */
		snprintf(err, errlen, "out of memory");
		return ZP_LEX_ERR_MEMORY;
	}
	/* which nodes have children: every edge's parent */
	for (s = 0; s < ((uint64_t) 1 << b->bits); s++)
	{
		zp_tick(&tick);
		if (b->keys[s] != 0)
			b->has_children[(b->keys[s] - 1) >> 21] = 1;
	}
	if (!compact)
		root = (ZpLexRootEntry *) (buf + h.off_root);
	edges = (ZpLexEdge *) (buf + h.off_edges);
	for (s = 0; s < ((uint64_t) 1 << b->bits); s++)
	{
		uint64_t	key = b->keys[s],
					home;
		uint32_t	child = b->vals[s],
					ref;
		float		logp;
		uint64_t	parent,
					cp;

		zp_tick(&tick);
		if (key == 0)
			continue;
		parent = (key - 1) >> 21;
		cp = (key - 1) & 0x1FFFFF;
		ref = child | (b->has_children[child] ? ZP_LEX_HAS_CHILDREN : 0) |
			((uint32_t) b->node_split[child] << ZP_LEX_SPLIT_SHIFT);
		logp = b->node_freq[child] > 0 ? (float) (log(b->node_freq[child]) - logtotal) : ZP_LEX_NOT_WORD;
		home = i = zp_lex_hash(key, tbits);
		while (edges[i].key != 0)
			i = (i + 1) & (tslots - 1);
		if (((i - home) & (tslots - 1)) + 1 > longest)
			longest = ((i - home) & (tslots - 1)) + 1;
		edges[i].key = key;
		edges[i].child = ref;
		edges[i].logp = logp;
		if (root && parent == 0 && cp < ZP_LEX_ROOT_SIZE)
		{
			root[cp].child = ref;
			root[cp].logp = logp;
		}
	}
	/* the longest probe sequence bounds every lookup of the reader */
	h.edge_probes = longest > 0 ? (uint32_t) longest : 1;
	memcpy(buf, &h, sizeof(h));
	zp_bfree(b, b->has_children);
	b->has_children = NULL;
	if (root)
		for (s = 0; s < ZP_LEX_ROOT_SIZE; s++)
		{
			zp_tick(&tick);
			if (root[s].child == 0)
				root[s].logp = ZP_LEX_NOT_WORD;
		}
	if (!compact && b->t2s)
		memcpy(buf + h.off_t2s, b->t2s, (size_t) ZP_LEX_ROOT_SIZE * 4);
	ekeys = (uint32_t *) (buf + h.off_emit_keys);
	evals = (float *) (buf + h.off_emit_vals);
	for (s = 0; s < b->n_emit; s++)
	{
		uint32_t	key = b->emit_cp[s] + 1;

		zp_tick(&tick);
		i = zp_lex_hash(key, ebits);
		while (ekeys[i] != 0)
			i = (i + 1) & (eslots - 1);
		ekeys[i] = key;
		memcpy(evals + 4 * i, b->emit_logp + 4 * s, 16);
	}
	*out = buf;
	*out_size = h.file_size;
	b->image = NULL;			/* the caller's now */
	return 0;
}

int
zp_lexbuilder_write(ZpLexBuilder *b, const char *path, char *err, size_t errlen)
{
	void	   *buf;
	size_t		size;
	FILE	   *f;
	char		tmp[4096];
	int			rc;

	if (b->n_words == 0)
	{
		snprintf(err, errlen, "no words to write");
		return ZP_LEX_ERR_MEMORY;
	}
	if ((rc = zp_lexbuilder_serialize(b, 0, &buf, &size, err, errlen)) != 0)
		return rc;
	/* write to a temporary name, then rename: readers never see half a file */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f)
	{
		snprintf(err, errlen, "could not create \"%s\": %s", tmp, strerror(errno));
		free(buf);
		return ZP_LEX_ERR_MEMORY;
	}
	if (fwrite(buf, 1, size, f) != size || fclose(f) != 0)
	{
		snprintf(err, errlen, "could not write \"%s\": %s", tmp, strerror(errno));
		free(buf);
		return ZP_LEX_ERR_MEMORY;
	}
	free(buf);
	if (rename(tmp, path) != 0)
	{
		snprintf(err, errlen, "could not rename \"%s\": %s", tmp, strerror(errno));
		return ZP_LEX_ERR_MEMORY;
	}
	return 0;
}
