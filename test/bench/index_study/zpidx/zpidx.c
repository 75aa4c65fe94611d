/*
 * zpidx: throwaway prototype for the zhpolicy index study (not project code).
 *
 * GIN operator classes on text whose keys are int4-packed pairs of code points:
 *   key = ((fold(a) & 0xFFFF) << 16 | (fold(b) & 0xFFFF)) ^ 0x80000000
 * BMP code points are exact; astral code points are folded into 16 bits (lossy, the recheck
 * sorts it out).  The xor makes signed int4 order (btint4cmp) equal the unsigned order of the
 * pair, so "all bigrams starting with a" is one contiguous key range (partial match for
 * one-character queries).  A character followed by whitespace/control/end gets the key (a,0).
 *
 * zpidx_bigram_ops  : bigrams only (candidate B)
 * zpidx_unibi_ops   : bigrams + one unigram key (a,0xFFFF) per distinct character (candidate C)
 *
 * Operator  text &@ text  = strpos(body, q) > 0 (byte memmem on valid UTF-8, i.e. exact
 * strpos semantics in a UTF8 database; deterministic collation).  The GIN scan is lossy
 * (recheck = true): every query bigram must be present, then the row is rechecked.
 */
#include "postgres.h"
#include "fmgr.h"
#include "access/gin.h"
#include "access/stratnum.h"
#include "utils/builtins.h"
#include "utils/array.h"
#include "catalog/pg_type.h"
#include "access/detoast.h"
#include <string.h>

PG_MODULE_MAGIC;

#define KEY(u) ((int32) ((uint32) (u) ^ 0x80000000u))

static inline uint32
fold(uint32 c)
{
	if (c < 0x80)
	{
		if (c >= 'A' && c <= 'Z')
			return c + 32;
		return c;
	}
	if (c >= 0xFF01 && c <= 0xFF5E)		/* fullwidth ASCII -> ASCII */
	{
		c -= 0xFEE0;
		if (c >= 'A' && c <= 'Z')
			c += 32;
		return c;
	}
	if (c == 0x3000)
		return ' ';
	if (c >= 0x10000)
		return 0xF000 | (c & 0x0FFF);	/* lossy, into BMP private use */
	return c;
}

static inline bool
is_skip(uint32 c)				/* whitespace and control: no key across them */
{
	return c <= 0x20 || c == 0x7F || c == 0x85 || c == 0xA0 || c == 0x2028 || c == 0x2029;
}

/*
 * c is "key-exact" if no other code point shares its 16-bit folded form, i.e. a key made of
 * such characters is present iff exactly that substring is present (before folding).
 */
static inline bool
key_exact(uint32 c)
{
	return c >= 0x80 && c != 0x85 && c != 0xA0 && c != 0x2028 && c != 0x2029 && c != 0x3000 &&
		!(c >= 0xFF01 && c <= 0xFF5E) && !(c >= 0xF000 && c <= 0xFFFF) && c < 0x10000;
}

/* decode valid UTF-8 (the database is UTF8, so input is validated) */
static inline uint32
next_cp(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	uint32		c = *p;

	if (c < 0x80)
	{
		*pp = p + 1;
		return c;
	}
	if (c < 0xE0)
	{
		*pp = p + 2;
		return ((c & 0x1F) << 6) | (p[1] & 0x3F);
	}
	if (c < 0xF0)
	{
		*pp = p + 3;
		return ((c & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F);
	}
	*pp = p + 4;
	return ((c & 0x07) << 18) | ((p[1] & 0x3F) << 12) | ((p[2] & 0x3F) << 6) | (p[3] & 0x3F);
}

/* LSD radix sort (2 x 16 bits) + unique; returns number of unique keys */
static int
sort_unique(uint32 *a, int n)
{
	uint32	   *tmp;
	uint32	   *cnt;
	int			i,
				j;

	if (n < 64)
	{
		/* insertion sort */
		for (i = 1; i < n; i++)
		{
			uint32		v = a[i];

			for (j = i; j > 0 && a[j - 1] > v; j--)
				a[j] = a[j - 1];
			a[j] = v;
		}
	}
	else
	{
		tmp = palloc(sizeof(uint32) * n);
		cnt = palloc(sizeof(uint32) * 65536);
		for (int pass = 0; pass < 2; pass++)
		{
			int			sh = pass * 16;
			uint32	   *src = pass ? tmp : a,
					   *dst = pass ? a : tmp;
			uint32		sum = 0;

			memset(cnt, 0, sizeof(uint32) * 65536);
			for (i = 0; i < n; i++)
				cnt[(src[i] >> sh) & 0xFFFF]++;
			for (i = 0; i < 65536; i++)
			{
				uint32		c = cnt[i];

				cnt[i] = sum;
				sum += c;
			}
			for (i = 0; i < n; i++)
				dst[cnt[(src[i] >> sh) & 0xFFFF]++] = src[i];
		}
		pfree(tmp);
		pfree(cnt);
	}
	for (i = 0, j = 0; i < n; i++)
		if (j == 0 || a[j - 1] != a[i])
			a[j++] = a[i];
	return j;
}

/*
 * Raw (unsorted) keys of a string.  mode 0: bigrams; mode 1: bigrams + unigrams.
 * Returns palloc'd array, *n = count.  *nchars = number of non-skip chars.
 */
static uint32 *
raw_keys(const char *s, int len, int mode, int *n, int *nchars)
{
	const unsigned char *p = (const unsigned char *) s,
			   *e = p + len;
	/* at most one bigram + one unigram per byte */
	uint32	   *k = palloc(sizeof(uint32) * (mode ? 2 : 1) * (len + 1));
	int			m = 0,
				nc = 0;
	uint32		prev = 0;
	bool		have_prev = false;

	while (p < e)
	{
		uint32		c = next_cp(&p);

		if (is_skip(c))
		{
			if (have_prev)
				k[m++] = (prev & 0xFFFF) << 16;
			have_prev = false;
			continue;
		}
		c = fold(c) & 0xFFFF;
		nc++;
		if (have_prev)
			k[m++] = (prev << 16) | c;
		if (mode)
			k[m++] = (c << 16) | 0xFFFF;
		prev = c;
		have_prev = true;
	}
	if (have_prev)
		k[m++] = (prev & 0xFFFF) << 16;
	*n = m;
	*nchars = nc;
	return k;
}

static Datum
extract_value(FunctionCallInfo fcinfo, int mode)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int32	   *nentries = (int32 *) PG_GETARG_POINTER(1);
	int			n,
				nc;
	uint32	   *k = raw_keys(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), mode, &n, &nc);
	Datum	   *entries;

	n = sort_unique(k, n);
	entries = palloc(sizeof(Datum) * (n > 0 ? n : 1));
	for (int i = 0; i < n; i++)
		entries[i] = Int32GetDatum(KEY(k[i]));
	pfree(k);
	*nentries = n;
	PG_RETURN_POINTER(entries);
}

PG_FUNCTION_INFO_V1(zpidx_extract_value);
Datum
zpidx_extract_value(PG_FUNCTION_ARGS)
{
	return extract_value(fcinfo, 0);
}

PG_FUNCTION_INFO_V1(zpidx_extract_value_ub);
Datum
zpidx_extract_value_ub(PG_FUNCTION_ARGS)
{
	return extract_value(fcinfo, 1);
}

/*
 * Query keys: all bigrams of the query, without the (a,0) end keys (the query's last char
 * may be followed by anything in the document).  A one-character query becomes a partial
 * match on the range (a,*) in mode 0, the unigram key in mode 1.  No character at all:
 * match everything (strpos(body,'') > 0 is true; whitespace-only queries are rechecked).
 */
static Datum
extract_query(FunctionCallInfo fcinfo, int mode)
{
	text	   *q = PG_GETARG_TEXT_PP(0);
	int32	   *nentries = (int32 *) PG_GETARG_POINTER(1);
	bool	  **pmatch = (bool **) PG_GETARG_POINTER(3);
	int32	   *searchMode = (int32 *) PG_GETARG_POINTER(6);
	const unsigned char *p = (const unsigned char *) VARDATA_ANY(q),
			   *e = p + VARSIZE_ANY_EXHDR(q);
	int			len = VARSIZE_ANY_EXHDR(q);
	uint32	   *k = palloc(sizeof(uint32) * (len + 2));
	int			m = 0;
	uint32		prev = 0,
				lone = 0;
	bool		have_prev = false,
				have_lone = false;
	Datum	   *entries;
	Pointer   **extra_data = (Pointer **) PG_GETARG_POINTER(4);
	int			nchar = 0;
	bool		exact = true;		/* query of 1-2 key-exact chars, no skip chars */

	while (p < e)
	{
		uint32		c = next_cp(&p);

		nchar++;
		if (!key_exact(c))
			exact = false;
		if (is_skip(c))
		{
			have_prev = false;
			continue;
		}
		c = fold(c) & 0xFFFF;
		if (have_prev)
			k[m++] = (prev << 16) | c;
		else if (!have_lone)
		{
			lone = c;
			have_lone = true;
		}
		prev = c;
		have_prev = true;
	}
	*pmatch = NULL;
	if (m == 0 && have_lone)
	{
		if (mode == 1)
			k[m++] = (lone << 16) | 0xFFFF;
		else
		{
			k[m++] = lone << 16;
			*pmatch = palloc(sizeof(bool));
			(*pmatch)[0] = true;
		}
	}
	m = sort_unique(k, m);
	if (m == 0)
	{
		*nentries = 0;
		*searchMode = GIN_SEARCH_MODE_ALL;
		PG_RETURN_POINTER(NULL);
	}
	entries = palloc(sizeof(Datum) * m);
	for (int i = 0; i < m; i++)
		entries[i] = Int32GetDatum(KEY(k[i]));
	*nentries = m;
	if (exact && nchar <= 2)
	{
		/* the single key decides alone: no recheck of the row */
		*extra_data = palloc0(sizeof(Pointer) * m);
		(*extra_data)[0] = palloc(1);
	}
	PG_RETURN_POINTER(entries);
}

PG_FUNCTION_INFO_V1(zpidx_extract_query);
Datum
zpidx_extract_query(PG_FUNCTION_ARGS)
{
	return extract_query(fcinfo, 0);
}

PG_FUNCTION_INFO_V1(zpidx_extract_query_ub);
Datum
zpidx_extract_query_ub(PG_FUNCTION_ARGS)
{
	return extract_query(fcinfo, 1);
}

PG_FUNCTION_INFO_V1(zpidx_compare_partial);
Datum
zpidx_compare_partial(PG_FUNCTION_ARGS)
{
	uint32		pk = (uint32) PG_GETARG_INT32(0) ^ 0x80000000u;
	uint32		k = (uint32) PG_GETARG_INT32(1) ^ 0x80000000u;

	if ((k >> 16) == (pk >> 16))
		PG_RETURN_INT32(0);
	PG_RETURN_INT32(k > pk ? 1 : -1);
}

PG_FUNCTION_INFO_V1(zpidx_consistent);
Datum
zpidx_consistent(PG_FUNCTION_ARGS)
{
	bool	   *check = (bool *) PG_GETARG_POINTER(0);
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra_data = (Pointer *) PG_GETARG_POINTER(4);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(5);

	*recheck = !(extra_data && extra_data[0]);
	for (int i = 0; i < nkeys; i++)
		if (!check[i])
			PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(true);
}

PG_FUNCTION_INFO_V1(zpidx_triconsistent);
Datum
zpidx_triconsistent(PG_FUNCTION_ARGS)
{
	GinTernaryValue *check = (GinTernaryValue *) PG_GETARG_POINTER(0);
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra_data = (Pointer *) PG_GETARG_POINTER(4);
	GinTernaryValue res = (extra_data && extra_data[0]) ? GIN_TRUE : GIN_MAYBE;

	for (int i = 0; i < nkeys; i++)
	{
		if (check[i] == GIN_FALSE)
			PG_RETURN_GIN_TERNARY_VALUE(GIN_FALSE);
		if (check[i] == GIN_MAYBE)
			res = GIN_MAYBE;
	}
	PG_RETURN_GIN_TERNARY_VALUE(res);
}

/*
 * exact: strpos(body, q) > 0.  A body stored out of line and uncompressed (STORAGE EXTERNAL,
 * or text pglz could not compress) is read in growing slices (32 KB, 128 KB, ...) that overlap
 * by len(q)-1 bytes, and the scan stops at the first match: a frequent phrase costs one
 * slice, not the whole 200 KB row.  Byte matching is character matching for valid UTF-8.
 */
static bool
contains_datum(Datum d, const char *q, int qn)
{
	struct varlena *attr = (struct varlena *) DatumGetPointer(d);
	bool		found;

	if (qn == 0)
		return true;
	if (VARATT_IS_EXTERNAL_ONDISK(attr))
	{
		struct varatt_external tp;

		VARATT_EXTERNAL_GET_POINTER(tp, attr);
		if (!VARATT_EXTERNAL_IS_COMPRESSED(tp))
		{
			int32		total = VARATT_EXTERNAL_GET_EXTSIZE(tp);
			int32		off = 0,
						chunk = 32768;

			while (off < total)
			{
				int32		len = Min((int64) chunk + qn - 1, (int64) total - off);
				struct varlena *sl = detoast_attr_slice(attr, off, len);

				found = memmem(VARDATA_ANY(sl), VARSIZE_ANY_EXHDR(sl), q, qn) != NULL;
				pfree(sl);
				if (found)
					return true;
				off += chunk;
				chunk = Min(chunk * 4, 1 << 22);
			}
			return false;
		}
	}
	{
		text	   *b = (text *) PG_DETOAST_DATUM_PACKED(d);

		found = memmem(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), q, qn) != NULL;
		if ((Pointer) b != DatumGetPointer(d))
			pfree(b);
	}
	return found;
}

PG_FUNCTION_INFO_V1(zpidx_contains);
Datum
zpidx_contains(PG_FUNCTION_ARGS)
{
	text	   *q = PG_GETARG_TEXT_PP(1);

	PG_RETURN_BOOL(contains_datum(PG_GETARG_DATUM(0), VARDATA_ANY(q), VARSIZE_ANY_EXHDR(q)));
}

/* same, always detoasting the whole row first (to measure what streaming saves) */
PG_FUNCTION_INFO_V1(zpidx_contains_full);
Datum
zpidx_contains_full(PG_FUNCTION_ARGS)
{
	text	   *b = PG_GETARG_TEXT_PP(0);
	text	   *q = PG_GETARG_TEXT_PP(1);
	int			qn = VARSIZE_ANY_EXHDR(q);

	if (qn == 0)
		PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(memmem(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), VARDATA_ANY(q), qn) != NULL);
}

/* number of non-overlapping occurrences (term frequency for ranking) */
PG_FUNCTION_INFO_V1(zpidx_count);
Datum
zpidx_count(PG_FUNCTION_ARGS)
{
	text	   *b = PG_GETARG_TEXT_PP(0);
	text	   *q = PG_GETARG_TEXT_PP(1);
	const char *s = VARDATA_ANY(b),
			   *e = s + VARSIZE_ANY_EXHDR(b);
	int			qn = VARSIZE_ANY_EXHDR(q);
	int32		c = 0;

	if (qn == 0)
		PG_RETURN_INT32(0);
	while (s < e)
	{
		const char *f = memmem(s, e - s, VARDATA_ANY(q), qn);

		if (!f)
			break;
		c++;
		s = f + qn;
	}
	PG_RETURN_INT32(c);
}

/* keys of a string, for inspection */
PG_FUNCTION_INFO_V1(zpidx_nkeys);
Datum
zpidx_nkeys(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int32		mode = PG_GETARG_INT32(1);
	int			n,
				nc;
	uint32	   *k = raw_keys(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), mode, &n, &nc);

	PG_RETURN_INT32(sort_unique(k, n));
}

/*
 * Highlight: up to maxfrag fragments of ~width chars around the first occurrences of q,
 * with q wrapped in [ ].  Byte offsets are moved to UTF-8 character starts.  Cost: one
 * memmem pass up to the last fragment, independent of the row's tsvector limits.
 */
PG_FUNCTION_INFO_V1(zpidx_snippet);
Datum
zpidx_snippet(PG_FUNCTION_ARGS)
{
	text	   *b = PG_GETARG_TEXT_PP(0);
	text	   *q = PG_GETARG_TEXT_PP(1);
	int32		width = PG_GETARG_INT32(2);		/* chars of context each side */
	int32		maxfrag = PG_GETARG_INT32(3);
	const char *s0 = VARDATA_ANY(b),
			   *s = s0,
			   *e = s0 + VARSIZE_ANY_EXHDR(b),
			   *done = s0;
	int			qn = VARSIZE_ANY_EXHDR(q);
	StringInfoData out;
	int			nf = 0;

	initStringInfo(&out);
	if (qn == 0)
		PG_RETURN_TEXT_P(cstring_to_text(""));
	while (s < e && nf < maxfrag)
	{
		const char *f = memmem(s, e - s, VARDATA_ANY(q), qn);
		const char *a,
				   *z;
		int			w;

		if (!f)
			break;
		a = f;
		for (w = 0; a > done && w < width; w++)
			do
				a--;
			while (a > done && (*(const unsigned char *) a & 0xC0) == 0x80);
		z = f + qn;
		for (w = 0; z < e && w < width; w++)
			do
				z++;
			while (z < e && (*(const unsigned char *) z & 0xC0) == 0x80);
		if (nf > 0)
			appendStringInfoString(&out, a > done ? " … " : "");
		appendBinaryStringInfo(&out, a, f - a);
		appendStringInfoChar(&out, '[');
		appendBinaryStringInfo(&out, f, qn);
		appendStringInfoChar(&out, ']');
		appendBinaryStringInfo(&out, f + qn, z - (f + qn));
		done = z;
		s = z;
		nf++;
	}
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, out.len));
}
