/*
 * zp_text.c — character classes.  ASCII and CJK are decided by range (the hot
 * path); everything else asks ICU's character database, so that kana, hangul,
 * Cyrillic or accented Latin count as letters and emoji or unassigned code
 * points count as "other".
 */
#include "zp_text.h"
#include <string.h>

#include <unicode/uchar.h>

/* Encode cp as UTF-8; invalid code points become U+FFFD. */
int
zp_utf8_encode(uint32_t cp, char *out)
{
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80)
	{
		out[0] = (char) cp;
		return 1;
	}
	if (cp < 0x800)
	{
		out[0] = (char) (0xC0 | (cp >> 6));
		out[1] = (char) (0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000)
	{
		out[0] = (char) (0xE0 | (cp >> 12));
		out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char) (0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char) (0xF0 | (cp >> 18));
	out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char) (0x80 | (cp & 0x3F));
	return 4;
}

/* Classify one code point for the tokenizer. */
ZpCharClass
zp_char_class(uint32_t cp)
{
	if (cp < 0x80)
	{
		if (cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v')
			return ZP_CC_NEWLINE;
		if (cp == ' ' || cp == '\t')
			return ZP_CC_SPACE;
		if (cp >= '0' && cp <= '9')
			return ZP_CC_DIGIT;
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
			return ZP_CC_LATIN;
		return ZP_CC_OTHER;
	}
	if (zp_is_han(cp))
		return ZP_CC_HAN;
	/* fast paths for the punctuation of Chinese text, without asking ICU */
	if ((cp >= 0x3001 && cp <= 0x3004) || (cp >= 0x3008 && cp <= 0x3011) ||
		(cp >= 0x3014 && cp <= 0x301F) || (cp >= 0x2010 && cp <= 0x2027) ||
		(cp >= 0x2030 && cp <= 0x205E) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
		(cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
		(cp >= 0xFF5B && cp <= 0xFF65))
		return ZP_CC_OTHER;
	if (cp >= 0xFF10 && cp <= 0xFF19)
		return ZP_CC_DIGIT;
	if ((cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A))
		return ZP_CC_LATIN;
	if (cp == 0x2028 || cp == 0x2029 || cp == 0x85)
		return ZP_CC_NEWLINE;
	if (cp == 0x3000 || cp == 0xA0 || u_isUWhiteSpace((UChar32) cp))
		return ZP_CC_SPACE;
	if ((cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF))
		return ZP_CC_OTHER;		/* variation selectors belong to the symbol before */
	if (u_isalpha((UChar32) cp) || (U_GET_GC_MASK((UChar32) cp) & (U_GC_M_MASK | U_GC_ND_MASK)))
		return ZP_CC_LETTER;
	return ZP_CC_OTHER;
}

size_t
zp_han_char_offsets(const char *s, size_t n, size_t *offs, size_t max)
{
	size_t		i = 0,
				count = 0;

	while (i < n)
	{
		uint32_t	cp;
		int			l = zp_utf8_decode((const unsigned char *) s + i, n - i, &cp);

		if (!zp_is_han(cp) || count == max)
			return 0;
		offs[count++] = i;
		i += l;
	}
	offs[count] = n;
	return count;
}

size_t
zp_index_pieces(const char *s, size_t n, size_t *start, size_t *end, size_t max)
{
	size_t		i = 0,
				count = 0;
	int			in_run = 0;

	while (i < n)
	{
		uint32_t	cp;
		int			l = zp_utf8_decode((const unsigned char *) s + i, n - i, &cp);

		if (zp_is_han(cp) || (cp >= '0' && cp <= '9'))
		{
			if (count == max)
				return 0;
			start[count] = i;
			end[count++] = i + l;
			in_run = 0;
		}
		else if (in_run)
			end[count - 1] = i + l;
		else
		{
			if (count == max)
				return 0;
			start[count] = i;
			end[count++] = i + l;
			in_run = 1;
		}
		i += l;
	}
	return count;
}

int
zp_has_han(const char *s, size_t n)
{
	size_t		i = 0;

	while (i < n)
	{
		uint32_t	cp;

		i += zp_utf8_decode((const unsigned char *) s + i, n - i, &cp);
		if (zp_is_han(cp))
			return 1;
	}
	return 0;
}

int
zp_cp_in_set(const char *set, uint32_t cp)
{
	char		buf[5];
	int			n = zp_utf8_encode(cp, buf);

	buf[n] = '\0';
	return n > 0 && strstr(set, buf) != NULL;
}
