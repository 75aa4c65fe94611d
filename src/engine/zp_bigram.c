/*
 * zp_bigram.c — keys of the whole-document text index: pairs of adjacent
 * folded characters of a text, and the keys a query needs (zp_bigram.h).
 */
#include "zp_bigram.h"
#include "zp_text.h"

#include <string.h>
#include <unicode/uchar.h>

/* Whether no key may span c: white space, controls and the line and paragraph separators. */
static inline bool
is_break(uint32_t c)
{
	return c <= 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0x2028 || c == 0x2029 || c == 0x3000;
}

/* The 16 bits a character stands for in a key (ASCII case and full-width forms folded). */
static inline uint32_t
fold(uint32_t c)
{
	if (c < 0x80)
		return (c >= 'A' && c <= 'Z') ? c + 32 : c;
	if (c >= 0xFF01 && c <= 0xFF5E)
	{
		c -= 0xFEE0;
		return (c >= 'A' && c <= 'Z') ? c + 32 : c;
	}
	if (c >= 0x10000)
		return 0xF000 | (c & 0x0FFF);	/* shares its bits with others: the recheck decides */
	return c;
}

/*
 * Whether a key of c is present exactly when c is: no other character folds
 * to c's 16 bits, and c is no break.
 */
static inline bool
is_key_exact(uint32_t c)
{
	return c > 0xA0 && c < 0xF000 && c != 0x2028 && c != 0x2029 && c != 0x3000;
}

/* Whether ILIKE compares c as itself under every lower(): a character without case. */
static inline bool
is_caseless(uint32_t c)
{
	if (c < 0x80)
		return !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) && c != '\'' && c != '.' &&
			c != ':' && c != '^' && c != '`';
	return !u_hasBinaryProperty((UChar32) c, UCHAR_CASED) &&
		!u_hasBinaryProperty((UChar32) c, UCHAR_CASE_IGNORABLE) &&
		!u_hasBinaryProperty((UChar32) c, UCHAR_CHANGES_WHEN_CASEMAPPED);
}

/* Decode the code point at s (n > 0 bytes left); invalid bytes are U+FFFD, one byte each. */
static inline int
next_char(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (s[0] < 0x80)
	{
		*cp = s[0];
		return 1;
	}
	return zp_utf8_decode(s, n, cp);
}

/* The keys of a text (see zp_bigram.h): one per character that is not a break. */
size_t
zp_bigram_text_keys(const char *text, size_t len, uint32_t *keys, const ZpAllocator *mem)
{
	const unsigned char *s = (const unsigned char *) text;
	size_t		i = 0,
				n = 0,
				next_check = ZP_CHECK_BYTES;
	uint32_t	prev = 0;
	bool		have_prev = false;

	while (i < len)
	{
		uint32_t	c;

		i += next_char(s + i, len - i, &c);
		if (is_break(c))
		{
			if (have_prev)
				keys[n++] = prev << 16;
			have_prev = false;
		}
		else
		{
			uint32_t	f = fold(c);

			if (have_prev)
				keys[n++] = prev << 16 | f;
			prev = f;
			have_prev = true;
		}
		if (i >= next_check)
		{
			next_check = i + ZP_CHECK_BYTES;
			zp_check(mem);
		}
	}
	if (have_prev)
		keys[n++] = prev << 16;
	return n;
}

/* Insertion sort for short key lists. */
static void
sort_short(uint32_t *a, size_t n)
{
	for (size_t i = 1; i < n; i++)
	{
		uint32_t	v = a[i];
		size_t		j = i;

		for (; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

/* Sort keys ascending: LSD radix sort by bytes (skipping bytes all keys share). */
int
zp_bigram_sort(uint32_t *keys, size_t n, const ZpAllocator *mem)
{
	size_t		i;

	if (n < 64)
		sort_short(keys, n);
	else
	{
		uint32_t   *tmp = mem->alloc(mem->ctx, n * sizeof(uint32_t));
		uint32_t   *src = keys,
				   *dst = tmp;
		ZpTicker	tick;

		if (!tmp)
			return -1;
		zp_ticker_init(&tick, mem);
		for (int shift = 0; shift < 32; shift += 8)
		{
			size_t		count[256] = {0};
			size_t		sum = 0;
			uint32_t   *swap;

			for (i = 0; i < n; i++)
			{
				count[(src[i] >> shift) & 0xFF]++;
				zp_tick(&tick);
			}
			if (count[(src[0] >> shift) & 0xFF] == n)
				continue;		/* every key has this byte: the order stays */
			for (i = 0; i < 256; i++)
			{
				size_t		c = count[i];

				count[i] = sum;
				sum += c;
			}
			for (i = 0; i < n; i++)
			{
				dst[count[(src[i] >> shift) & 0xFF]++] = src[i];
				zp_tick(&tick);
			}
			swap = src;
			src = dst;
			dst = swap;
		}
		if (src != keys)
			memcpy(keys, src, n * sizeof(uint32_t));
		mem->release(mem->ctx, tmp);
	}
	return 0;
}

/* Sort and deduplicate keys. */
size_t
zp_bigram_sort_unique(uint32_t *keys, size_t n, const ZpAllocator *mem)
{
	size_t		i,
				j;

	if (zp_bigram_sort(keys, n, mem) != 0)
		return SIZE_MAX;
	for (i = 0, j = 0; i < n; i++)
		if (j == 0 || keys[j - 1] != keys[i])
			keys[j++] = keys[i];
	return j;
}

/* What the query parser collects: keys, the first lone character, and exactness. */
typedef struct QueryState
{
	uint32_t   *keys;
	size_t		n;
	uint32_t	prev;
	bool		have_prev;
	uint32_t	lone;			/* the first character that had no neighbour in a key */
	bool		have_lone;
	bool		prev_paired;	/* prev is part of a key already */
} QueryState;

/* A character of a literal run of the query (or a break, when keyable is false). */
static void
query_char(QueryState *st, uint32_t c, bool keyable)
{
	if (!keyable)
	{
		if (st->have_prev && !st->prev_paired && !st->have_lone)
		{
			st->lone = st->prev;
			st->have_lone = true;
		}
		st->have_prev = false;
		return;
	}
	c = fold(c);
	if (st->have_prev)
	{
		st->keys[st->n++] = st->prev << 16 | c;
		st->prev_paired = true;
	}
	else
		st->prev_paired = false;
	st->prev = c;
	st->have_prev = true;
}

/* The keys of a query (see zp_bigram.h). */
int
zp_bigram_query(const char *q, size_t len, ZpBigramQueryKind kind, const ZpAllocator *mem,
				ZpBigramQuery *out)
{
	const unsigned char *s = (const unsigned char *) q;
	QueryState	st = {0};
	size_t		i = 0,
				nchars = 0,
				nruns = 0,
				next_check = ZP_CHECK_BYTES,
				n;
	bool		all_exact = true,
				in_run = false,
				substring_like = kind == ZP_BIGRAM_SUBSTRING,
				wildcard_inside = false;

	memset(out, 0, sizeof(*out));
	st.keys = mem->alloc(mem->ctx, (len + 1) * sizeof(uint32_t));
	if (!st.keys)
		return -1;
	if (kind != ZP_BIGRAM_SUBSTRING)
		substring_like = len >= 2 && s[0] == '%';
	while (i < len)
	{
		uint32_t	c;
		bool		literal = true;

		if (kind != ZP_BIGRAM_SUBSTRING && (s[i] == '%' || s[i] == '_'))
		{
			if (s[i] == '_')
				wildcard_inside = true;
			query_char(&st, 0, false);
			in_run = false;
			i++;
			continue;
		}
		if (kind != ZP_BIGRAM_SUBSTRING && s[i] == '\\')
		{
			i++;
			if (i >= len)
				break;			/* the server's LIKE refuses the pattern */
		}
		i += next_char(s + i, len - i, &c);
		if (!in_run)
		{
			nruns++;
			in_run = true;
		}
		nchars++;
		if (!is_key_exact(c))
			all_exact = false;
		if (is_break(c) || (kind == ZP_BIGRAM_ILIKE && !is_caseless(c)))
			literal = false;
		query_char(&st, c, literal);
		if (i >= next_check)
		{
			next_check = i + ZP_CHECK_BYTES;
			zp_check(mem);
		}
	}
	query_char(&st, 0, false);
	if (kind != ZP_BIGRAM_SUBSTRING)
		substring_like = substring_like && !in_run && nruns == 1 && !wildcard_inside;
	if (st.n == 0 && st.have_lone)
	{
		st.keys[st.n++] = st.lone << 16;
		out->prefix = true;
	}
	n = zp_bigram_sort_unique(st.keys, st.n, mem);
	if (n == SIZE_MAX)
	{
		mem->release(mem->ctx, st.keys);
		return -1;
	}
	if (n == 0)
	{
		mem->release(mem->ctx, st.keys);
		st.keys = NULL;
	}
	out->keys = st.keys;
	out->nkeys = n;
	out->exact = n > 0 && kind != ZP_BIGRAM_ILIKE && substring_like && all_exact && nchars <= 2;
	return 0;
}

/* Whether the sorted unique text keys hold every query key (or one in the query's range). */
bool
zp_bigram_keys_match(const uint32_t *text_keys, size_t ntext, const ZpBigramQuery *query)
{
	size_t		t = 0;

	if (query->prefix)
	{
		for (; t < ntext; t++)
			if (text_keys[t] >> 16 == query->keys[0] >> 16)
				return true;
		return false;
	}
	for (size_t k = 0; k < query->nkeys; k++)
	{
		while (t < ntext && text_keys[t] < query->keys[k])
			t++;
		if (t == ntext || text_keys[t] != query->keys[k])
			return false;
	}
	return true;
}
