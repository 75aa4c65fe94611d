/*
 * zp_headline.h — choosing the fragments of a headline in linear time.
 *
 * PostgreSQL's prsd_headline finds its fragments by evaluating the tsquery on
 * lexeme positions, which a tsvector caps at 16,383: past that every word has
 * the same position, every cover it tries spans the rest of the document, and
 * each try allocates position arrays of that length (about 2 s and 1 GB for a
 * 1 MB document, killed by the OOM killer at 100 MB).  This selector works on
 * token indexes instead: each token says whether it is a word, whether it may
 * end a fragment, and which query term (needle) it holds, and the selector
 * returns which tokens are in the headline.  It keeps prsd_headline's options
 * (MaxWords, MinWords, MaxFragments) and their meaning, scores a candidate
 * fragment by the number of distinct query terms in it, then by the number of
 * matches, and runs in O(n log n) time and O(n) memory for n tokens.
 */
#ifndef ZP_HEADLINE_H
#define ZP_HEADLINE_H

#include <stddef.h>
#include <stdint.h>

#include "zp_alloc.h"

/* One token of the document, as the selector sees it. */
typedef struct ZpHlToken
{
	int32_t		hit;			/* index of the query term it holds, or -1 */
	uint8_t		word;			/* counts towards MaxWords and MinWords */
	uint8_t		good_end;		/* may begin or end a fragment (a match always may) */
	uint8_t		in;				/* out: in the headline */
	uint8_t		pad;
} ZpHlToken;

/* prsd_headline's options, already validated (1 <= min_words < max_words). */
typedef struct ZpHlOptions
{
	int			max_words;
	int			min_words;
	int			max_fragments;	/* 0: one fragment, the best cover stretched to MinWords */
	int			nterms;			/* hits are in [0, nterms) */
} ZpHlOptions;

/*
 * Set tok[i].in for the tokens of the headline.  A stretch of a fragment walks
 * at most ZP_HL_WALK(max_words) tokens each way, so a document of blanks cannot
 * make it quadratic.  Returns 0, or -1 when memory is short (tok unchanged).
 * mem's cancel check may longjmp out; the selector's buffers are then mem's to
 * free.
 */
int			zp_headline_select(ZpHlToken *tok, size_t n, const ZpHlOptions *opt,
							   const ZpAllocator *mem);

#define ZP_HL_WALK(max_words) ((size_t) (max_words) * 8 + 256)

#endif							/* ZP_HEADLINE_H */
