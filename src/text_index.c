/*
 * text_index.c — the whole-document text index: GIN operator class
 * zhpolicy.gin_bigram_ops on text, its operator &@ (contains, with strpos's
 * meaning) and LIKE / ILIKE, and occurrences().  The keys are the engine's
 * (zp_bigram.h); no tsvector is involved, so no position limit applies and a
 * row of any length is searched exactly.
 */
#include "zhpolicy.h"

#include "access/detoast.h"
#include "access/gin.h"
#include "access/stratnum.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "zp_bigram.h"

#include <string.h>

PG_FUNCTION_INFO_V1(zhpolicy_contains);
PG_FUNCTION_INFO_V1(zhpolicy_occurrences);
PG_FUNCTION_INFO_V1(zhpolicy_may_contain);
PG_FUNCTION_INFO_V1(zhpolicy_bigram_extract_value);
PG_FUNCTION_INFO_V1(zhpolicy_bigram_extract_query);
PG_FUNCTION_INFO_V1(zhpolicy_bigram_consistent);
PG_FUNCTION_INFO_V1(zhpolicy_bigram_triconsistent);
PG_FUNCTION_INFO_V1(zhpolicy_bigram_compare_partial);

/* The operator class's strategies. */
#define STRATEGY_CONTAINS 1		/* zhpolicy.&@ */
#define STRATEGY_LIKE 2			/* ~~ */
#define STRATEGY_ILIKE 3		/* ~~* */
#define STRATEGY_MAY_CONTAIN 4	/* zhpolicy.&@~ */

/* A key as GIN stores it: signed int4 whose btint4cmp order is the unsigned order of the pair. */
static inline Datum
key_datum(uint32 key)
{
	return Int32GetDatum((int32) (key ^ 0x80000000u));
}

/* The pair a stored key stands for. */
static inline uint32
datum_key(Datum d)
{
	return (uint32) DatumGetInt32(d) ^ 0x80000000u;
}

/* Find needle in haystack (memmem, which glibc makes fast). */
static inline const char *
find_bytes(const char *hay, size_t hay_len, const char *needle, size_t needle_len)
{
	return memmem(hay, hay_len, needle, needle_len);
}

/*
 * Whether a stored text contains q.  A value stored out of line is read in
 * slices that grow fourfold (32 kB, 128 kB, ...) and overlap by len(q) - 1
 * bytes, and the search stops at the first hit: a frequent phrase in a
 * 1,000,000-character row costs one slice, not the row.  Byte matching is
 * character matching, because valid UTF-8 cannot match inside a character.
 */
static bool
datum_contains(Datum value, const char *q, int32 qlen)
{
	struct varlena *attr = (struct varlena *) DatumGetPointer(value);
	bool		found;

	if (qlen == 0)
		return true;
	if (VARATT_IS_EXTERNAL_ONDISK(attr))
	{
		struct varatt_external toast;
		int64		total;
		int64		offset = 0;
		int64		slice = 32768;
		bool		compressed;

		VARATT_EXTERNAL_GET_POINTER(toast, attr);
		total = toast.va_rawsize - VARHDRSZ;	/* the size once decompressed */
		compressed = VARATT_EXTERNAL_IS_COMPRESSED(toast);
		while (offset < total)
		{
			int64		want = Min(slice + qlen - 1, total - offset);
			struct varlena *part;

			CHECK_FOR_INTERRUPTS();
			part = detoast_attr_slice(attr, (int32) offset, (int32) want);
			found = find_bytes(VARDATA_ANY(part), VARSIZE_ANY_EXHDR(part), q, qlen) != NULL;
			pfree(part);
			if (found)
				return true;
			if (offset + want >= total)
				return false;
			offset += slice;
			/* a compressed value is decompressed from its start for every slice: keep growing */
			slice = compressed ? slice * 4 : Min(slice * 4, 8 * 1024 * 1024);
		}
		return false;
	}
	else
	{
		text	   *doc = (text *) PG_DETOAST_DATUM_PACKED(value);

		found = find_bytes(VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), q, qlen) != NULL;
		if ((Pointer) doc != DatumGetPointer(value))
			pfree(doc);
	}
	return found;
}

/* doc &@ q: whether doc contains q, exactly as strpos(doc, q) > 0 finds it. */
Datum
zhpolicy_contains(PG_FUNCTION_ARGS)
{
	text	   *q = PG_GETARG_TEXT_PP(1);

	PG_RETURN_BOOL(datum_contains(PG_GETARG_DATUM(0), VARDATA_ANY(q), VARSIZE_ANY_EXHDR(q)));
}

/*
 * doc &@~ q: whether doc holds every key of q (each pair of adjacent characters, folded as the
 * index folds them), which every row that contains q does: the candidates of &@, which the
 * text index answers alone, without reading a row.  zhpolicy.rank_top takes its candidates
 * and document frequencies from it.
 */
Datum
zhpolicy_may_contain(PG_FUNCTION_ARGS)
{
	text	   *q = PG_GETARG_TEXT_PP(1);
	ZpBigramQuery query;
	text	   *doc;
	size_t		len;
	uint32	   *keys;
	size_t		n;
	bool		match;

	if (zp_bigram_query(VARDATA_ANY(q), VARSIZE_ANY_EXHDR(q), ZP_BIGRAM_SUBSTRING,
						&zhpolicy_palloc_allocator, &query) != 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	if (query.nkeys == 0)
		PG_RETURN_BOOL(true);
	doc = PG_GETARG_TEXT_PP(0);
	len = VARSIZE_ANY_EXHDR(doc);
	keys = MemoryContextAllocHuge(CurrentMemoryContext, (len + 1) * sizeof(uint32));
	n = zp_bigram_text_keys(VARDATA_ANY(doc), len, keys, &zhpolicy_palloc_allocator);
	n = zp_bigram_sort_unique(keys, n, &zhpolicy_palloc_allocator);
	if (n == SIZE_MAX)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	match = zp_bigram_keys_match(keys, n, &query);
	pfree(keys);
	PG_RETURN_BOOL(match);
}

/* How many times q occurs in doc, counting occurrences that do not overlap (0 for an empty q). */
Datum
zhpolicy_occurrences(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	text	   *q = PG_GETARG_TEXT_PP(1);
	const char *s = VARDATA_ANY(doc);
	const char *end = s + VARSIZE_ANY_EXHDR(doc);
	size_t		qlen = VARSIZE_ANY_EXHDR(q);
	int32		count = 0;

	if (qlen == 0)
		PG_RETURN_INT32(0);
	while (s < end)
	{
		const char *hit = find_bytes(s, end - s, VARDATA_ANY(q), qlen);

		if (!hit)
			break;
		count++;
		s = hit + qlen;
		if ((count & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_INT32(count);
}

/* GIN extractValue: the sorted, unique keys of a text. */
Datum
zhpolicy_bigram_extract_value(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	int32	   *nentries = (int32 *) PG_GETARG_POINTER(1);
	size_t		len = VARSIZE_ANY_EXHDR(doc);
	uint32	   *keys;
	size_t		n;
	Datum	   *entries;

	keys = MemoryContextAllocHuge(CurrentMemoryContext, (len + 1) * sizeof(uint32));
	n = zp_bigram_text_keys(VARDATA_ANY(doc), len, keys, &zhpolicy_palloc_allocator);
	n = zp_bigram_sort_unique(keys, n, &zhpolicy_palloc_allocator);
	entries = MemoryContextAllocHuge(CurrentMemoryContext, Max(n, 1) * sizeof(Datum));
	for (size_t i = 0; i < n; i++)
		entries[i] = key_datum(keys[i]);
	pfree(keys);
	*nentries = (int32) n;
	PG_RETURN_POINTER(entries);
}

/*
 * GIN extractQuery: the keys every matching text has.  A query of one
 * character searches the range of keys that start with it (partial match);
 * a query without keys (white space only, or an ILIKE pattern of cased
 * letters) scans every entry and rechecks every row.
 */
Datum
zhpolicy_bigram_extract_query(PG_FUNCTION_ARGS)
{
	text	   *q = PG_GETARG_TEXT_PP(0);
	int32	   *nentries = (int32 *) PG_GETARG_POINTER(1);
	StrategyNumber strategy = PG_GETARG_UINT16(2);
	bool	  **pmatch = (bool **) PG_GETARG_POINTER(3);
	Pointer   **extra_data = (Pointer **) PG_GETARG_POINTER(4);
	int32	   *search_mode = (int32 *) PG_GETARG_POINTER(6);
	ZpBigramQueryKind kind;
	ZpBigramQuery query;
	Datum	   *entries;

	switch (strategy)
	{
		case STRATEGY_CONTAINS:
		case STRATEGY_MAY_CONTAIN:
			kind = ZP_BIGRAM_SUBSTRING;
			break;
		case STRATEGY_LIKE:
			kind = ZP_BIGRAM_LIKE;
			break;
		case STRATEGY_ILIKE:
			kind = ZP_BIGRAM_ILIKE;
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("unrecognized strategy number %d for zhpolicy.gin_bigram_ops", strategy)));
	}
	if (zp_bigram_query(VARDATA_ANY(q), VARSIZE_ANY_EXHDR(q), kind, &zhpolicy_palloc_allocator, &query) != 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	*pmatch = NULL;
	*nentries = (int32) query.nkeys;
	if (query.nkeys == 0 && strategy == STRATEGY_MAY_CONTAIN)
	{
		/* every row holds the keys of a query without keys: all of them, without a recheck */
		*search_mode = GIN_SEARCH_MODE_EVERYTHING;
		PG_RETURN_POINTER(NULL);
	}
	if (query.nkeys == 0)
	{
		*search_mode = GIN_SEARCH_MODE_ALL;
		PG_RETURN_POINTER(NULL);
	}
	entries = palloc(sizeof(Datum) * query.nkeys);
	for (size_t i = 0; i < query.nkeys; i++)
		entries[i] = key_datum(query.keys[i]);
	if (query.prefix)
	{
		*pmatch = palloc(sizeof(bool));
		(*pmatch)[0] = true;
	}
	if (query.exact || strategy == STRATEGY_MAY_CONTAIN)
	{
		/* extra_data[0] non-NULL marks a query whose keys decide without a recheck */
		*extra_data = palloc0(sizeof(Pointer) * query.nkeys);
		(*extra_data)[0] = palloc(1);
	}
	PG_RETURN_POINTER(entries);
}

/* GIN consistent: every key present; recheck the row unless the keys decide alone. */
Datum
zhpolicy_bigram_consistent(PG_FUNCTION_ARGS)
{
	bool	   *check = (bool *) PG_GETARG_POINTER(0);
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra_data = (Pointer *) PG_GETARG_POINTER(4);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(5);

	*recheck = !(extra_data && extra_data[0]);
	for (int32 i = 0; i < nkeys; i++)
		if (!check[i])
			PG_RETURN_BOOL(false);
	PG_RETURN_BOOL(true);
}

/* GIN triconsistent: the same with "maybe" for keys GIN has not looked at. */
Datum
zhpolicy_bigram_triconsistent(PG_FUNCTION_ARGS)
{
	GinTernaryValue *check = (GinTernaryValue *) PG_GETARG_POINTER(0);
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra_data = (Pointer *) PG_GETARG_POINTER(4);
	GinTernaryValue result = (extra_data && extra_data[0]) ? GIN_TRUE : GIN_MAYBE;

	for (int32 i = 0; i < nkeys; i++)
	{
		if (check[i] == GIN_FALSE)
			PG_RETURN_GIN_TERNARY_VALUE(GIN_FALSE);
		if (check[i] == GIN_MAYBE)
			result = GIN_MAYBE;
	}
	PG_RETURN_GIN_TERNARY_VALUE(result);
}

/* GIN comparePartial: a key matches a one-character query when it starts with that character. */
Datum
zhpolicy_bigram_compare_partial(PG_FUNCTION_ARGS)
{
	uint32		query_key = datum_key(PG_GETARG_DATUM(0));
	uint32		key = datum_key(PG_GETARG_DATUM(1));

	if (key >> 16 == query_key >> 16)
		PG_RETURN_INT32(0);
	PG_RETURN_INT32(key > query_key ? 1 : -1);
}
