/*
 * zpidx_impact_ops: bigram keys carrying a quantised BM25 term-frequency component
 * ("impact"), for ranked top-k without reading every matching row.  Prototype G.
 *
 *   key (int8) = ((bigram32 << 8) | level) ^ (1 << 63)
 *   level = floor(64 * tfn / (k1 + 1)),  tfn = tf (k1+1) / (tf + k1 (1 - b + b dl/avgdl))
 * tf = occurrences of the bigram in the row, dl = characters of the row; k1 = 1.2, b = 0.75,
 * avgdl fixed when the index is built (here a constant; an opclass option in a real version).
 *
 * Operators:
 *   body &@  q            exact containment (same as zpidx_bigram_ops; partial match over
 *                         all levels of each bigram)
 *   body &@> array[q, L]  q occurs and level(tf(q), dl) >= L, tf counted with overlaps.
 *                         Index: every bigram of q has level >= L (tf(bigram) >= tf(q),
 *                         tfn is increasing in tf, so this is a superset); recheck exact.
 */
#include "postgres.h"
#include "fmgr.h"
#include "access/gin.h"
#include "access/stratnum.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/array.h"
#include "catalog/pg_type.h"
#include <string.h>
#include <math.h>

#define K1 1.2
#define BB 0.75
#define AVGDL 84876.0
#define NLEV 64
#define K8(u) ((int64) ((uint64) (u) ^ (UINT64CONST(1) << 63)))

static inline uint32
fold(uint32 c)
{
	if (c < 0x80)
		return (c >= 'A' && c <= 'Z') ? c + 32 : c;
	if (c >= 0xFF01 && c <= 0xFF5E)
	{
		c -= 0xFEE0;
		return (c >= 'A' && c <= 'Z') ? c + 32 : c;
	}
	if (c == 0x3000)
		return ' ';
	if (c >= 0x10000)
		return 0xF000 | (c & 0x0FFF);
	return c;
}
static inline bool
is_skip(uint32 c)
{
	return c <= 0x20 || c == 0x7F || c == 0x85 || c == 0xA0 || c == 0x2028 || c == 0x2029;
}
static inline bool
key_exact(uint32 c)
{
	return c >= 0x80 && c != 0x85 && c != 0xA0 && c != 0x2028 && c != 0x2029 && c != 0x3000 &&
		!(c >= 0xFF01 && c <= 0xFF5E) && !(c >= 0xF000 && c <= 0xFFFF) && c < 0x10000;
}
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
static void
radix_sort(uint32 *a, int n)
{
	uint32	   *tmp = palloc(sizeof(uint32) * (n + 1));
	uint32	   *cnt = palloc(sizeof(uint32) * 65536);

	for (int pass = 0; pass < 2; pass++)
	{
		int			sh = pass * 16;
		uint32	   *src = pass ? tmp : a,
				   *dst = pass ? a : tmp;
		uint32		sum = 0;

		memset(cnt, 0, sizeof(uint32) * 65536);
		for (int i = 0; i < n; i++)
			cnt[(src[i] >> sh) & 0xFFFF]++;
		for (int i = 0; i < 65536; i++)
		{
			uint32		c = cnt[i];

			cnt[i] = sum;
			sum += c;
		}
		for (int i = 0; i < n; i++)
			dst[cnt[(src[i] >> sh) & 0xFFFF]++] = src[i];
	}
	pfree(tmp);
	pfree(cnt);
}

/*
 * BM25 saturates: tfn = (k1+1) x/(1+x) with x = tf/K, K = k1 (1 - b + b dl/avgdl), so a
 * linear grid of tfn puts every frequent term of every row in the top level.  The level is
 * therefore a log grid of x: level = floor(LSTEP * log2(1 + x)); rows below level L have
 * tfn < (k1+1) (1 - 2^(-L/LSTEP)).
 */
#ifndef LSTEP
#define LSTEP 4
#endif
static inline int
level_of(double tf, double dl)
{
	double		x = tf / (K1 * (1 - BB + BB * dl / AVGDL));
	int			l = (int) floor(LSTEP * log2(1 + x));

	return l < 0 ? 0 : (l >= NLEV ? NLEV - 1 : l);
}

PG_FUNCTION_INFO_V1(zpidx_impact_bound);
Datum
zpidx_impact_bound(PG_FUNCTION_ARGS)
{
	int32		l = PG_GETARG_INT32(0);

	PG_RETURN_FLOAT8((K1 + 1) * (1 - pow(2.0, -(double) l / LSTEP)));
}

PG_FUNCTION_INFO_V1(zpidx_impact_extract_value);
Datum
zpidx_impact_extract_value(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int32	   *nentries = (int32 *) PG_GETARG_POINTER(1);
	const unsigned char *p = (const unsigned char *) VARDATA_ANY(t),
			   *e = p + VARSIZE_ANY_EXHDR(t);
	int			len = VARSIZE_ANY_EXHDR(t);
	uint32	   *k = palloc(sizeof(uint32) * (len + 1));
	int			m = 0,
				nc = 0,
				nu = 0;
	uint32		prev = 0;
	bool		have_prev = false;
	Datum	   *entries;

	while (p < e)
	{
		uint32		c = next_cp(&p);

		nc++;
		if (is_skip(c))
		{
			if (have_prev)
				k[m++] = (prev & 0xFFFF) << 16;
			have_prev = false;
			continue;
		}
		c = fold(c) & 0xFFFF;
		if (have_prev)
			k[m++] = (prev << 16) | c;
		prev = c;
		have_prev = true;
	}
	if (have_prev)
		k[m++] = (prev & 0xFFFF) << 16;
	radix_sort(k, m);
	entries = palloc(sizeof(Datum) * (m + 1));
	for (int i = 0; i < m;)
	{
		int			j = i;

		while (j < m && k[j] == k[i])
			j++;
		entries[nu++] = Int64GetDatum(K8(((uint64) k[i] << 8) | level_of(j - i, nc)));
		i = j;
	}
	pfree(k);
	*nentries = nu;
	PG_RETURN_POINTER(entries);
}

/* extra_data of each key: the number of low bits that may vary in its range */
typedef struct
{
	int			shift;
	bool		exact;
} KeyExtra;

PG_FUNCTION_INFO_V1(zpidx_impact_extract_query);
Datum
zpidx_impact_extract_query(PG_FUNCTION_ARGS)
{
	int32	   *nentries = (int32 *) PG_GETARG_POINTER(1);
	StrategyNumber strategy = PG_GETARG_UINT16(2);
	bool	  **pmatch = (bool **) PG_GETARG_POINTER(3);
	Pointer   **extra_data = (Pointer **) PG_GETARG_POINTER(4);
	int32	   *searchMode = (int32 *) PG_GETARG_POINTER(6);
	text	   *q;
	int			lev = 0;
	const unsigned char *p,
			   *e;
	uint32	   *k;
	int			m = 0,
				nchar = 0;
	uint32		prev = 0,
				lone = 0;
	bool		have_prev = false,
				have_lone = false,
				exact = true;
	Datum	   *entries;

	if (strategy == 1)
		q = PG_GETARG_TEXT_PP(0);
	else
	{
		ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
		Datum	   *el;
		bool	   *nulls;
		int			n;

		deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &el, &nulls, &n);
		if (n != 2 || nulls[0] || nulls[1])
			elog(ERROR, "zpidx: expected array[query, level]");
		q = DatumGetTextPP(el[0]);
		lev = pg_strtoint32(text_to_cstring(DatumGetTextPP(el[1])));
		lev = lev < 0 ? 0 : (lev >= NLEV ? NLEV - 1 : lev);
	}
	p = (const unsigned char *) VARDATA_ANY(q);
	e = p + VARSIZE_ANY_EXHDR(q);
	k = palloc(sizeof(uint32) * (VARSIZE_ANY_EXHDR(q) + 2));
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
	if (m == 0 && !have_lone)
	{
		*nentries = 0;
		*searchMode = GIN_SEARCH_MODE_ALL;
		PG_RETURN_POINTER(NULL);
	}
	{
		int			shift = 8;

		if (m == 0)
		{
			k[m++] = lone << 16;
			shift = 24;			/* any successor, any level */
			lev = 0;
		}
		entries = palloc(sizeof(Datum) * m);
		*pmatch = palloc(sizeof(bool) * m);
		*extra_data = palloc(sizeof(Pointer) * m);
		for (int i = 0; i < m; i++)
		{
			KeyExtra   *x = palloc(sizeof(KeyExtra));

			x->shift = shift;
			x->exact = exact && nchar <= 2;
			entries[i] = Int64GetDatum(K8(((uint64) k[i] << 8) | (uint64) lev));
			(*pmatch)[i] = true;
			(*extra_data)[i] = (Pointer) x;
		}
	}
	*nentries = m;
	PG_RETURN_POINTER(entries);
}

PG_FUNCTION_INFO_V1(zpidx_impact_compare_partial);
Datum
zpidx_impact_compare_partial(PG_FUNCTION_ARGS)
{
	uint64		pk = (uint64) PG_GETARG_INT64(0) ^ (UINT64CONST(1) << 63);
	uint64		k = (uint64) PG_GETARG_INT64(1) ^ (UINT64CONST(1) << 63);
	KeyExtra   *x = (KeyExtra *) PG_GETARG_POINTER(3);

	if ((k >> x->shift) == (pk >> x->shift))
		PG_RETURN_INT32(0);
	PG_RETURN_INT32(k > pk ? 1 : -1);
}

PG_FUNCTION_INFO_V1(zpidx_impact_consistent);
Datum
zpidx_impact_consistent(PG_FUNCTION_ARGS)
{
	bool	   *check = (bool *) PG_GETARG_POINTER(0);
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra_data = (Pointer *) PG_GETARG_POINTER(4);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(5);

	*recheck = !(extra_data && ((KeyExtra *) extra_data[0])->exact);
	for (int i = 0; i < nkeys; i++)
		if (!check[i])
			PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(true);
}

PG_FUNCTION_INFO_V1(zpidx_impact_triconsistent);
Datum
zpidx_impact_triconsistent(PG_FUNCTION_ARGS)
{
	GinTernaryValue *check = (GinTernaryValue *) PG_GETARG_POINTER(0);
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra_data = (Pointer *) PG_GETARG_POINTER(4);
	GinTernaryValue res = (extra_data && ((KeyExtra *) extra_data[0])->exact) ? GIN_TRUE : GIN_MAYBE;

	for (int i = 0; i < nkeys; i++)
	{
		if (check[i] == GIN_FALSE)
			PG_RETURN_GIN_TERNARY_VALUE(GIN_FALSE);
		if (check[i] == GIN_MAYBE)
			res = GIN_MAYBE;
	}
	PG_RETURN_GIN_TERNARY_VALUE(res);
}

/* body &@> array[q, L]: q occurs and level(overlapping tf of q, chars of body) >= L */
PG_FUNCTION_INFO_V1(zpidx_impact_match);
Datum
zpidx_impact_match(PG_FUNCTION_ARGS)
{
	text	   *b = PG_GETARG_TEXT_PP(0);
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *el;
	bool	   *nulls;
	int			n,
				lev,
				qn;
	text	   *q;
	const char *s,
			   *e,
			   *qs;
	int64		tf = 0;

	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &el, &nulls, &n);
	if (n != 2 || nulls[0] || nulls[1])
		elog(ERROR, "zpidx: expected array[query, level]");
	q = DatumGetTextPP(el[0]);
	lev = pg_strtoint32(text_to_cstring(DatumGetTextPP(el[1])));
	qs = VARDATA_ANY(q);
	qn = VARSIZE_ANY_EXHDR(q);
	s = VARDATA_ANY(b);
	e = s + VARSIZE_ANY_EXHDR(b);
	if (qn == 0)
		PG_RETURN_BOOL(true);
	while (s < e)
	{
		const char *f = memmem(s, e - s, qs, qn);

		if (!f)
			break;
		tf++;
		do
			f++;
		while (f < e && (*(const unsigned char *) f & 0xC0) == 0x80);	/* overlapping */
		s = f;
	}
	if (tf == 0)
		PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(level_of(tf, pg_mbstrlen_with_len(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b))) >= lev);
}

/* the BM25 tf component (k1=1.2, b=0.75, fixed avgdl) and its level, for the top-k driver */
PG_FUNCTION_INFO_V1(zpidx_impact_tfn);
Datum
zpidx_impact_tfn(PG_FUNCTION_ARGS)
{
	float8		tf = PG_GETARG_FLOAT8(0);
	float8		dl = PG_GETARG_FLOAT8(1);

	PG_RETURN_FLOAT8(tf * (K1 + 1) / (tf + K1 * (1 - BB + BB * dl / AVGDL)));
}
