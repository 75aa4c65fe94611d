/*
 * zp_bigram.h — the keys of the whole-document text index (gin_bigram_ops).
 *
 * A key is a pair of adjacent characters of the text, each folded to 16 bits:
 *
 *     key = fold(a) << 16 | fold(b)
 *
 * fold() lower-cases ASCII, maps full-width ASCII to ASCII, U+3000 to a space
 * and squeezes a code point beyond the BMP into 16 bits; every other code
 * point is itself.  A character followed by white space, a control character
 * or the end of the text also gives the key (fold(a), 0), so that every
 * character of the text starts at least one key and "every key that starts
 * with a" is the contiguous range [a << 16, a << 16 | 0xFFFF].  No key spans
 * white space.
 *
 * Exactness: when a text contains the query q (bytes, as strpos finds it),
 * every key of q is a key of the text, because q's adjacent pairs are the
 * text's and fold is a function.  So "all query keys present" never misses a
 * row; the caller rechecks the row unless the keys decide alone (see
 * ZpBigramQuery.exact).  No PostgreSQL headers.
 */
#ifndef ZP_BIGRAM_H
#define ZP_BIGRAM_H

#include "zp_alloc.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The keys of a text: at most len + 1 of them, unsorted, written to keys. */
extern size_t zp_bigram_text_keys(const char *text, size_t len, uint32_t *keys, const ZpAllocator *mem);

/* Sort keys ascending (repeats kept); returns 0, or -1 when memory is short (keys unchanged).
 * Cancellable like zp_bigram_sort_unique. */
extern int	zp_bigram_sort(uint32_t *keys, size_t n, const ZpAllocator *mem);

/*
 * Sort keys ascending and drop repeats; returns the number left, or SIZE_MAX
 * when memory is short (keys are then unchanged).  Cancellable: a cancel
 * leaves keys in some order and its scratch memory to the allocator.
 */
extern size_t zp_bigram_sort_unique(uint32_t *keys, size_t n, const ZpAllocator *mem);

/* What a query means. */
typedef enum ZpBigramQueryKind
{
	ZP_BIGRAM_SUBSTRING,		/* the text contains q (strpos(text, q) > 0) */
	ZP_BIGRAM_LIKE,				/* text LIKE q (backslash escapes, % and _) */
	ZP_BIGRAM_ILIKE				/* text ILIKE q */
} ZpBigramQueryKind;

/* The keys a matching text must have. */
typedef struct ZpBigramQuery
{
	uint32_t   *keys;			/* sorted, unique, from mem; NULL when nkeys is 0 */
	size_t		nkeys;			/* 0: every text is a candidate (recheck them all) */
	bool		prefix;			/* one key that stands for the range of keys that start with it */
	bool		exact;			/* the keys decide alone: no recheck of the text is needed */
} ZpBigramQuery;

/*
 * The keys of query q of the given kind into out.  Returns 0, or -1 when
 * memory is short.  For ILIKE only characters without case (no cased letter,
 * no case-ignorable mark: Han, digits, most punctuation) give keys, because
 * the server's lower() may map a cased character to one the fold does not.
 */
extern int	zp_bigram_query(const char *q, size_t len, ZpBigramQueryKind kind, const ZpAllocator *mem,
							ZpBigramQuery *out);

/* Whether a sorted key set matches a query's keys (the index's consistent test, for unit tests). */
extern bool zp_bigram_keys_match(const uint32_t *text_keys, size_t ntext, const ZpBigramQuery *query);

#endif							/* ZP_BIGRAM_H */
