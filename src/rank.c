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
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/itemptr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "zp_rank.h"

PG_FUNCTION_INFO_V1(zhpolicy_rank);
PG_FUNCTION_INFO_V1(zhpolicy_rank_explain);
PG_FUNCTION_INFO_V1(zhpolicy_rank_word_share);
PG_FUNCTION_INFO_V1(zhpolicy_rank_sketch);
PG_FUNCTION_INFO_V1(zhpolicy_rank_bound);
PG_FUNCTION_INFO_V1(zhpolicy_rank_top);

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

/* A row among the k best so far: where it is and its exact score. */
typedef struct TopRow
{
	Oid			tab;
	ItemPointerData tid;
	double		score;
} TopRow;

/* Keep the k best rows in a min-heap on score (heap[0] is the k-th best once n == k). */
static void
top_rows_offer(TopRow *heap, int *n, int k, const TopRow *row)
{
	int			i;

	if (*n < k)
	{
		i = (*n)++;
		while (i > 0 && heap[(i - 1) / 2].score > row->score)
		{
			heap[i] = heap[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		heap[i] = *row;
		return;
	}
	if (row->score <= heap[0].score)
		return;
	i = 0;
	for (;;)
	{
		int			c = 2 * i + 1;

		if (c >= k)
			break;
		if (c + 1 < k && heap[c + 1].score < heap[c].score)
			c++;
		if (heap[c].score >= row->score)
			break;
		heap[i] = heap[c];
		i = c;
	}
	heap[i] = *row;
}

/* Best first; equal scores in the order of their place in the table, so the answer is stable. */
static int
top_row_cmp(const void *a, const void *b)
{
	const TopRow *x = a,
			   *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->tab != y->tab)
		return x->tab < y->tab ? -1 : 1;
	return ItemPointerCompare((ItemPointer) &x->tid, (ItemPointer) &y->tid);
}

/* A table's name as regclass prints it (qualified when not on the search path). */
static char *
regclass_name(Oid relid)
{
	return DatumGetCString(DirectFunctionCall1(regclassout, ObjectIdGetDatum(relid)));
}

/* The type of a table's column, or an error that names the column (as column_type does). */
static Oid
rank_column_type(Oid relid, const char *col)
{
	AttrNumber	att = get_attnum(relid, col);

	if (att == InvalidAttrNumber || att < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of table %s does not exist", col,
						regclass_name(relid))));
	return get_atttype(relid, att);
}

/*
 * The k rows of a table that rank highest for a query (zhpolicy.rank with the table's
 * statistics), exactly as ORDER BY zhpolicy.rank(...) DESC LIMIT k finds them among the rows that
 * hold a phrase.  One query lists the candidates through the text index (&@~, no row read) with
 * each one's rank_bound from its sketch, highest bound first, and their text as TOAST pointers;
 * candidates are then read and scored in that order until the k-th exact score reaches the next
 * bound (with epsilon > 0: (1 - epsilon) x the next bound).  The loop is here, not in PL/pgSQL,
 * because a statement per scored row cost more than the scoring.
 */
Datum
zhpolicy_rank_top(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			relid = PG_GETARG_OID(0);
	char	   *text_col = NameStr(*PG_GETARG_NAME(1));
	char	   *sketch_col = NameStr(*PG_GETARG_NAME(2));
	text	   *query = PG_GETARG_TEXT_PP(3);
	int32		k = PG_GETARG_INT32(4);
	double		epsilon = PG_GETARG_FLOAT8(5);
	Oid			t;
	char	   *relname;
	Datum		terms,
				rq;
	Oid			rq_type;
	int			nterms;
	StringInfoData sql;
	Oid			argtypes[3];
	Datum		args[3];
	TopRow	   *heap;
	int			nheap = 0,
				scored = 0,
				kept = 0;
	MemoryContext row_cxt,
				old;
	ParsedQuery *pq;
	bool		isnull;

	if (k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be at least 1, not %d", k)));
	if (!(epsilon >= 0 && epsilon < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("epsilon must be at least 0 and below 1, not %g", epsilon)));
	relname = get_rel_name(relid);
	if (relname == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	t = rank_column_type(relid, text_col);
	if (t != TEXTOID && t != VARCHAROID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of table %s is not text", text_col, regclass_name(relid))));
	if (rank_column_type(relid, sketch_col) != BYTEAOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of table %s is not a rank sketch (bytea)", sketch_col, regclass_name(relid)),
				 errhint("Add one: ALTER TABLE %s ADD COLUMN rank_sketch bytea GENERATED ALWAYS AS (zhpolicy.rank_sketch(%s)) STORED;",
						 regclass_name(relid), quote_identifier(text_col))));

	InitMaterializedSRF(fcinfo, 0);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	/* the query's phrases, and the rank query with the table's statistics */
	argtypes[0] = TEXTOID;
	argtypes[1] = REGCLASSOID;
	argtypes[2] = NAMEOID;
	args[0] = PointerGetDatum(query);
	args[1] = ObjectIdGetDatum(relid);
	args[2] = PG_GETARG_DATUM(1);
	if (SPI_execute_with_args("SELECT zhpolicy.rank_terms($1), zhpolicy.rank_query($1, $2, $3)",
							  3, argtypes, args, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "zhpolicy.rank_top: could not build the rank query");
	terms = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (!isnull)
	{
		ArrayType  *a = DatumGetArrayTypeP(terms);

		terms = PointerGetDatum(a);
		nterms = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	}
	else
		nterms = 0;
	if (nterms == 0)
	{
		SPI_finish();
		PG_RETURN_NULL();
	}
	rq = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	if (isnull)
		elog(ERROR, "zhpolicy.rank_top: could not build the rank query");
	rq_type = SPI_gettypeid(SPI_tuptable->tupdesc, 2);
	pq = parse_query(fcinfo, DatumGetHeapTupleHeader(rq));

	/* the candidates with their bounds, best bound first (rows without a sketch before all) */
	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT tableoid, ctid, zhpolicy.rank_bound(%s, $1), %s::text FROM %s WHERE ",
					 quote_identifier(sketch_col), quote_identifier(text_col),
					 quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), relname));
	for (int i = 1; i <= nterms; i++)
		appendStringInfo(&sql, "%s%s::text OPERATOR(zhpolicy.&@~) $2[%d]", i > 1 ? " OR " : "",
						 quote_identifier(text_col), i);
	appendStringInfoString(&sql, " ORDER BY 3 DESC NULLS FIRST");
	argtypes[0] = rq_type;
	argtypes[1] = TEXTARRAYOID;
	args[0] = rq;
	args[1] = terms;
	if (SPI_execute_with_args(sql.data, 2, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "zhpolicy.rank_top: the candidate query failed");

	/* room for k rows, or for every candidate when there are fewer */
	heap = palloc(sizeof(TopRow) * Max(Min((uint64) k, SPI_processed), 1));
	row_cxt = AllocSetContextCreate(CurrentMemoryContext, "zhpolicy rank_top row", ALLOCSET_DEFAULT_SIZES);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		ub_null,
					doc_null;
		double		ub = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &ub_null));
		Datum		doc;
		TopRow		row;

		CHECK_FOR_INTERRUPTS();
		/* stop once no row left can beat the k-th: bounds only fall from here on */
		if (nheap >= k && !ub_null && heap[0].score >= (1 - epsilon) * ub &&
			(epsilon > 0 || heap[0].score > ub))
			break;
		doc = SPI_getbinval(tup, desc, 4, &doc_null);
		if (doc_null)
			continue;
		old = MemoryContextSwitchTo(row_cxt);
		row.score = score_doc(fcinfo, pq, DatumGetTextPP(doc), NULL, NULL);
		MemoryContextSwitchTo(old);
		MemoryContextReset(row_cxt);
		scored++;
		if (row.score <= 0)
			continue;			/* holds the pairs of a phrase but not the phrase */
		kept++;
		row.tab = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		ItemPointerCopy((ItemPointer) DatumGetPointer(SPI_getbinval(tup, desc, 2, &isnull)), &row.tid);
		top_rows_offer(heap, &nheap, k, &row);
	}
	elog(DEBUG1, "zhpolicy.rank_top: %d scored exactly, %d kept", scored, kept);

	qsort(heap, nheap, sizeof(TopRow), top_row_cmp);
	for (int i = 0; i < nheap; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = ObjectIdGetDatum(heap[i].tab);
		values[1] = PointerGetDatum(&heap[i].tid);
		values[2] = Float8GetDatum(heap[i].score);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	PG_RETURN_NULL();
}
