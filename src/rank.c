/*
 * rank.c — zhpolicy.rank(): BM25 over exact phrase occurrences (the engine is zp_rank.c).
 *
 * A query reaches the C functions as a zhpolicy.rank_query value (terms text[],
 * weights float8[], avg_len float8, ...), built once per statement by the SQL
 * function zhpolicy.rank_query from the query string and, optionally, a table's
 * statistics.  The parsed form is kept in fn_extra for as long as the same value
 * comes back (every row of one statement), so a row costs only its counting.
 */
#include "zhpolicy.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "zp_rank.h"

PG_FUNCTION_INFO_V1(zhpolicy_rank);
PG_FUNCTION_INFO_V1(zhpolicy_rank_explain);
PG_FUNCTION_INFO_V1(zhpolicy_rank_word_share);
PG_FUNCTION_INFO_V1(zhpolicy_rank_sketch);
PG_FUNCTION_INFO_V1(zhpolicy_rank_bound);

#define RANK_MAX_TERMS 64		/* phrases in one query */

/* A rank_query value taken apart, kept across the rows of a statement. */
typedef struct ParsedQuery
{
	Size		rawlen;			/* the composite value it was parsed from */
	char	   *raw;
	int			nterms;
	ZpRankTerm *terms;
	char	  **names;			/* each term as a C string, for rank_explain */
	ZpRankParams params;
	ZpRankBoundTerm *bterms;	/* the terms' index keys, made on the first rank_bound call */
} ParsedQuery;

/* Refuse a malformed rank_query (terms and weights must pair up, without NULLs). */
static void
check_query_arrays(int nterms, int nweights, bool has_null)
{
	if (has_null)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("rank query holds a NULL term or weight"),
				 errhint("Build the query with zhpolicy.rank_query(query text [, table, column]).")));
	if (nterms != nweights)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rank query has %d terms and %d weights", nterms, nweights),
				 errdetail("Each term needs exactly one weight."),
				 errhint("Build the query with zhpolicy.rank_query(query text [, table, column]).")));
	if (nterms > RANK_MAX_TERMS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("rank query has %d terms, more than %d", nterms, RANK_MAX_TERMS),
				 errhint("Rank by the query's main phrases only.")));
}

/* The query as the engine wants it, parsed again only when the value changes. */
static ParsedQuery *
parse_query(FunctionCallInfo fcinfo, HeapTupleHeader rec)
{
	ParsedQuery *pq = (ParsedQuery *) fcinfo->flinfo->fn_extra;
	Size		rawlen = HeapTupleHeaderGetDatumLength(rec);
	MemoryContext old;
	bool		isnull;
	Datum		d;
	Datum	   *tv,
			   *wv;
	bool	   *tn,
			   *wn;
	int			nt,
				nw,
				i;
	bool		has_null = false;

	if (pq && pq->rawlen == rawlen && memcmp(pq->raw, rec, rawlen) == 0)
		return pq;
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	pq = palloc0(sizeof(ParsedQuery));
	pq->rawlen = rawlen;
	pq->raw = palloc(rawlen);
	memcpy(pq->raw, rec, rawlen);
	pq->params = zp_rank_defaults;

	d = GetAttributeByNum(rec, 1, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("rank query has no terms"),
				 errhint("Build the query with zhpolicy.rank_query(query text [, table, column]).")));
	deconstruct_array(DatumGetArrayTypePCopy(d), TEXTOID, -1, false, TYPALIGN_INT, &tv, &tn, &nt);
	d = GetAttributeByNum(rec, 2, &isnull);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("rank query has no weights"),
				 errhint("Build the query with zhpolicy.rank_query(query text [, table, column]).")));
	deconstruct_array(DatumGetArrayTypePCopy(d), FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &wv, &wn, &nw);
	for (i = 0; i < nt; i++)
		has_null |= tn[i];
	for (i = 0; i < nw; i++)
		has_null |= wn[i];
	check_query_arrays(nt, nw, has_null);
	d = GetAttributeByNum(rec, 3, &isnull);
	pq->params.avg_len = isnull ? 0 : DatumGetFloat8(d);

	pq->nterms = nt;
	pq->terms = palloc0(sizeof(ZpRankTerm) * (nt + 1));
	pq->names = palloc0(sizeof(char *) * (nt + 1));
	for (i = 0; i < nt; i++)
	{
		text	   *t = DatumGetTextPP(tv[i]);
		double		w = DatumGetFloat8(wv[i]);

		if (isnan(w) || isinf(w) || w < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("rank query weight %g is not a finite number of at least 0", w),
					 errhint("Build the query with zhpolicy.rank_query(query text [, table, column]).")));
		pq->names[i] = text_to_cstring(t);
		pq->terms[i].s = pq->names[i];
		pq->terms[i].len = strlen(pq->names[i]);
		pq->terms[i].weight = w;
	}
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = pq;
	return pq;
}

/* Score one document; stats may be NULL. */
static double
score_doc(FunctionCallInfo fcinfo, ParsedQuery *pq, text *doc, text *title, ZpRankTermStats *stats)
{
	double		score;

	zhpolicy_check_encoding();
	if (zp_rank_score(zhpolicy_lexicon(), zhpolicy_user_lexicon(),
					  VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc),
					  title ? VARDATA_ANY(title) : NULL, title ? VARSIZE_ANY_EXHDR(title) : 0,
					  pq->terms, pq->nterms, &pq->params, &zhpolicy_palloc_allocator, &score, stats) != 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	return score;
}

/* Relevance of a document (and optional title) to a rank query; NULL document or query gives NULL. */
Datum
zhpolicy_rank(PG_FUNCTION_ARGS)
{
	ParsedQuery *pq;
	text	   *doc;
	text	   *title = NULL;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	pq = parse_query(fcinfo, PG_GETARG_HEAPTUPLEHEADER(1));
	doc = PG_GETARG_TEXT_PP(0);
	if (PG_NARGS() > 2 && !PG_ARGISNULL(2))
		title = PG_GETARG_TEXT_PP(2);
	PG_RETURN_FLOAT8(score_doc(fcinfo, pq, doc, title, NULL));
}

/* What rank() counted for each phrase: occurrences, title hits, word occurrences, score. */
Datum
zhpolicy_rank_explain(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ParsedQuery *pq;
	ZpRankTermStats *stats;
	text	   *title = NULL;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	pq = parse_query(fcinfo, PG_GETARG_HEAPTUPLEHEADER(1));
	if (PG_NARGS() > 2 && !PG_ARGISNULL(2))
		title = PG_GETARG_TEXT_PP(2);
	stats = palloc0(sizeof(ZpRankTermStats) * (pq->nterms + 1));
	score_doc(fcinfo, pq, PG_GETARG_TEXT_PP(0), title, stats);
	for (i = 0; i < pq->nterms; i++)
	{
		Datum		values[8];
		bool		nulls[8] = {false};

		values[0] = CStringGetTextDatum(pq->names[i]);
		values[1] = Int64GetDatum((int64) stats[i].tf);
		values[2] = Int64GetDatum((int64) stats[i].in_title);
		values[3] = Int64GetDatum((int64) stats[i].checked);
		values[4] = Int64GetDatum((int64) stats[i].words);
		values[5] = Float8GetDatum(stats[i].tf_weighted);
		values[6] = Float8GetDatum(pq->terms[i].weight);
		values[7] = Float8GetDatum(stats[i].score);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_NULL();
}

/* Share of a phrase's Han characters that belong to words of two or more characters. */
Datum
zhpolicy_rank_word_share(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	double		share;

	zhpolicy_check_encoding();
	share = zp_rank_word_share(zhpolicy_lexicon(), zhpolicy_user_lexicon(), VARDATA_ANY(t),
							   VARSIZE_ANY_EXHDR(t), &zhpolicy_palloc_allocator);
	if (share < 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	PG_RETURN_FLOAT8(share);
}

/* The rank sketch of a document: its length, lead and commonest keys, for rank_bound. */
Datum
zhpolicy_rank_sketch(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	char	   *buf;
	size_t		len;
	bytea	   *res;
	uint32		lex_id;

	zhpolicy_check_encoding();
	lex_id = zhpolicy_lexicon_id();
	if (zp_rank_sketch(zhpolicy_lexicon(), zhpolicy_user_lexicon(), lex_id, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc),
					   &zp_rank_defaults, &zhpolicy_palloc_allocator, &buf, &len) != 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	res = palloc(VARHDRSZ + len);
	SET_VARSIZE(res, VARHDRSZ + len);
	memcpy(VARDATA(res), buf, len);
	PG_RETURN_BYTEA_P(res);
}

/* An upper bound of rank(doc, query) read from doc's rank sketch alone. */
Datum
zhpolicy_rank_bound(PG_FUNCTION_ARGS)
{
	bytea	   *sk;
	ParsedQuery *pq;
	ZpRankTerm *terms;
	double		bound;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	sk = PG_GETARG_BYTEA_PP(0);
	pq = parse_query(fcinfo, PG_GETARG_HEAPTUPLEHEADER(1));

	if (!zp_rank_sketch_valid(VARDATA_ANY(sk), VARSIZE_ANY_EXHDR(sk)) &&
		zp_rank_sketch_version(VARDATA_ANY(sk), VARSIZE_ANY_EXHDR(sk)) != 0 &&
		zp_rank_sketch_version(VARDATA_ANY(sk), VARSIZE_ANY_EXHDR(sk)) != ZP_SKETCH_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("rank sketch of version %d, this zhpolicy reads version %d",
						zp_rank_sketch_version(VARDATA_ANY(sk), VARSIZE_ANY_EXHDR(sk)), ZP_SKETCH_VERSION),
				 errdetail("The sketch was made by an older zhpolicy.rank_sketch."),
				 errhint("Recompute the column: UPDATE the table SET body = body when the sketch is a generated column, else SET rank_sketch = zhpolicy.rank_sketch(body).")));
	if (!zp_rank_sketch_valid(VARDATA_ANY(sk), VARSIZE_ANY_EXHDR(sk)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("value is not a zhpolicy rank sketch"),
				 errdetail("A rank sketch is made by zhpolicy.rank_sketch(body) of this version."),
				 errhint("Recompute the column: UPDATE the table SET body = body when the sketch is a generated column, else SET rank_sketch = zhpolicy.rank_sketch(body).")));
	if (!pq->bterms)
	{
		ZpRankBoundTerm *bt = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
													 sizeof(ZpRankBoundTerm) * (pq->nterms + 1));
		ZpAllocator mem = zhpolicy_palloc_allocator;
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		if (zp_rank_bound_prepare(pq->terms, pq->nterms, &mem, bt) != 0)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		MemoryContextSwitchTo(old);
		pq->bterms = bt;
	}
	terms = pq->terms;
	if (PG_NARGS() > 2 && !PG_ARGISNULL(2))
	{
		/* phrases the row does not hold weigh 0 */
		ArrayType  *held = PG_GETARG_ARRAYTYPE_P(2);
		Datum	   *hv;
		bool	   *hn;
		int			nh;

		terms = palloc(sizeof(ZpRankTerm) * (pq->nterms + 1));
		memcpy(terms, pq->terms, sizeof(ZpRankTerm) * pq->nterms);
		for (int i = 0; i < pq->nterms; i++)
			terms[i].weight = 0;
		deconstruct_array(held, INT4OID, 4, true, TYPALIGN_INT, &hv, &hn, &nh);
		for (int i = 0; i < nh; i++)
		{
			int32		h = hn[i] ? 0 : DatumGetInt32(hv[i]);

			if (h < 1 || h > pq->nterms)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("held phrase %d is not a phrase of the rank query", h),
						 errdetail("The query has %d phrases, numbered from 1.", pq->nterms)));
			terms[h - 1].weight = pq->terms[h - 1].weight;
		}
	}
	bound = zp_rank_bound(VARDATA_ANY(sk), terms, pq->bterms, pq->nterms, &pq->params, zhpolicy_lexicon_id());
	PG_RETURN_FLOAT8(bound);
}
