/*
 * zp_layout.c — margin detection for hard-wrapped text (see zp_layout.h).
 */
#include "zp_layout.h"
#include "zp_text.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define ZP_MAX_WIDTH 400		/* widths above this are not margins */
#define ZP_MIN_MARGIN 20		/* a margin narrower than 10 CJK characters is no margin */
#define ZP_MARGIN_SLACK 4		/* a full line may fall 2 CJK characters short */

#ifdef __SSE2__
/*
 * The common bytes of Chinese lines, 16 at a time: if s[0..16) holds only
 * ASCII characters that are not blank (one column) and three-byte sequences
 * that the walk below finds two columns wide and not blank (U+4000..U+9FFF,
 * U+3001..U+303F, U+FF01..U+FF60, and ‘’“”—…), return how many of its bytes
 * make whole characters (14..16: a character may go on past the 16) and set
 * *w to their width; else return 0.  Reads s[0..18).
 */
static inline int
simple_block(const unsigned char *s, int *w)
{
	const __m128i v0 = _mm_loadu_si128((const __m128i *) s),
				v1 = _mm_loadu_si128((const __m128i *) (s + 1)),
				v2 = _mm_loadu_si128((const __m128i *) (s + 2)),
				zero = _mm_setzero_si128(),
				c0 = _mm_set1_epi8((char) 0xC0),
				x80 = _mm_set1_epi8((char) 0x80);
	/* x in [lo, lo + n]: x - lo saturating-less-than n + 1, as unsigned bytes */
#define IN_RANGE(x, lo, n) _mm_cmpeq_epi8(_mm_subs_epu8(_mm_sub_epi8((x), _mm_set1_epi8((char) (lo))), \
														_mm_set1_epi8((char) (n))), zero)
#define IS(x, b) _mm_cmpeq_epi8((x), _mm_set1_epi8((char) (b)))
	__m128i		cont1 = _mm_cmpeq_epi8(_mm_and_si128(v1, c0), x80),
				cont2 = _mm_cmpeq_epi8(_mm_and_si128(v2, c0), x80),
				cont0 = _mm_cmpeq_epi8(_mm_and_si128(v0, c0), x80),
				cjk = IN_RANGE(v0, 0xE4, 5),
				e3 = _mm_and_si128(IS(v0, 0xE3), _mm_andnot_si128(IS(v2, 0x80), IS(v1, 0x80))),
				ef = _mm_and_si128(IS(v0, 0xEF),
								   _mm_or_si128(_mm_andnot_si128(IS(v2, 0x80), IS(v1, 0xBC)),
												_mm_and_si128(IS(v1, 0xBD), IN_RANGE(v2, 0x80, 0x20)))),
				e2 = _mm_and_si128(_mm_and_si128(IS(v0, 0xE2), IS(v1, 0x80)),
								   _mm_or_si128(_mm_or_si128(IS(v2, 0x94), IS(v2, 0xA6)),
												_mm_or_si128(IN_RANGE(v2, 0x98, 1), IN_RANGE(v2, 0x9C, 1)))),
				wide = _mm_and_si128(_mm_or_si128(_mm_or_si128(cjk, e3), _mm_or_si128(ef, e2)),
									 _mm_and_si128(cont1, cont2)),
				ascii = IN_RANGE(v0, 0x21, 0x7E - 0x21);
#undef IN_RANGE
#undef IS
	uint32_t	W = (uint32_t) _mm_movemask_epi8(wide),
				A = (uint32_t) _mm_movemask_epi8(ascii),
				C = (uint32_t) _mm_movemask_epi8(cont0),
				E = (W << 1) | (W << 2);	/* where the continuation bytes of the wide ones lie */
	int			n;

	/* every byte is one of them, and the continuation bytes are exactly those of the wide ones */
	if ((A | W | C) != 0xFFFF || C != (E & 0xFFFF))
		return 0;
	/* a character that goes on past the block is left to the next one */
	n = (W & 0x8000) ? 15 : (W & 0x4000) ? 14 : 16;
	/* the n bytes are ASCII (one column each) or three-byte characters (two): n less their number */
	{
		__m128i		sum = _mm_sad_epu8(_mm_and_si128(wide, _mm_set1_epi8(1)), zero);

		*w = n - (_mm_cvtsi128_si32(sum) + _mm_extract_epi16(sum, 4) - (n < 16));
	}
	return n;
}
#endif

/* Width of [s, e) with leading and trailing blanks ignored, capped. */
static int
zp_span_width(const unsigned char *s, const unsigned char *e, ZpTicker *tick)
{
	int			width = 0,
				pending = 0,
				seen = 0;

#ifdef __SSE2__
	const unsigned char *simd_from = s;	/* after a block that is not simple, the next try */
#endif

	while (s < e && width <= ZP_MAX_WIDTH)
	{
		uint32_t	cp;
		int			n,
					w,
					blank;

#ifdef __SSE2__
		/* 16 bytes of non-blank characters at once while the cap cannot be reached (the same sum) */
		if (s >= simd_from && e - s >= 18 && width + pending <= ZP_MAX_WIDTH - 32)
		{
			n = simple_block(s, &w);
			if (n > 0)
			{
				width += pending + w;
				pending = 0;
				seen = 1;
				s += n;
				continue;
			}
			simd_from = s + 16;
		}
#endif
		if (*s >= 0xE4 && *s <= 0xE9 && e - s >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80)
		{
			/* U+4000..U+9FFF: CJK ideographs, the common case, two columns wide: a run at a time */
			width += pending;
			pending = 0;
			seen = 1;
			do
			{
				width += 2;
				s += 3;
			} while (s < e && width <= ZP_MAX_WIDTH && e - s >= 3 && *s >= 0xE4 && *s <= 0xE9 &&
					 (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80);
			continue;
		}
		else if (*s < 0x80)
		{
			/* ASCII: digits, letters and spaces */
			cp = *s;
			n = 1;
			w = 1;
			blank = cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == '\f' || cp == '\v';
		}
		else
		{
			n = zp_utf8_decode(s, (size_t) (e - s), &cp);
			if (zp_is_han(cp) || (cp >= 0x3001 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF60))
			{
				/* ideographs, and the punctuation of Chinese text (no ICU lookup): wide, not blank */
				w = 2;
				blank = 0;
			}
			else
			{
				ZpCharClass cls = zp_char_class(cp);

				w = zp_display_width(cp);
				blank = cls == ZP_CC_SPACE || cls == ZP_CC_NEWLINE;
			}
		}
		if (blank)
		{
			/* only blanks can make the walk long (width stops it otherwise): they tick */
			if (seen)
				pending += w;
			if (tick)
				zp_tick(tick);
		}
		else
		{
			width += pending + w;
			pending = 0;
			seen = 1;
		}
		s += n;
	}
	return width;
}

/* Width of a piece of text. */
int
zp_layout_text_width(const char *s, size_t n, const ZpAllocator *mem)
{
	ZpTicker	tick;

	zp_ticker_init(&tick, mem);
	return zp_span_width((const unsigned char *) s, (const unsigned char *) s + n, &tick);
}

/* Width of the line that ends at byte end. */
int
zp_layout_line_width(const char *text, size_t end)
{
	size_t		start = end;

	while (start > 0 && text[start - 1] != '\n' && end - start < 4 * ZP_MAX_WIDTH)
		start--;
	/* do not start inside a UTF-8 sequence */
	while (start < end && (((unsigned char) text[start]) & 0xC0) == 0x80)
		start++;
	/* at most 4 * ZP_MAX_WIDTH bytes: no cancel check needed */
	return zp_span_width((const unsigned char *) text + start, (const unsigned char *) text + end, NULL);
}

void
zp_layout_analyze(const char *text, size_t len, ZpLayout *out, const ZpAllocator *mem)
{
	static const int bins = ZP_MAX_WIDTH + 2;
	int			hist[ZP_MAX_WIDTH + 2];
	size_t		pos = 0;
	int			lines = 0,
				best = 0,
				near = 0,
				w;
	ZpTicker	tick;

	zp_ticker_init(&tick, mem);
	memset(hist, 0, sizeof(hist));
	out->wrapped = 0;
	out->margin = 0;
	while (pos < len)
	{
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t		end = nl ? (size_t) (nl - text) : len;

		w = zp_span_width((const unsigned char *) text + pos, (const unsigned char *) text + end, &tick);
		if (w > 0)
		{
			lines++;
			hist[w < bins ? w : bins - 1]++;
		}
		pos = end + 1;
		zp_tick(&tick);
	}
	for (w = ZP_MIN_MARGIN; w <= ZP_MAX_WIDTH; w++)
		if (hist[w] > 0 && (best == 0 || hist[w] >= hist[best]))
			best = w;
	if (best == 0)
		return;
	for (w = best - ZP_MARGIN_SLACK; w <= best + 3 && w <= ZP_MAX_WIDTH; w++)
		near += hist[w];
	/* a margin holds many lines: at least 6, and a third of all lines */
	if (near >= 6 && near * 3 >= lines)
	{
		out->wrapped = 1;
		out->margin = best;
	}
}

int
zp_layout_is_wrap(const ZpLayout *layout, const char *text, size_t len,
				  size_t gap_start, size_t gap_end)
{
	int			newlines = 0;
	size_t		p = gap_start,
				end = gap_end < len ? gap_end : len;

	if (!layout->wrapped)
		return 0;
	/* memchr, stopping at a third line break: a long gap costs one fast pass at most */
	while (p < end && newlines <= 2)
	{
		const char *nl = memchr(text + p, '\n', end - p);

		if (!nl)
			break;
		newlines++;
		p = (size_t) (nl - text) + 1;
	}
	if (newlines == 0 || newlines > 2)
		return 0;
	return zp_layout_line_width(text, gap_start) >= layout->margin - ZP_MARGIN_SLACK;
}

/* The code point that ends just before byte p, or 0 at the start. */
static uint32_t
zp_cp_before(const char *text, size_t p)
{
	size_t		s = p;
	uint32_t	cp;

	if (p == 0)
		return 0;
	s--;
	while (s > 0 && p - s < 4 && (((unsigned char) text[s]) & 0xC0) == 0x80)
		s--;
	zp_utf8_decode((const unsigned char *) text + s, p - s, &cp);
	return cp;
}

int
zp_layout_gap_joins(const ZpLayout *layout, const char *text, size_t len,
					size_t gap, size_t gap_end)
{
	size_t		s;
	uint32_t	cp,
				after;
	int			n;

	if (gap_end > gap && (memchr(text + gap, '\n', gap_end - gap) || memchr(text + gap, '\r', gap_end - gap)))
		return zp_layout_is_wrap(layout, text, len, gap, gap_end);
	if (gap_end - gap > 3 || gap == 0 || gap_end >= len)
		return 0;
	/* spaces only: join when a neighbour is an isolated Han character */
	s = gap - 1;				/* start of the Han character before the gap */
	while (s > 0 && (((unsigned char) text[s]) & 0xC0) == 0x80)
		s--;
	if (!zp_is_han(zp_cp_before(text, s)))
		return 1;
	n = zp_utf8_decode((const unsigned char *) text + gap_end, len - gap_end, &cp);
	if (gap_end + n >= len)
		return 1;
	zp_utf8_decode((const unsigned char *) text + gap_end + n, len - gap_end - n, &after);
	return !zp_is_han(after);
}
