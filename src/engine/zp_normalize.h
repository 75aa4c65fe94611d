/*
 * zp_normalize.h — turning a token into its lexeme.
 */
#ifndef ZP_NORMALIZE_H
#define ZP_NORMALIZE_H

#include <stddef.h>

/*
 * Normalise a token: drop white space (a token bridged across a line wrap
 * holds some), fold full-width ASCII to half-width and ASCII letters to lower
 * case.  out must have room for len bytes; the result is never longer.
 * Returns the length written.
 */
size_t		zp_normalize_token(const char *in, size_t len, char *out);

#endif							/* ZP_NORMALIZE_H */
