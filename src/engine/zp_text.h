/*
 * zp_text.h — UTF-8 decoding and character classes for the zhpolicy engine.
 *
 * The engine works on byte buffers that are meant to be UTF-8 but must never
 * crash on bytes that are not: an invalid sequence decodes as U+FFFD with a
 * length of one byte, so every loop still advances.  No PostgreSQL headers.
 */
#ifndef ZP_TEXT_H
#define ZP_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* What a code point is, for the tokenizer's decisions. */
typedef enum ZpCharClass
{
	ZP_CC_SPACE = 0,			/* white space, including U+3000 */
	ZP_CC_NEWLINE,				/* \n (and \r, \f, \v, U+2028/2029) */
	ZP_CC_HAN,					/* CJK ideographs and 〇 */
	ZP_CC_LATIN,				/* ASCII or full-width letter */
	ZP_CC_DIGIT,				/* ASCII or full-width digit */
	ZP_CC_LETTER,				/* any other letter or mark (kana, hangul, cyrillic, é) */
	ZP_CC_OTHER					/* punctuation, symbols, emoji, unassigned */
} ZpCharClass;

/* Decode one code point at s (n bytes available); returns its byte length (>= 1). */
static inline int
zp_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];

	if (c < 0x80)
	{
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF && n >= 2 && (s[1] & 0xC0) == 0x80)
	{
		*cp = ((uint32_t) (c & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if (c >= 0xE0 && c <= 0xEF && n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80)
	{
		uint32_t	v = ((uint32_t) (c & 0x0F) << 12) | ((uint32_t) (s[1] & 0x3F) << 6) | (s[2] & 0x3F);

		if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF))
		{
			*cp = v;
			return 3;
		}
	}
	if (c >= 0xF0 && c <= 0xF4 && n >= 4 && (s[1] & 0xC0) == 0x80 &&
		(s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80)
	{
		uint32_t	v = ((uint32_t) (c & 0x07) << 18) | ((uint32_t) (s[1] & 0x3F) << 12) |
			((uint32_t) (s[2] & 0x3F) << 6) | (s[3] & 0x3F);

		if (v >= 0x10000 && v <= 0x10FFFF)
		{
			*cp = v;
			return 4;
		}
	}
	*cp = 0xFFFD;
	return 1;
}

/* Encode cp as UTF-8 into out (4 bytes room); returns the length. */
int			zp_utf8_encode(uint32_t cp, char *out);

/* Is code point cp one of the characters of the UTF-8 string set? */
int			zp_cp_in_set(const char *set, uint32_t cp);

/* Is cp a CJK ideograph (the characters we segment)? */
static inline int
zp_is_han(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
		(cp >= 0x20000 && cp <= 0x3134F) || (cp >= 0xF900 && cp <= 0xFAFF) ||
		cp == 0x3007;
}

/* Classify a code point. */
ZpCharClass zp_char_class(uint32_t cp);

/* Map a full-width ASCII variant (U+FF01..U+FF5E) to ASCII; other code points unchanged. */
static inline uint32_t
zp_fold_width(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return cp - 0xFF01 + 0x21;
	if (cp == 0x3000)
		return 0x20;
	return cp;
}

/* Display width of a code point in a plain-text layout: 2 for wide (CJK), else 1. */
static inline int
zp_display_width(uint32_t cp)
{
	if (zp_is_han(cp) || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF60) ||
		(cp >= 0x2018 && cp <= 0x201D) || cp == 0x2014 || cp == 0x2026 || cp == 0x00B7 ||
		(cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x3040 && cp <= 0x30FF))
		return 2;
	return 1;
}

/*
 * If s[0..n) is made only of Han characters (at most max of them), store the
 * byte offset of each and of the end in offs[0..count] and return count;
 * otherwise return 0.
 */
size_t		zp_han_char_offsets(const char *s, size_t n, size_t *offs, size_t max);

/* Does s[0..n) hold a Han character? */
int			zp_has_han(const char *s, size_t n);

/*
 * Split a lexeme into the pieces that take one position each when characters
 * are indexed: every Han character and every ASCII digit alone, and every run
 * of other characters (2023年11月 -> 2,0,2,3,年,1,1,月; IPv6 -> ipv, 6), so that
 * a query for the tail of a number (2月 in 12月) finds it as LIKE does.  Stores
 * piece i as [start[i], end[i]) and returns the count, or 0 if there are more
 * than max pieces.
 */
size_t		zp_index_pieces(const char *s, size_t n, size_t *start, size_t *end, size_t max);

#endif							/* ZP_TEXT_H */
