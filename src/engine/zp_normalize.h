/*
 * zp_normalize.h — turning a token into its lexeme.
 */
#ifndef ZP_NORMALIZE_H
#define ZP_NORMALIZE_H

#include <stddef.h>

#include "zp_alloc.h"
#include "zp_lexicon.h"

/* What to normalise beyond white space (always removed). */
#define ZP_NORM_SIMPLIFY 0x1	/* Traditional to Simplified Chinese (網絡 -> 网络) */
#define ZP_NORM_FOLD 0x2		/* Unicode NFKC and case folding (ＩＰｖ６ -> ipv6, Ä -> ä) */

/* Room a caller must give zp_normalize_token for a token of len bytes. */
#define ZP_NORM_OUT_SIZE(len) (4 * (len) + 16)

/*
 * Normalise a token: drop white space (a token bridged across a line wrap
 * holds some), then apply flags.  ASCII, CJK and full-width ASCII take a fast
 * path without ICU; other characters go through ICU's NFKC_Casefold.  out
 * must have room for ZP_NORM_OUT_SIZE(len) bytes.  lex may be NULL when
 * ZP_NORM_SIMPLIFY is not asked for.  mem gives the cancel check (called once
 * per ZP_CHECK_BYTES of a long token; nothing is allocated), or is NULL.
 * Returns the length written.
 */
size_t		zp_normalize_token(const char *in, size_t len, char *out, const ZpLexicon *lex, int flags,
							   const ZpAllocator *mem);

#endif							/* ZP_NORMALIZE_H */
