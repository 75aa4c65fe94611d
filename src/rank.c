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

#include "access/genam.h"
#include "access/table.h"
#include "catalog/pg_am.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "utils/hsearch.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/itemptr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "zp_rank.h"

PG_FUNCTION_INFO_V1(zhpolicy_rank);
PG_FUNCTION_INFO_V1(zhpolicy_rank_explain);
PG_FUNCTION_INFO_V1(zhpolicy_rank_word_share);
PG_FUNCTION_INFO_V1(zhpolicy_rank_sketch);
PG_FUNCTION_INFO_V1(zhpolicy_rank_bound);
PG_FUNCTION_INFO_V1(zhpolicy_rank_top);
PG_FUNCTION_INFO_V1(zhpolicy_rank_tiers);

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
	MemoryContext cxt;			/* where it lives (the function's fn_mcxt) */
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
	pq->cxt = fcinfo->flinfo->fn_mcxt;
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

/* The phrases' index keys for bounds, made once per parsed query (in its memory). */
static void
rank_prepare_bound_terms(ParsedQuery *pq)
{
	if (!pq->bterms)
	{
		ZpRankBoundTerm *bt = MemoryContextAllocZero(pq->cxt, sizeof(ZpRankBoundTerm) * (pq->nterms + 1));
		ZpAllocator mem = zhpolicy_palloc_allocator;
		MemoryContext old = MemoryContextSwitchTo(pq->cxt);

		if (zp_rank_bound_prepare(pq->terms, pq->nterms, &mem, bt) != 0)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		MemoryContextSwitchTo(old);
		pq->bterms = bt;
	}
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

/* The tier keys of a document, for the GIN index that rank_top reads rows from, commonest first. */
Datum
zhpolicy_rank_tiers(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	uint32_t   *keys;
	size_t		n;
	Datum	   *elems;

	zhpolicy_check_encoding();
	if (zp_rank_tiers(VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), &zp_rank_defaults,
					  &zhpolicy_palloc_allocator, &keys, &n) != 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	elems = palloc(sizeof(Datum) * (n + 1));
	for (size_t i = 0; i < n; i++)
		elems[i] = Int32GetDatum((int32) keys[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, (int) n, INT4OID, 4, true, TYPALIGN_INT));
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
	rank_prepare_bound_terms(pq);
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

/* The k best rows so far: a min-heap on score (row[0] is the k-th best once n == k). */
typedef struct TopRows
{
	TopRow	   *row;
	int			n;
	int			room;			/* grows with n, up to k: k itself may be far above the rows there are */
	int			k;
} TopRows;

/* Keep the k best rows. */
static void
top_rows_offer(TopRows *top, const TopRow *row)
{
	TopRow	   *heap;
	int			i,
				k = top->k;

	if (top->n < k && top->n == top->room)
	{
		top->room = Min(k, Max(16, 2 * top->room));
		top->row = top->row ? repalloc(top->row, sizeof(TopRow) * top->room) : palloc(sizeof(TopRow) * top->room);
	}
	heap = top->row;
	if (top->n < k)
	{
		i = top->n++;
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

/* ---------------------------------------------------------------- the tier index */

/*
 * Whether relid has a valid GIN index on zhpolicy.rank_tiers(text_col) (no predicate): then
 * rank_top reads rows through it, commonest first, instead of bounding every candidate.
 */
static bool
tier_index_of(Oid relid, const char *text_col)
{
	Oid			argtype = TEXTOID;
	Oid			fn = LookupFuncName(list_make2(makeString("zhpolicy"), makeString("rank_tiers")), 1, &argtype, true);
	AttrNumber	att = get_attnum(relid, text_col);
	Relation	rel;
	List	   *indexes;
	ListCell   *lc;
	bool		found = false;

	if (!OidIsValid(fn) || att <= 0)
		return false;
	rel = table_open(relid, AccessShareLock);
	indexes = RelationGetIndexList(rel);
	foreach(lc, indexes)
	{
		Relation	idx = index_open(lfirst_oid(lc), AccessShareLock);
		List	   *exprs;
		Node	   *e;

		if (idx->rd_rel->relam == GIN_AM_OID && idx->rd_index->indisvalid &&
			idx->rd_index->indnatts == 1 && idx->rd_index->indkey.values[0] == 0 &&
			RelationGetIndexPredicate(idx) == NIL &&
			(exprs = RelationGetIndexExpressions(idx)) != NIL &&
			IsA((e = linitial(exprs)), FuncExpr) && ((FuncExpr *) e)->funcid == fn &&
			list_length(((FuncExpr *) e)->args) == 1)
		{
			Node	   *arg = linitial(((FuncExpr *) e)->args);

			while (IsA(arg, RelabelType))
				arg = (Node *) ((RelabelType *) arg)->arg;
			if (IsA(arg, Var) && ((Var *) arg)->varattno == att)
				found = true;
		}
		index_close(idx, AccessShareLock);
		if (found)
			break;
	}
	list_free(indexes);
	table_close(rel, AccessShareLock);
	return found;
}

/* A row met through the tier index. */
typedef struct TierRowKey
{
	Oid			tab;
	ItemPointerData tid;
} TierRowKey;

typedef struct TierRow
{
	TierRowKey	key;			/* first: the hash key */
	bool		scored;
	bool		sketched;		/* sketch_bound read */
	double		sketch_bound;	/* the bound of its rank sketch (when sketched) */
	uint64		unlisted;		/* phrases that have not listed it (bit i: phrase i) */
	double		listed_part;	/* the bound of its score from the phrases that listed it */
} TierRow;

/* A met row in the pool, by the bound it had when it was (re)entered. */
typedef struct TierPoolEntry
{
	double		key;
	TierRow    *row;
} TierPoolEntry;

/* A search of the top k through the tier index. */
typedef struct TierSearch
{
	FunctionCallInfo fcinfo;
	ParsedQuery *pq;
	Datum		rq;				/* the rank query, for rank_bound */
	double		epsilon;
	double		rho;			/* max(1, avg_len / ZP_TIER_REF_LEN), see zp_rank.h */
	int			low[RANK_MAX_TERMS];	/* the lowest tier probed for each phrase (ZP_TIER_COUNT: none) */
	double		unseen[RANK_MAX_TERMS]; /* the bound of each phrase's part for rows it has not listed */
	SPIPlanPtr	probe;			/* the rows listed for an array of tier keys, with their lengths */
	SPIPlanPtr	read_text;		/* one row's text, by ctid and table, through tbl */
	SPIPlanPtr	read_sketch;	/* one row's sketch bound, the same way */
	int			sketched;
	HTAB	   *rows;			/* TierRow by (table, ctid) */
	TierPoolEntry *pool;		/* rows met and not scored: a max-heap on key */
	int			npool,
				pool_room;
	TopRows    *top;
	int			scored,
				kept,
				probes;
	MemoryContext row_cxt;
} TierSearch;

/* Whether the tier index can bound this query: every phrase with a weight has keys, and lengths are normalised. */
static bool
tier_search_usable(ParsedQuery *pq)
{
	if (pq->params.avg_len <= 0 || pq->nterms > 64)
		return false;
	rank_prepare_bound_terms(pq);
	for (int i = 0; i < pq->nterms; i++)
		if (pq->terms[i].weight > 0 && pq->bterms[i].nkeys == 0)
			return false;
	return true;
}

static void
tier_search_init(TierSearch *ts, FunctionCallInfo fcinfo, ParsedQuery *pq, Oid relid, const char *text_col,
				 const char *sketch_col, Datum rq, Oid rq_type, double epsilon, TopRows *top,
				 MemoryContext row_cxt)
{
	HASHCTL		ctl;
	StringInfoData sql;
	Oid			argtype = INT4ARRAYOID;

	memset(ts, 0, sizeof(*ts));
	ts->fcinfo = fcinfo;
	ts->pq = pq;
	ts->rq = rq;
	ts->epsilon = epsilon;
	ts->top = top;
	ts->row_cxt = row_cxt;
	ts->rho = Max(1.0, pq->params.avg_len / ZP_TIER_REF_LEN);
	for (int i = 0; i < pq->nterms; i++)
	{
		ts->low[i] = ZP_TIER_COUNT;
		ts->unseen[i] = zp_rank_part_bound(pq->terms[i].weight, -1, &pq->params);
	}
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(TierRowKey);
	ctl.entrysize = sizeof(TierRow);
	ctl.hcxt = CurrentMemoryContext;
	ts->rows = hash_create("zhpolicy rank_top rows", 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ts->pool_room = 1024;
	ts->pool = palloc(sizeof(TierPoolEntry) * ts->pool_room);
	initStringInfo(&sql);
	appendStringInfo(&sql, "SELECT tableoid, ctid, pg_catalog.octet_length(%s::text) FROM %s "
					 "WHERE zhpolicy.rank_tiers(%s::text) OPERATOR(pg_catalog.@>) $1",
					 quote_identifier(text_col),
					 quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), get_rel_name(relid)),
					 quote_identifier(text_col));
	ts->probe = SPI_prepare(sql.data, 1, &argtype);
	if (ts->probe == NULL)
		elog(ERROR, "zhpolicy.rank_top: could not prepare the tier probe: %s", SPI_result_code_string(SPI_result));

	/*
	 * A met row is read through tbl as the probe found it, by ctid and tableoid: the table's own
	 * privileges and row security apply, not those of the partition that holds it.
	 */
	{
		Oid			argtypes[3] = {TIDOID, OIDOID, rq_type};
		char	   *from = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), get_rel_name(relid));

		ts->read_text = SPI_prepare(psprintf("SELECT %s::text FROM %s WHERE ctid = $1 AND tableoid = $2",
											 quote_identifier(text_col), from), 2, argtypes);
		ts->read_sketch = SPI_prepare(psprintf("SELECT zhpolicy.rank_bound(%s, $3) FROM %s WHERE ctid = $1 AND tableoid = $2",
											   quote_identifier(sketch_col), from), 3, argtypes);
		if (ts->read_text == NULL || ts->read_sketch == NULL)
			elog(ERROR, "zhpolicy.rank_top: could not prepare a row read: %s", SPI_result_code_string(SPI_result));
	}
}

/* The tier keys of phrase t at tier j, as an int4[]. */
static Datum
tier_probe_keys(TierSearch *ts, int t, int j)
{
	const ZpRankBoundTerm *bt = &ts->pq->bterms[t];
	Datum	   *elems = palloc(sizeof(Datum) * bt->nkeys);

	for (size_t i = 0; i < bt->nkeys; i++)
		elems[i] = Int32GetDatum((int32) zp_rank_tier_key(bt->keys[i], j));
	return PointerGetDatum(construct_array(elems, (int) bt->nkeys, INT4OID, 4, true, TYPALIGN_INT));
}

/* Whether the index lists any row for phrase t at tier j. */
static bool
tier_probe_any(TierSearch *ts, int t, int j)
{
	Datum		keys = tier_probe_keys(ts, t, j);
	bool		any;

	ts->probes++;
	if (SPI_execute_plan(ts->probe, &keys, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "zhpolicy.rank_top: the tier probe failed");
	any = SPI_processed > 0;
	SPI_freetuptable(SPI_tuptable);
	return any;
}

/*
 * The bound of a phrase's part for a row of dl bytes it first listed at tier j: the row is below
 * tier j + 1, so its boosted count is below threshold(j + 1) (1 - b + b dl / ZP_TIER_REF_LEN).
 */
static double
tier_part(const TierSearch *ts, int t, int j, double dl)
{
	const ZpRankParams *p = &ts->pq->params;

	if (j + 1 >= ZP_TIER_COUNT)
		return zp_rank_part_bound(ts->pq->terms[t].weight, -1, p);
	return zp_rank_part_bound(ts->pq->terms[t].weight,
							  zp_rank_tier_threshold(j + 1) * (1 - p->b + p->b * dl / ZP_TIER_REF_LEN) /
							  (1 - p->b + p->b * dl / p->avg_len), p);
}

/* A row's bound: the parts of the phrases that listed it, and the unseen bound of the others. */
static double
tier_row_bound(const TierSearch *ts, const TierRow *row)
{
	double		b = row->listed_part;

	for (uint64 m = row->unlisted; m; m &= m - 1)
		b += ts->unseen[__builtin_ctzll(m)];
	return row->sketched && row->sketch_bound < b ? row->sketch_bound : b;
}

/* Enter a row in the pool (a max-heap on key). */
static void
tier_pool_push(TierSearch *ts, TierRow *row, double key)
{
	int			i;

	if (ts->npool == ts->pool_room)
	{
		ts->pool_room *= 2;
		ts->pool = repalloc(ts->pool, sizeof(TierPoolEntry) * ts->pool_room);
	}
	i = ts->npool++;
	while (i > 0 && ts->pool[(i - 1) / 2].key < key)
	{
		ts->pool[i] = ts->pool[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	ts->pool[i].key = key;
	ts->pool[i].row = row;
}

/* Take the row of the highest key out of the pool. */
static TierRow *
tier_pool_pop(TierSearch *ts)
{
	TierRow    *top = ts->pool[0].row;
	TierPoolEntry last = ts->pool[--ts->npool];
	int			i = 0;

	for (;;)
	{
		int			c = 2 * i + 1;

		if (c >= ts->npool)
			break;
		if (c + 1 < ts->npool && ts->pool[c + 1].key > ts->pool[c].key)
			c++;
		if (ts->pool[c].key <= last.key)
			break;
		ts->pool[i] = ts->pool[c];
		i = c;
	}
	if (ts->npool > 0)
		ts->pool[i] = last;
	return top;
}

/* Probe tier j for phrase t: rows it lists for the first time get that tier's bound. */
static void
tier_probe(TierSearch *ts, int t, int j)
{
	Datum		keys = tier_probe_keys(ts, t, j);
	TierRow   **fresh = NULL;		/* rows met for the first time */
	int			nfresh = 0,
				fresh_room = 0;

	ts->probes++;
	if (SPI_execute_plan(ts->probe, &keys, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "zhpolicy.rank_top: the tier probe failed");
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		bool		isnull;
		TierRowKey	key;
		TierRow    *row;
		bool		found;

		CHECK_FOR_INTERRUPTS();
		memset(&key, 0, sizeof(key));
		key.tab = DatumGetObjectId(SPI_getbinval(tup, SPI_tuptable->tupdesc, 1, &isnull));
		ItemPointerCopy((ItemPointer) DatumGetPointer(SPI_getbinval(tup, SPI_tuptable->tupdesc, 2, &isnull)), &key.tid);
		row = hash_search(ts->rows, &key, HASH_ENTER, &found);
		if (!found)
		{
			row->scored = false;
			row->sketched = false;
			row->sketch_bound = 0;
			row->unlisted = ts->pq->nterms >= 64 ? ~(uint64) 0 : (((uint64) 1 << ts->pq->nterms) - 1);
			row->listed_part = 0;
			if (nfresh == fresh_room)
			{
				fresh_room = fresh_room ? 2 * fresh_room : 256;
				fresh = fresh ? repalloc(fresh, sizeof(TierRow *) * fresh_room) : palloc(sizeof(TierRow *) * fresh_room);
			}
			fresh[nfresh++] = row;
		}
		if (row->unlisted & ((uint64) 1 << t))
		{
			double		dl = DatumGetInt32(SPI_getbinval(tup, SPI_tuptable->tupdesc, 3, &isnull));

			row->unlisted &= ~((uint64) 1 << t);
			row->listed_part += tier_part(ts, t, j, isnull ? 0 : dl);
		}
	}
	SPI_freetuptable(SPI_tuptable);
	ts->low[t] = j;
	ts->unseen[t] = zp_rank_part_bound(ts->pq->terms[t].weight, zp_rank_tier_threshold(j) * ts->rho, &ts->pq->params);
	for (int i = 0; i < nfresh; i++)
		tier_pool_push(ts, fresh[i], tier_row_bound(ts, fresh[i]));
	if (fresh)
		pfree(fresh);
}

/*
 * The first probe of phrase t: the highest tier that lists a row, found by halving (a row listed
 * at a tier is listed at every lower one), so the probes that follow start there.
 */
static void
tier_start(TierSearch *ts, int t)
{
	int			lo = -1,		/* a tier that lists a row (-1: none known) */
				hi = ZP_TIER_COUNT; /* a tier that lists none (ZP_TIER_COUNT: none known) */

	while (hi - lo > 1)
	{
		int			mid = lo + (hi - lo) / 2;

		if (tier_probe_any(ts, t, mid))
			lo = mid;
		else
			hi = mid;
	}
	/* rows are below tier hi: as if it had been probed and listed none */
	ts->low[t] = hi;
	if (hi < ZP_TIER_COUNT)
		ts->unseen[t] = zp_rank_part_bound(ts->pq->terms[t].weight, zp_rank_tier_threshold(hi) * ts->rho,
										   &ts->pq->params);
	if (lo >= 0)
		tier_probe(ts, t, lo);
}

/* Whether the k-th score so far settles a bound (no row bounded by it can enter the top k). */
static bool
tier_beats(const TierSearch *ts, double bound)
{
	double		kth;

	if (ts->top->n < ts->top->k)
		return false;
	kth = ts->top->row[0].score;
	return kth >= (1 - ts->epsilon) * bound && (ts->epsilon > 0 || kth > bound);
}


/* Read a row's sketch bound (NULL sketch: no bound from it). */
static void
tier_sketch(TierSearch *ts, TierRow *row)
{
	Datum		args[3] = {PointerGetDatum(&row->key.tid), ObjectIdGetDatum(row->key.tab), ts->rq};

	row->sketched = true;
	row->sketch_bound = get_float8_infinity();
	ts->sketched++;
	if (SPI_execute_plan(ts->read_sketch, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "zhpolicy.rank_top: the sketch read failed");
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		b = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
			row->sketch_bound = DatumGetFloat8(b);
	}
	SPI_freetuptable(SPI_tuptable);
}

/* Read a row's text and score it exactly. */
static void
tier_score(TierSearch *ts, TierRow *row)
{
	Datum		args[2] = {PointerGetDatum(&row->key.tid), ObjectIdGetDatum(row->key.tab)};
	MemoryContext old;

	row->scored = true;
	if (SPI_execute_plan(ts->read_text, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "zhpolicy.rank_top: the row fetch failed");
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		doc = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (!isnull)
		{
			TopRow		top;

			old = MemoryContextSwitchTo(ts->row_cxt);
			top.score = score_doc(ts->fcinfo, ts->pq, DatumGetTextPP(doc), NULL, NULL);
			MemoryContextSwitchTo(old);
			MemoryContextReset(ts->row_cxt);
			ts->scored++;
			if (top.score > 0)
			{
				top.tab = row->key.tab;
				top.tid = row->key.tid;
				ts->kept++;
				top_rows_offer(ts->top, &top);
			}
		}
	}
	SPI_freetuptable(SPI_tuptable);
}

/*
 * The top k through the tier index (Fagin's threshold algorithm, tier by tier): probe the
 * phrase whose unseen rows could add most, score the met row of the highest bound once no unseen
 * row can beat it, until the k-th score beats every bound.  Returns true when that settled the top
 * k; false when every phrase is down to its lowest tier and rows below it could still enter: then
 * listed[t] says which phrases' candidates must still be looked at (rows holding only the others
 * cannot beat the k-th score).
 */
static bool
tier_search_run(TierSearch *ts, bool *listed)
{
	int			nterms = ts->pq->nterms;
	bool		started = false;

	for (;;)
	{
		double		unseen = 0,
					best = -1;
		TierRow    *best_row = NULL;
		int			pick = -1;

		CHECK_FOR_INTERRUPTS();
		if (!started)
		{
			for (int t = 0; t < nterms; t++)
				if (ts->pq->terms[t].weight > 0)
					tier_start(ts, t);
				else
					ts->unseen[t] = 0;
			started = true;
		}
		for (int t = 0; t < nterms; t++)
		{
			unseen += ts->unseen[t];
			if (ts->pq->terms[t].weight > 0 && ts->low[t] > 0 &&
				(pick < 0 || ts->unseen[t] > ts->unseen[pick]))
				pick = t;
		}
		/*
		 * The met row of the highest bound.  A key is a bound once computed, and bounds only
		 * fall (tiers go down, sketches are read): a top whose bound is still its key is the
		 * highest; else it goes back with its bound as key.
		 */
		while (ts->npool > 0)
		{
			double		b = tier_row_bound(ts, ts->pool[0].row);

			if (b < ts->pool[0].key)
			{
				TierRow    *row = tier_pool_pop(ts);

				tier_pool_push(ts, row, b);
				continue;
			}
			best = b;
			best_row = ts->pool[0].row;
			break;
		}
		if (tier_beats(ts, Max(unseen, best)))
			return true;
		if (best_row && (best >= unseen || pick < 0) && !tier_beats(ts, best))
		{
			if (!best_row->sketched)
			{
				/* its sketch first: a few kB, where scoring reads the whole row */
				tier_sketch(ts, best_row);
				continue;
			}
			tier_pool_pop(ts);
			tier_score(ts, best_row);
			continue;
		}
		if (pick >= 0)
		{
			tier_probe(ts, pick, ts->low[pick] - 1);
			continue;
		}
		break;
	}

	/*
	 * Every met row is scored or beaten; unseen rows remain that could enter.  A row that holds
	 * none of the phrases marked here scores at most the sum of the others' unseen bounds: leave
	 * out the smallest while that sum stays beaten.
	 */
	{
		double		left_out = 0;

		for (int t = 0; t < nterms; t++)
			listed[t] = ts->pq->terms[t].weight > 0;
		for (;;)
		{
			int			m = -1;

			for (int t = 0; t < nterms; t++)
				if (listed[t] && (m < 0 || ts->unseen[t] < ts->unseen[m]))
					m = t;
			if (m < 0 || !tier_beats(ts, left_out + ts->unseen[m]))
				break;
			left_out += ts->unseen[m];
			listed[m] = false;
		}
	}
	return false;
}

/* Whether the tier search met (scored, or ruled out) a row. */
static bool
tier_row_find(HTAB *rows, Oid tab, ItemPointer tid)
{
	TierRowKey	key;

	memset(&key, 0, sizeof(key));
	key.tab = tab;
	ItemPointerCopy(tid, &key.tid);
	return hash_search(rows, &key, HASH_FIND, NULL) != NULL;
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
	TopRows		top = {NULL, 0, 0, 0};
	int			scored = 0,
				kept = 0,
				nterms_listed = 0;
	MemoryContext row_cxt,
				old;
	ParsedQuery *pq;
	bool		isnull;
	bool		listed[RANK_MAX_TERMS + 1];
	HTAB	   *seen;

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

	/* room for k rows */
	top.k = k;
	row_cxt = AllocSetContextCreate(CurrentMemoryContext, "zhpolicy rank_top row", ALLOCSET_DEFAULT_SIZES);
	for (int i = 0; i < nterms; i++)
		listed[i] = true;
	seen = NULL;
	if (tier_index_of(relid, text_col) && tier_search_usable(pq))
	{
		TierSearch	ts;

		tier_search_init(&ts, fcinfo, pq, relid, text_col, sketch_col, rq, rq_type, epsilon, &top, row_cxt);
		if (tier_search_run(&ts, listed))
			memset(listed, 0, sizeof(listed));	/* settled: no candidate list needed */
		else
			elog(DEBUG1, "zhpolicy.rank_top: the tier index did not settle the top %d; listing candidates", k);
		scored = ts.scored;
		kept = ts.kept;
		seen = ts.rows;
		elog(DEBUG1, "zhpolicy.rank_top: tier index: %d probes, %ld rows met, %d sketches read, %d scored exactly",
			 ts.probes, seen ? hash_get_num_entries(seen) : 0L, ts.sketched, ts.scored);
	}
	for (int i = 0; i < nterms; i++)
		nterms_listed += listed[i] ? 1 : 0;

	/* the candidates with their bounds, best bound first (rows without a sketch before all) */
	if (nterms_listed > 0)
	{
		initStringInfo(&sql);
		appendStringInfo(&sql, "SELECT tableoid, ctid, zhpolicy.rank_bound(%s, $1), %s::text FROM %s WHERE ",
						 quote_identifier(sketch_col), quote_identifier(text_col),
						 quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), relname));
		for (int i = 1, n = 0; i <= nterms; i++)
			if (listed[i - 1])
				appendStringInfo(&sql, "%s%s::text OPERATOR(zhpolicy.&@~) $2[%d]", n++ > 0 ? " OR " : "",
								 quote_identifier(text_col), i);
		appendStringInfoString(&sql, " ORDER BY 3 DESC NULLS FIRST");
		argtypes[0] = rq_type;
		argtypes[1] = TEXTARRAYOID;
		args[0] = rq;
		args[1] = terms;
		if (SPI_execute_with_args(sql.data, 2, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
			elog(ERROR, "zhpolicy.rank_top: the candidate query failed");
	}
	for (uint64 i = 0; nterms_listed > 0 && i < SPI_processed; i++)
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
		if (top.n >= k && !ub_null && top.row[0].score >= (1 - epsilon) * ub &&
			(epsilon > 0 || top.row[0].score > ub))
			break;
		row.tab = DatumGetObjectId(SPI_getbinval(tup, desc, 1, &isnull));
		ItemPointerCopy((ItemPointer) DatumGetPointer(SPI_getbinval(tup, desc, 2, &isnull)), &row.tid);
		if (seen && tier_row_find(seen, row.tab, &row.tid))
			continue;			/* scored already, or ruled out by its tiers */
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
		top_rows_offer(&top, &row);
	}
	elog(DEBUG1, "zhpolicy.rank_top: %d scored exactly, %d kept", scored, kept);

	if (top.n > 0)
		qsort(top.row, top.n, sizeof(TopRow), top_row_cmp);
	for (int i = 0; i < top.n; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = ObjectIdGetDatum(top.row[i].tab);
		values[1] = PointerGetDatum(&top.row[i].tid);
		values[2] = Float8GetDatum(top.row[i].score);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	SPI_finish();
	PG_RETURN_NULL();
}
