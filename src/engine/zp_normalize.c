/*
 * zp_normalize.c — token to lexeme (see zp_normalize.h).
 *
 * ICU's NFKC_Casefold normaliser is a process-wide singleton owned by ICU
 * (unorm2_getNFKCCasefoldInstance): nothing to open per call or close.
 */
#include "zp_normalize.h"
#include "zp_text.h"

#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#define ZP_ICU_MAX_TOKEN 512	/* longer tokens skip ICU (only blobs are that long) */

/* Does the token need ICU (a character other than ASCII, CJK or full-width ASCII)? */
static int
needs_icu(const unsigned char *s, size_t len)
{
	size_t		i = 0;

	while (i < len)
	{
		uint32_t	cp;

		if (s[i] < 0x80)
		{
			i++;
			continue;
		}
		i += zp_utf8_decode(s + i, len - i, &cp);
		if (!zp_is_han(cp) && !(cp >= 0xFF01 && cp <= 0xFF5E) && cp != 0x3000)
			return 1;
	}
	return 0;
}

/*
 * The fast path: white space out, width and ASCII case folded, Han
 * simplified.  Read in blocks of ZP_CHECK_BYTES with a cancel check between
 * them (a token can be as long as the caller likes).
 */
static size_t
normalize_simple(const unsigned char *s, size_t len, char *out, const ZpLexicon *lex, int flags,
				 const ZpAllocator *mem)
{
	size_t		i = 0,
				o = 0,
				block_end = len > ZP_CHECK_BYTES ? ZP_CHECK_BYTES : len;

	for (;;)
	{
		uint32_t	cp;
		int			n;

		if (i >= block_end)
		{
			if (i >= len)
				break;
			zp_check(mem);
			block_end = len - i > ZP_CHECK_BYTES ? i + ZP_CHECK_BYTES : len;
		}

		if (s[i] < 0x80)
		{
			unsigned char c = s[i++];

			if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
				continue;
			out[o++] = (char) ((flags & ZP_NORM_FOLD) && c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
			continue;
		}
		n = zp_utf8_decode(s + i, len - i, &cp);
		i += n;
		if (zp_char_class(cp) == ZP_CC_SPACE || zp_char_class(cp) == ZP_CC_NEWLINE)
			continue;
		if ((flags & ZP_NORM_FOLD) && cp >= 0xFF01 && cp <= 0xFF5E)
		{
			uint32_t	c = zp_fold_width(cp);

			out[o++] = (char) (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
			continue;
		}
		if ((flags & ZP_NORM_SIMPLIFY) && lex && zp_is_han(cp))
		{
			uint32_t	sc = zp_lex_simplify(lex, cp);

			/* a damaged table must not change the text's length */
			if (sc >= 0x800 && sc <= 0xFFFF && !(sc >= 0xD800 && sc <= 0xDFFF) && n == 3)
				cp = sc;
			o += (size_t) zp_utf8_encode(cp, out + o);
			continue;
		}
		memcpy(out + o, s + i - n, (size_t) n);
		o += (size_t) n;
	}
	return o;
}

size_t
zp_normalize_token(const char *in, size_t len, char *out, const ZpLexicon *lex, int flags,
				   const ZpAllocator *mem)
{
	const unsigned char *s = (const unsigned char *) in;
	UChar		src[ZP_ICU_MAX_TOKEN],
				dst[4 * ZP_ICU_MAX_TOKEN];
	char		folded[3 * 4 * ZP_ICU_MAX_TOKEN];
	int32_t		srclen,
				dstlen,
				flen;
	UErrorCode	status = U_ZERO_ERROR;
	const UNormalizer2 *nfkc;

	if (!(flags & ZP_NORM_FOLD) || len > ZP_ICU_MAX_TOKEN || !needs_icu(s, len))
		return normalize_simple(s, len, out, lex, flags, mem);
	nfkc = unorm2_getNFKCCasefoldInstance(&status);
	u_strFromUTF8WithSub(src, ZP_ICU_MAX_TOKEN, &srclen, in, (int32_t) len, 0xFFFD, NULL, &status);
	if (U_SUCCESS(status))
		dstlen = unorm2_normalize(nfkc, src, srclen, dst, 4 * ZP_ICU_MAX_TOKEN, &status);
	if (U_SUCCESS(status))
		u_strToUTF8(folded, (int32_t) sizeof(folded), &flen, dst, dstlen, &status);
	if (U_FAILURE(status) || (size_t) flen > 3 * len + 16)
		return normalize_simple(s, len, out, lex, flags, mem);
	return normalize_simple((const unsigned char *) folded, (size_t) flen, out, lex, flags, mem);
}
