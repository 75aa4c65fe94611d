/*
 * zp_lexicon.h — the compiled lexicon: a character trie stored as one
 * open-addressing hash table of edges, plus the HMM tables used for runs of
 * characters the lexicon does not know.
 *
 * The file is written once at build time (src/tools/zp_lexcompile.c) and
 * opened read-only with mmap, so every backend of a server shares one copy
 * through the page cache and a backend's private memory does not grow with
 * the lexicon.
 *
 * Layout for speed: segmentation walks the trie from every character, so
 * each step must cost at most one cache miss.  An edge slot (16 bytes) holds
 * the key (parent node, code point), the child's id, whether the child has
 * children, and the log probability of the word ending at the child: one
 * read answers "is there an edge, is it a word, can it go on".  Edges from
 * the root for BMP code points are also kept in a direct array indexed by
 * code point (512 kB, hot in cache).  A word's child reference also holds
 * its split point (in characters, 0 = none): where the fine-grained
 * convention cuts a dictionary compound (体育用品 -> 体育 用品, 一个 -> 一 个);
 * the tokenizer cuts there when it emits the word.  Node ids only ever form keys, never
 * index an array, so a corrupt file cannot make a reader go out of bounds.
 *
 * A damaged file cannot make a reader loop: every probe sequence stops after
 * a bound (the longest probe sequence the builder made, recorded in the
 * header, or the table size for files that do not record it), every trie
 * walk stops at ZP_LEX_MAX_WORD_CHARS, and the loader refuses tables that
 * are not at most half full (what the builder makes).  Opening checks the
 * header and the small emission table only: the edge table is too big to read
 * on a backend's first call; zp_lexicon_verify reads all of it.
 */
#ifndef ZP_LEXICON_H
#define ZP_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#include "zp_alloc.h"

#define ZP_LEX_MAGIC "ZPLEXv04"
#define ZP_LEX_VERSION 4
#define ZP_LEX_BYTE_ORDER 0x01020304u
#define ZP_LEX_NOT_WORD 1.0f	/* logp of a prefix that is no word */
#define ZP_LEX_HAS_CHILDREN 0x80000000u /* flag in a child reference */
#define ZP_LEX_NODE_MASK 0x03FFFFFFu
#define ZP_LEX_SPLIT_SHIFT 26		/* bits 26-30 of a child reference: where the word splits */
#define ZP_LEX_SPLIT_MAX 31
#define ZP_LEX_MAX_WORD_CHARS 64	/* longer words are refused by the builder; trie walks stop there */
#define ZP_LEX_ROOT_SIZE 65536	/* root edges of BMP code points, by code point */
#define ZP_LEX_T2S_MASK 0xFFFFu	/* a T2S entry: the Simplified form in the low 16 bits ... */
#define ZP_LEX_STANDALONE 0x80000000u	/* ... and this flag: the character is mostly a word on its own */

/* HMM states of the character-tagging model, in file order. */
enum
{
	ZP_HMM_B = 0, ZP_HMM_E = 1, ZP_HMM_M = 2, ZP_HMM_S = 3
};

/* On-disk header; every offset is from the start of the file, 8-byte aligned. */
typedef struct ZpLexHeader
{
	char		magic[8];
	uint32_t	version;
	uint32_t	byte_order;
	uint32_t	n_nodes;
	uint32_t	n_words;
	uint32_t	trie_bits;
	uint32_t	emit_bits;
	uint32_t	n_emit;
	float		unknown_logp;	/* cost of a character no word starts with */
	float		hmm_start[4];
	float		hmm_trans[4][4];
	uint32_t	edge_probes;	/* longest probe sequence in the edge table (0: not recorded) */
	uint64_t	file_size;
	uint64_t	off_root;		/* ZpLexRootEntry[ZP_LEX_ROOT_SIZE] */
	uint64_t	off_edges;		/* ZpLexEdge[1 << trie_bits] */
	uint64_t	off_emit_keys;	/* uint32[1 << emit_bits] */
	uint64_t	off_emit_vals;	/* float[4 << emit_bits] */
	uint64_t	off_t2s;		/* uint32[ZP_LEX_ROOT_SIZE]: Simplified form of a BMP code point (0 = same),
								 * | ZP_LEX_STANDALONE */
	uint32_t	n_t2s;			/* how many code points have a Simplified form */
	uint32_t	compact;		/* 1: no root array, no T2S table (a small in-memory lexicon) */
} ZpLexHeader;

/* A root edge: child reference (0 = none) and the word's log probability. */
typedef struct ZpLexRootEntry
{
	uint32_t	child;			/* node id | ZP_LEX_HAS_CHILDREN, or 0 */
	float		logp;
} ZpLexRootEntry;

/* An edge slot of the hash table (key 0 = empty). */
typedef struct ZpLexEdge
{
	uint64_t	key;
	uint32_t	child;			/* node id | ZP_LEX_HAS_CHILDREN */
	float		logp;			/* of the word ending at the child, or ZP_LEX_NOT_WORD */
} ZpLexEdge;

/* An opened lexicon: pointers into the mapped file. */
typedef struct ZpLexicon
{
	const ZpLexHeader *hdr;
	const ZpLexRootEntry *root;
	const ZpLexEdge *edges;
	const uint32_t *emit_keys;
	const float *emit_vals;
	const uint32_t *t2s;
	uint64_t	trie_mask;
	uint64_t	emit_mask;
	uint32_t	trie_bits;
	uint32_t	edge_probes;	/* a lookup of the edge table stops after this many probes */
	uint32_t	emit_probes;	/* ... and of the emission table */
	void	   *map;			/* the mapped file, or NULL */
	size_t		map_size;
	void	   *buffer;			/* or the malloc'd buffer (zp_lexicon_open_buffer) */
} ZpLexicon;

/* Key of the trie edge (parent, cp); never 0, which marks an empty slot. */
static inline uint64_t
zp_lex_edge_key(uint32_t parent, uint32_t cp)
{
	return (((uint64_t) parent << 21) | (cp & 0x1FFFFF)) + 1;
}

/* Slot a key hashes to in a table of 2^bits slots. */
static inline uint64_t
zp_lex_hash(uint64_t key, uint32_t bits)
{
	return (key * 0x9E3779B97F4A7C15ull) >> (64 - bits);
}

/*
 * The probes after the first of zp_lex_next, from slot i: at most
 * lex->edge_probes in all (no key is further from its slot), so a damaged
 * table without an empty slot ends here too.
 */
static inline uint32_t
zp_lex_next_probe(const ZpLexicon *lex, uint64_t key, uint64_t i, float *logp)
{
	uint32_t	probes;

	for (probes = lex->edge_probes; --probes > 0;)
	{
		const ZpLexEdge *e;

		i = (i + 1) & lex->trie_mask;
		e = &lex->edges[i];
		if (e->key == key)
		{
			*logp = e->logp;
			return e->child;
		}
		if (e->key == 0)
			return 0;
	}
	return 0;
}

/*
 * Follow the edge labelled cp from node.  Returns the child reference (node id
 * | ZP_LEX_HAS_CHILDREN) and sets *logp, or returns 0 when there is no edge.
 * The first probe, which answers most lookups, needs no bound.
 */
static inline uint32_t
zp_lex_next(const ZpLexicon *lex, uint32_t node, uint32_t cp, float *logp)
{
	uint64_t	key,
				i;
	const ZpLexEdge *e;

	if (node == 0 && cp < ZP_LEX_ROOT_SIZE && lex->root)
	{
		*logp = lex->root[cp].logp;
		return lex->root[cp].child;
	}
	key = zp_lex_edge_key(node, cp);
	i = zp_lex_hash(key, lex->trie_bits);
	e = &lex->edges[i];
	if (e->key == key)
	{
		*logp = e->logp;
		return e->child;
	}
	if (e->key == 0)
		return 0;
	return zp_lex_next_probe(lex, key, i, logp);
}

/* Split point, in characters, stored in a word's child reference (0 = keep whole). */
static inline unsigned
zp_lex_split_of(uint32_t child)
{
	return (child >> ZP_LEX_SPLIT_SHIFT) & ZP_LEX_SPLIT_MAX;
}

/* The Simplified Chinese form of a code point (itself when it has none). */
static inline uint32_t
zp_lex_simplify(const ZpLexicon *lex, uint32_t cp)
{
	uint32_t	s;

	if (cp >= ZP_LEX_ROOT_SIZE || !lex->t2s)
		return cp;
	s = lex->t2s[cp] & ZP_LEX_T2S_MASK;
	return s != 0 ? s : cp;
}

/*
 * Is the (Simplified) character cp used more often as a word on its own than
 * inside longer words, by the lexicon's frequencies (是, 为, 的)?  The HMM
 * never makes such a character part of an unknown word.
 */
static inline int
zp_lex_standalone(const ZpLexicon *lex, uint32_t cp)
{
	return cp < ZP_LEX_ROOT_SIZE && lex->t2s && (lex->t2s[cp] & ZP_LEX_STANDALONE) != 0;
}

/* HMM emission log probabilities of cp (4 floats, B E M S), or NULL if unseen. */
const float *zp_lex_emission(const ZpLexicon *lex, uint32_t cp);

/* Look a whole word up; returns its log probability or ZP_LEX_NOT_WORD. */
float		zp_lex_lookup(const ZpLexicon *lex, const char *word, size_t len);

/*
 * Map and validate a compiled lexicon: the header (magic, version, byte order,
 * sizes and offsets against the file, tables at most half full, probe bounds)
 * and the emission table.  Returns 0 on success; otherwise -1 with a message
 * (naming the problem, not the file) in err.
 */
int			zp_lexicon_open(const char *path, ZpLexicon *lex, char *err, size_t errlen);

/*
 * Read the whole edge table of an opened lexicon: as many edges as the header
 * says, an empty slot, every key within the probe bound of its slot.  Returns
 * 0, or -1 with a message (the compiler runs it on what it wrote).
 */
int			zp_lexicon_verify(const ZpLexicon *lex, char *err, size_t errlen);

/*
 * Use a lexicon serialised in memory (zp_lexbuilder_serialize); on success the
 * lexicon owns buf and frees it on close.  Returns 0, or -1 with a message.
 */
int			zp_lexicon_open_buffer(void *buf, size_t size, ZpLexicon *lex, char *err, size_t errlen);

/* Unmap or free a lexicon. */
void		zp_lexicon_close(ZpLexicon *lex);

/* Building a lexicon file (the compiler, the user words of a backend and the unit tests). */
typedef struct ZpLexBuilder ZpLexBuilder;

/* What zp_lexbuilder_serialize and zp_lexbuilder_write return on failure. */
#define ZP_LEX_ERR_MEMORY (-1)	/* out of memory (or no words, or a file could not be written) */
#define ZP_LEX_ERR_LIMIT (-2)	/* a limit of the format: too many trie nodes */

/*
 * A new builder whose tables come from mem (NULL: malloc), or NULL without
 * memory.  Builders never exit: after a failed allocation every call is a
 * no-op and serialising reports "out of memory".  mem's check is called in
 * the loops that grow with the builder's size; after a cancel (a longjmp out
 * of a builder call) zp_lexbuilder_free still releases everything, including
 * a half-written image.
 */
ZpLexBuilder *zp_lexbuilder_new(const ZpAllocator *mem);
void		zp_lexbuilder_free(ZpLexBuilder *b);

/* Lower the limit on trie nodes (the format allows ZP_LEX_NODE_MASK + 1; the tests reach a smaller one). */
void		zp_lexbuilder_set_max_nodes(ZpLexBuilder *b, uint32_t max_nodes);

/* Use total (not the sum of the words' frequencies) when turning frequencies into probabilities. */
void		zp_lexbuilder_set_total(ZpLexBuilder *b, double total);

/* Add a word with a frequency (> 0); returns 0, or -1 if the word holds a non-Han character, has
 * more than ZP_LEX_MAX_WORD_CHARS characters, or a limit or memory ran out. */
int			zp_lexbuilder_add(ZpLexBuilder *b, const char *word, size_t len, double freq);

/* Frequency of a word added so far (0 when it is not a word). */
double		zp_lexbuilder_freq(const ZpLexBuilder *b, const char *word, size_t len);

/* Make the tokenizer cut a word after its first `chars` characters (1..ZP_LEX_SPLIT_MAX,
 * fewer than the word has); returns 0, or -1 if the word is unknown or chars is out of range. */
int			zp_lexbuilder_set_split(ZpLexBuilder *b, const char *word, size_t len, unsigned chars);

/* Set the HMM start and transition log probabilities (B E M S order). */
void		zp_lexbuilder_set_hmm(ZpLexBuilder *b, const float start[4], const float trans[4][4]);

/* Set the emission log probability of cp in state (ZP_HMM_*). */
int			zp_lexbuilder_set_emission(ZpLexBuilder *b, uint32_t cp, int state, float logp);

/* Sum of the frequencies of the words that contain BMP code point cp. */
double		zp_lexbuilder_char_usage(const ZpLexBuilder *b, uint32_t cp);

/* Flag the characters whose one-character word has at least `share` of the frequency of all the
 * words that hold them (zp_lex_standalone); returns how many. */
long		zp_lexbuilder_mark_standalone(ZpLexBuilder *b, double share);

/* Record that Traditional code point from is written to in Simplified Chinese (both BMP). */
int			zp_lexbuilder_set_simplified(ZpLexBuilder *b, uint32_t from, uint32_t to);

/*
 * Serialise to a malloc'd buffer (whatever the builder's allocator: the
 * lexicon that opens it frees it); compact leaves out the root array and the
 * T2S table (for small lexicons held in memory).  Returns 0, or
 * ZP_LEX_ERR_MEMORY or ZP_LEX_ERR_LIMIT with a message.
 */
int			zp_lexbuilder_serialize(ZpLexBuilder *b, int compact, void **buf, size_t *size,
									char *err, size_t errlen);

/* Write the compiled file; returns 0, or ZP_LEX_ERR_MEMORY or ZP_LEX_ERR_LIMIT with a message in err. */
int			zp_lexbuilder_write(ZpLexBuilder *b, const char *path, char *err, size_t errlen);

#endif							/* ZP_LEXICON_H */
