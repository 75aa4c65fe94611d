/*
 * tag.c — concept tagging: tag(), tag_spans(), concepts().
 *
 * Each backend builds one matcher from zhpolicy.concept and
 * zhpolicy.concept_label on first use, in its own memory context, and keeps
 * it until the vocabulary changes: the statement triggers of the vocabulary
 * tables update zhpolicy.vocabulary_version, whose trigger sends a cache
 * invalidation that marks the matcher stale in every backend.
 *
 * Score of a concept in a document (documented in the README):
 *   direct  = sum over its accepted matches of label weight x concept weight x
 *             (2 if the match starts in the first 200 characters, else 1),
 *             divided by log2(2 + characters / 1000)
 *   score   = direct + 0.5 x the highest score among its narrower concepts
 * and concepts are ranked with every concept found directly before every
 * concept found only through narrower ones, each group by score.  (Up to 0.2
 * the score added half the *sum* of the narrower scores, so a broad area with
 * many narrower concepts found once each outranked all of them.)
 *
 * Tagging may be limited to some schemes: then only concepts of those schemes
 * match, score and inherit.
 */
#include "zhpolicy.h"

#include <math.h>

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "access/heapam.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_namespace.h"
#include "executor/spi.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "common/string.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "storage/fd.h"
#include "utils/array.h"
#include "common/hashfn.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "zp_tagger.h"

PG_FUNCTION_INFO_V1(zhpolicy_tag);
PG_FUNCTION_INFO_V1(zhpolicy_tag_spans);
PG_FUNCTION_INFO_V1(zhpolicy_concepts);

#define LEAD_CHARS 200			/* matches in the first 200 characters count double */
#define INHERIT_FACTOR 0.5
#define SCORING_VERSION "zhpolicy scoring 2: direct first, half of the best narrower"

/* The vocabulary as the backend's matcher sees it. */
typedef struct Vocabulary
{
	MemoryContext cxt;
	ZpMatcher  *matcher;
	int			n_concepts;
	char	  **concept_id;
	char	  **pref_label;
	int		   *parent;			/* index, or -1 */
	int		   *scheme;			/* index into scheme_id */
	int		   *deepest_first;	/* concept indexes, narrower ones before their broader ones */
	double	   *weight;
	int			n_schemes;
	char	  **scheme_id;		/* sorted */
	int			n_labels;
	int		   *label_concept;
	double	   *label_weight;
	char	  **label_text;
	uint64		fingerprint;	/* of every row read and of the lexicon's header */
} Vocabulary;

/* The backend's vocabulary cache (process-wide, rebuilt when vocabulary_version is invalidated). */
static Vocabulary *vocabulary = NULL;
static ZpTableCache vocabulary_cache = {"vocabulary_version"};

void
zhpolicy_tag_init(void)
{
	zhpolicy_cache_register(&vocabulary_cache);
}

/* Allocate in the vocabulary's memory context (the engine's allocator). */
static void *
vocab_alloc(void *ctx, size_t size)
{
	return MemoryContextAllocExtended((MemoryContext) ctx, size, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

/* Free in the vocabulary's memory context. */
static void
vocab_free(void *ctx, void *ptr)
{
	pfree(ptr);
}

/* Index of a string in a sorted array of n, or -1. */
static int
sorted_index(char *const *a, int n, const char *id)
{
	int			lo = 0,
				hi = n - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = strcmp(a[mid], id);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Index of a concept id, or -1. */
static int
concept_index(const Vocabulary *v, const char *id)
{
	return sorted_index(v->concept_id, v->n_concepts, id);
}

/* qsort_arg comparator of concept indexes: deeper first. */
static int
by_depth_desc(const void *a, const void *b, void *arg)
{
	const int  *depth = arg;
	int			x = *(const int *) a,
				y = *(const int *) b;

	if (depth[x] != depth[y])
		return depth[x] > depth[y] ? -1 : 1;
	return x - y;
}

/* Fold a value into a fingerprint (NULL and empty differ). */
static uint64
fingerprint_add(uint64 fp, const char *value)
{
	if (value == NULL)
		return hash_bytes_uint32_extended(0xFFFFFFFFu, fp);
	return hash_bytes_extended((const unsigned char *) value, (int) strlen(value) + 1, fp);
}

/* Rows of one vocabulary table: its text columns as strings (NULL for NULL), and one real column. */
typedef struct TableRows
{
	int			n;
	int			ncols;
	char	  **cell;			/* n x ncols */
	float4	   *weight;			/* the real column, per row (1 when absent) */
} TableRows;

/* Is relid a Citus table (its rows then live in shards, not in the relation itself)? */
static bool
is_citus_table(Oid relid)
{
	Oid			dist = get_relname_relid("pg_dist_partition", PG_CATALOG_NAMESPACE);
	Datum		arg = ObjectIdGetDatum(relid);
	Oid			argtype = OIDOID;
	bool		found;

	if (!OidIsValid(dist))
		return false;			/* Citus is not installed */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args("SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid OPERATOR(pg_catalog.=) $1",
							  1, &argtype, &arg, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_dist_partition");
	found = SPI_processed > 0;
	SPI_finish();
	return found;
}

/* read_rows for a Citus table: through SPI (Citus reads the node's copy), as the tables' owner. */
static void
read_rows_spi(Oid relid, const char *relname, const char *const *cols, int ncols, int weight_col, TableRows *out)
{
	MemoryContext cxt = CurrentMemoryContext;
	StringInfoData q;
	ZpOwnerRead saved;
	uint64		r;
	int			i;

	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT ");
	for (i = 0; i < ncols; i++)
		appendStringInfo(&q, "%s%s", i ? ", " : "", quote_identifier(cols[i]));
	appendStringInfo(&q, " FROM zhpolicy.%s", quote_identifier(relname));
	zhpolicy_owner_read_begin(relid, &saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute(q.data, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read zhpolicy.%s", relname);
	out->n = (int) SPI_processed;
	out->ncols = ncols;
	out->cell = MemoryContextAllocHuge(cxt, sizeof(char *) * (SPI_processed + 1) * ncols);
	out->weight = MemoryContextAllocHuge(cxt, sizeof(float4) * (SPI_processed + 1));
	for (r = 0; r < SPI_processed; r++)
	{
		HeapTuple	t = SPI_tuptable->vals[r];
		TupleDesc	d = SPI_tuptable->tupdesc;

		if ((r & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		out->weight[r] = 1;
		for (i = 0; i < ncols; i++)
		{
			bool		isnull;
			Datum		val = SPI_getbinval(t, d, i + 1, &isnull);

			out->cell[r * ncols + i] = NULL;
			if (isnull)
				continue;
			if (i == weight_col)
				out->weight[r] = DatumGetFloat4(val);
			else
			{
				MemoryContext old = MemoryContextSwitchTo(cxt);

				out->cell[r * ncols + i] = TextDatumGetCString(val);
				MemoryContextSwitchTo(old);
			}
		}
	}
	SPI_finish();
	zhpolicy_owner_read_end(&saved);
}

/*
 * Read the columns cols of zhpolicy.relname (weight_col: the index of the
 * real column, or -1) with a plain scan under the statement's snapshot, in
 * the current memory context.  A scan, not SPI: no query to plan, no output
 * functions, which keeps the first tag() call of a connection short.  (A
 * Citus table is read through SPI: its rows are in shards.)
 */
static void
read_rows(Oid nsp, const char *relname, const char *const *cols, int ncols, int weight_col, TableRows *out)
{
	Oid			relid = get_relname_relid(relname, nsp);
	Relation	rel;
	TupleDesc	desc;
	TableScanDesc scan;
	HeapTuple	tup;
	AttrNumber	att[8];
	int			cap = 1024,
				i;
	bool		pushed = false;

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table zhpolicy.%s is missing", relname),
				 errhint("Update the extension: ALTER EXTENSION zhpolicy UPDATE.")));
	Assert(ncols <= 8);
	if (is_citus_table(relid))
	{
		read_rows_spi(relid, relname, cols, ncols, weight_col, out);
		return;
	}
	rel = table_open(relid, AccessShareLock);
	desc = RelationGetDescr(rel);
	for (i = 0; i < ncols; i++)
	{
		att[i] = get_attnum(relid, cols[i]);
		if (att[i] == InvalidAttrNumber)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of table zhpolicy.%s is missing", cols[i], relname),
					 errhint("Update the extension: ALTER EXTENSION zhpolicy UPDATE.")));
	}
	out->n = 0;
	out->ncols = ncols;
	out->cell = palloc(sizeof(char *) * cap * ncols);
	out->weight = palloc(sizeof(float4) * cap);
	if (!ActiveSnapshotSet())
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		pushed = true;
	}
	scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		if ((out->n & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		if (out->n == cap)
		{
			cap *= 2;
			out->cell = repalloc_huge(out->cell, sizeof(char *) * cap * ncols);
			out->weight = repalloc_huge(out->weight, sizeof(float4) * cap);
		}
		out->weight[out->n] = 1;
		for (i = 0; i < ncols; i++)
		{
			bool		isnull;
			Datum		val = heap_getattr(tup, att[i], desc, &isnull);

			out->cell[out->n * ncols + i] = NULL;
			if (isnull)
				continue;
			if (i == weight_col)
				out->weight[out->n] = DatumGetFloat4(val);
			else
				out->cell[out->n * ncols + i] = TextDatumGetCString(val);
		}
		out->n++;
	}
	table_endscan(scan);
	if (pushed)
		PopActiveSnapshot();
	table_close(rel, AccessShareLock);
}

/* What qsort_arg needs to order the rows of a table by its first columns. */
typedef struct RowOrder
{
	const TableRows *rows;
	int			keys;			/* compare this many leading columns */
} RowOrder;

/* qsort_arg comparator of row numbers: by the leading columns, bytewise (NULL first). */
static int
by_columns(const void *a, const void *b, void *arg)
{
	const RowOrder *o = arg;
	int			x = *(const int *) a,
				y = *(const int *) b,
				k;

	for (k = 0; k < o->keys; k++)
	{
		const char *p = o->rows->cell[x * o->rows->ncols + k];
		const char *q = o->rows->cell[y * o->rows->ncols + k];
		int			c;

		if (p == NULL || q == NULL)
			c = (p != NULL) - (q != NULL);
		else
			c = strcmp(p, q);
		if (c != 0)
			return c;
	}
	return x - y;
}

/*
 * The row numbers of a table in the order of its first keys columns.  Rows
 * read in almost that order (a few out of place: the label table as loaded)
 * are put in order by insertion, the others by qsort; the order is the same.
 */
static int *
sorted_rows(const TableRows *rows, int keys)
{
	int		   *order = palloc(sizeof(int) * (rows->n + 1));
	RowOrder	o = {rows, keys};
	int			i,
				descents = 0;

	for (i = 0; i < rows->n; i++)
		order[i] = i;
	for (i = 1; i < rows->n && descents <= 16; i++)
		if (by_columns(&order[i - 1], &order[i], &o) > 0)
			descents++;
	if (descents > 16)
	{
		qsort_arg(order, rows->n, sizeof(int), by_columns, &o);
		return order;
	}
	for (i = 1; i < rows->n; i++)
	{
		int			x = order[i],
					j = i;

		while (j > 0 && by_columns(&order[j - 1], &x, &o) > 0)
		{
			order[j] = order[j - 1];
			j--;
		}
		order[j] = x;
	}
	return order;
}

/* Fold a weight into a fingerprint. */
static uint64
fingerprint_add_weight(uint64 fp, float4 w)
{
	return hash_bytes_extended((const unsigned char *) &w, sizeof(w), fp);
}

/* Read the vocabulary tables and build the matcher, in v's memory context. */
static void
read_vocabulary(Vocabulary *v, const ZpLexicon *lex)
{
	static const char *const scheme_cols[] = {"id"};
	static const char *const concept_cols[] = {"id", "pref_label", "broader", "weight", "scheme"};
	static const char *const label_cols[] = {"concept_id", "label", "weight"};
	ZpAllocator mem = {vocab_alloc, vocab_free, v->cxt, zhpolicy_check_interrupts};
	MemoryContext old = MemoryContextSwitchTo(v->cxt);
	Oid			nsp = get_namespace_oid("zhpolicy", false);
	TableRows	schemes,
				concepts,
				labels;
	int		   *order;
	int			i,
				nl = 0,
				col;
	uint64		fp;
	bool		has_schemes;
	const char *prev_id = NULL;
	int			prev_ci = -1;

	fp = hash_bytes_extended((const unsigned char *) lex->hdr, sizeof(*lex->hdr), 0);
	fp = fingerprint_add(fp, SCORING_VERSION);
	/* a database still at version 0.1 of the SQL has no schemes: all its concepts count as one */
	has_schemes = get_attnum(get_relname_relid("concept", nsp), "scheme") != InvalidAttrNumber;

	if (has_schemes)
		read_rows(nsp, "concept_scheme", scheme_cols, 1, -1, &schemes);
	else
	{
		schemes.n = 1;
		schemes.ncols = 1;
		schemes.cell = palloc(sizeof(char *));
		schemes.cell[0] = pstrdup("local");
	}
	order = sorted_rows(&schemes, 1);
	v->n_schemes = schemes.n;
	v->scheme_id = palloc0(sizeof(char *) * (v->n_schemes + 1));
	for (i = 0; i < schemes.n; i++)
		v->scheme_id[i] = schemes.cell[order[i]];

	read_rows(nsp, "concept", concept_cols, has_schemes ? 5 : 4, 3, &concepts);
	order = sorted_rows(&concepts, 1);
	v->n_concepts = concepts.n;
	v->concept_id = palloc0(sizeof(char *) * (v->n_concepts + 1));
	v->pref_label = palloc0(sizeof(char *) * (v->n_concepts + 1));
	v->parent = palloc0(sizeof(int) * (v->n_concepts + 1));
	v->scheme = palloc0(sizeof(int) * (v->n_concepts + 1));
	v->deepest_first = palloc0(sizeof(int) * (v->n_concepts + 1));
	v->weight = palloc0(sizeof(double) * (v->n_concepts + 1));
	for (i = 0; i < concepts.n; i++)
	{
		char	  **row = &concepts.cell[order[i] * concepts.ncols];
		const char *scheme = has_schemes ? row[4] : "local";

		v->concept_id[i] = row[0];
		v->pref_label[i] = row[1];
		v->weight[i] = concepts.weight[order[i]];
		v->parent[i] = -1;
		v->scheme[i] = sorted_index(v->scheme_id, v->n_schemes, scheme);
		for (col = 0; col < 3; col++)
			fp = fingerprint_add(fp, row[col]);
		fp = fingerprint_add_weight(fp, concepts.weight[order[i]]);
		fp = fingerprint_add(fp, scheme);
	}
	for (i = 0; i < concepts.n; i++)
	{
		const char *b = concepts.cell[order[i] * concepts.ncols + 2];

		if (b)
			v->parent[i] = concept_index(v, b);
	}
	{
		/* the order in which scores are passed up: every concept after all its narrower ones */
		int		   *depth = palloc0(sizeof(int) * (v->n_concepts + 1));
		int			c;

		for (c = 0; c < v->n_concepts; c++)
		{
			int			p = v->parent[c];

			while (p >= 0 && depth[c] < 1000)
			{
				depth[c]++;
				p = v->parent[p];
			}
			v->deepest_first[c] = c;
		}
		qsort_arg(v->deepest_first, v->n_concepts, sizeof(int), by_depth_desc, depth);
		pfree(depth);
	}

	read_rows(nsp, "concept_label", label_cols, 3, 2, &labels);
	order = sorted_rows(&labels, 2);
	v->n_labels = v->n_concepts + labels.n;
	v->label_concept = palloc0(sizeof(int) * (v->n_labels + 1));
	v->label_weight = palloc0(sizeof(double) * (v->n_labels + 1));
	v->label_text = palloc0(sizeof(char *) * (v->n_labels + 1));
	v->matcher = zp_matcher_new(lex, &mem);
	if (!v->matcher)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	/* preferred labels first, then the others */
	for (i = 0; i < v->n_concepts; i++)
	{
		v->label_concept[nl] = i;
		v->label_weight[nl] = 1.0;
		v->label_text[nl] = v->pref_label[i];
		if (zp_matcher_add(v->matcher, v->pref_label[i], strlen(v->pref_label[i]), (uint32) nl) == 0)
			nl++;
	}
	for (i = 0; i < labels.n; i++)
	{
		char	  **row = &labels.cell[order[i] * labels.ncols];
		int			ci;

		/* the labels come by concept: look the concept up once for each run */
		if (row[0] && prev_id && strcmp(row[0], prev_id) == 0)
			ci = prev_ci;
		else
			ci = row[0] ? concept_index(v, row[0]) : -1;
		prev_id = row[0];
		prev_ci = ci;

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		fp = fingerprint_add(fp, row[0]);
		fp = fingerprint_add(fp, row[1]);
		fp = fingerprint_add_weight(fp, labels.weight[order[i]]);
		if (ci < 0 || row[1] == NULL)
			continue;
		v->label_concept[nl] = ci;
		v->label_weight[nl] = labels.weight[order[i]];
		v->label_text[nl] = row[1];
		if (zp_matcher_add(v->matcher, row[1], strlen(row[1]), (uint32) nl) == 0)
			nl++;
	}
	v->n_labels = nl;
	v->fingerprint = fp;
	if (zp_matcher_build(v->matcher) != 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	MemoryContextSwitchTo(old);
}

/* Build the vocabulary in a new memory context, deleted again if anything fails. */
static Vocabulary *
load_vocabulary(void)
{
	const ZpLexicon *lex = zhpolicy_lexicon();
	MemoryContext caller = CurrentMemoryContext;
	MemoryContext cxt = AllocSetContextCreate(TopMemoryContext, "zhpolicy vocabulary",
											  ALLOCSET_DEFAULT_SIZES);
	Vocabulary *v = MemoryContextAllocZero(cxt, sizeof(Vocabulary));

	v->cxt = cxt;
	PG_TRY();
	{
		read_vocabulary(v, lex);
	}
	PG_CATCH();
	{
		/* the error may have left cxt current: never delete the current context */
		MemoryContextSwitchTo(caller);
		MemoryContextDelete(cxt);
		vocabulary_cache.stale = true;
		PG_RE_THROW();
	}
	PG_END_TRY();
	return v;
}

/* The current vocabulary, rebuilt if a change made it stale. */
static Vocabulary *
current_vocabulary(void)
{
	if (zhpolicy_cache_needs_load(&vocabulary_cache) || vocabulary == NULL)
	{
		if (vocabulary)
		{
			MemoryContextDelete(vocabulary->cxt);
			vocabulary = NULL;
		}
		if (!OidIsValid(vocabulary_cache.relid))
		{
			vocabulary_cache.stale = true;
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("the zhpolicy vocabulary tables are missing"),
					 errhint("Create the extension in this database: CREATE EXTENSION zhpolicy.")));
		}
		vocabulary = load_vocabulary();
	}
	return vocabulary;
}

PG_FUNCTION_INFO_V1(zhpolicy_vocabulary_fingerprint);

/* zhpolicy.vocabulary_fingerprint(): what tag_table records, so that it re-tags only when tags can change. */
Datum
zhpolicy_vocabulary_fingerprint(PG_FUNCTION_ARGS)
{
	Vocabulary *v = current_vocabulary();
	char		hex[17];

	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long) v->fingerprint);
	PG_RETURN_TEXT_P(cstring_to_text(hex));
}

/* Matches of one document, collected for the SQL functions. */
typedef struct MatchSet
{
	const Vocabulary *v;
	const bool *allowed;		/* per concept, or NULL for all */
	ZpTagMatch *m;
	int			n;
	int			cap;
} MatchSet;

/*
 * Tagger callback: keep the match unless it lies inside a match of the same
 * concept (or drop those that lie inside it), and let a long scan be cancelled.
 */
static int
collect(void *arg, const ZpTagMatch *match)
{
	MatchSet   *s = arg;
	int			k;

	if (s->allowed && !s->allowed[s->v->label_concept[match->label]])
		return 0;				/* a concept of a scheme not asked for */
	/*
	 * Matches come in order of their end: the earlier ones that overlap this
	 * one are the last in the array.  One concept counts once per stretch of
	 * text: a match inside another match of the same concept (大湾区 inside
	 * 粤港澳大湾区, or the same text through two labels) is dropped.
	 */
	for (k = s->n - 1; k >= 0 && s->m[k].byte_end > match->byte_start; k--)
	{
		const ZpTagMatch *o = &s->m[k];

		if (s->v->label_concept[o->label] != s->v->label_concept[match->label])
			continue;
		if (o->byte_start <= match->byte_start && match->byte_end <= o->byte_end)
			return 0;			/* this one lies inside an earlier one */
		if (match->byte_start <= o->byte_start && o->byte_end <= match->byte_end)
		{
			/* an earlier one lies inside this one: drop it */
			memmove(&s->m[k], &s->m[k + 1], sizeof(ZpTagMatch) * (s->n - k - 1));
			s->n--;
		}
	}

	if (s->n == s->cap)
	{
		s->cap = s->cap ? s->cap * 2 : 64;
		s->m = s->m ? repalloc_huge(s->m, sizeof(ZpTagMatch) * s->cap) : palloc(sizeof(ZpTagMatch) * s->cap);
	}
	s->m[s->n++] = *match;
	if ((s->n & 1023) == 0)
		CHECK_FOR_INTERRUPTS();
	return 0;
}

/* Scan a document; returns its matches and its length in characters. */
static void
scan_document(const Vocabulary *v, const bool *allowed, text *doc, MatchSet *set, size_t *chars)
{
	long		n;

	zhpolicy_check_encoding();
	memset(set, 0, sizeof(*set));
	set->v = v;
	set->allowed = allowed;
	n = zp_matcher_scan(v->matcher, VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), collect, set, chars,
						&zhpolicy_palloc_allocator);
	if (n < 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
}

/* Per-concept hits and scores of a document (direct, plus half of the best narrower concept). */
static void
score_document(const Vocabulary *v, const bool *allowed, const MatchSet *set, size_t chars,
			   int **hits_out, double **score_out)
{
	int		   *hits = palloc0(sizeof(int) * (v->n_concepts + 1));
	double	   *direct = palloc0(sizeof(double) * (v->n_concepts + 1));
	double	   *score = palloc0(sizeof(double) * (v->n_concepts + 1));
	double		norm = log2(2.0 + (double) chars / 1000.0);
	int			i;

	if (set->n == 0)
	{
		pfree(direct);
		*hits_out = hits;
		*score_out = score;
		return;
	}
	for (i = 0; i < set->n; i++)
	{
		int			l = (int) set->m[i].label;
		int			c = v->label_concept[l];

		hits[c]++;
		direct[c] += v->label_weight[l] * v->weight[c] * (set->m[i].char_start < LEAD_CHARS ? 2.0 : 1.0);
	}
	/* narrower concepts first: score[] holds the best inherited part when a concept's turn comes */
	for (i = 0; i < v->n_concepts; i++)
	{
		int			c = v->deepest_first[i];
		int			p = v->parent[c];
		double		s = direct[c] / norm + score[c];

		score[c] = s;
		if (s > 0 && p >= 0 && (!allowed || allowed[p]) && INHERIT_FACTOR * s > score[p])
			score[p] = INHERIT_FACTOR * s;
	}
	pfree(direct);
	*hits_out = hits;
	*score_out = score;
}

/* What the comparator of concept indexes needs. */
typedef struct SortContext
{
	const int  *hits;
	const double *score;
	const Vocabulary *v;
} SortContext;

/* qsort_arg comparator: direct matches first, then by score, highest first, then by id. */
static int
by_score(const void *a, const void *b, void *arg)
{
	const SortContext *sc = arg;
	int			x = *(const int *) a,
				y = *(const int *) b;

	if ((sc->hits[x] > 0) != (sc->hits[y] > 0))
		return sc->hits[x] > 0 ? -1 : 1;	/* found directly before found through narrower ones */
	if (sc->score[x] != sc->score[y])
		return sc->score[x] > sc->score[y] ? -1 : 1;
	return strcmp(sc->v->concept_id[x], sc->v->concept_id[y]);
}

/* Concepts of a document with score >= min_score, sorted; returns how many. */
static int
ranked_concepts(const Vocabulary *v, const int *hits, const double *score, double min_score, int *order)
{
	int			n = 0,
				i;
	SortContext sc = {hits, score, v};

	for (i = 0; i < v->n_concepts; i++)
		if (score[i] > 0 && score[i] >= min_score)
			order[n++] = i;
	qsort_arg(order, n, sizeof(int), by_score, &sc);
	return n;
}

/* Scan and score a document; returns how many concepts reach min_score, best first in *order. */
static int
document_concepts(const Vocabulary *v, const bool *allowed, text *doc, double min_score, int **hits,
				  double **score, int **order)
{
	MatchSet	set;
	size_t		chars;

	scan_document(v, allowed, doc, &set, &chars);
	score_document(v, allowed, &set, chars, hits, score);
	*order = palloc(sizeof(int) * (v->n_concepts + 1));
	return ranked_concepts(v, *hits, *score, min_score, *order);
}

/*
 * The concepts of the schemes named in argument argno (a text[]), as a flag per
 * concept; NULL when the argument is absent or NULL (all schemes).  A scheme
 * that does not exist is an error.
 */
static bool *
allowed_concepts(FunctionCallInfo fcinfo, const Vocabulary *v, int argno)
{
	ArrayType  *arr;
	Datum	   *names;
	bool	   *nulls;
	int			n,
				i;
	bool	   *scheme_on,
			   *allowed;

	if (PG_NARGS() <= argno || PG_ARGISNULL(argno))
		return NULL;
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &names, &nulls, &n);
	scheme_on = palloc0(sizeof(bool) * (v->n_schemes + 1));
	for (i = 0; i < n; i++)
	{
		char	   *name;
		int			s;

		if (nulls[i])
			continue;
		name = TextDatumGetCString(names[i]);
		s = sorted_index(v->scheme_id, v->n_schemes, name);
		if (s < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("concept scheme \"%s\" does not exist", name),
					 errhint("The schemes are the rows of zhpolicy.concept_scheme, such as 'policy' and 'local'.")));
		scheme_on[s] = true;
	}
	allowed = palloc0(sizeof(bool) * (v->n_concepts + 1));
	for (i = 0; i < v->n_concepts; i++)
		allowed[i] = v->scheme[i] >= 0 && scheme_on[v->scheme[i]];
	pfree(scheme_on);
	return allowed;
}

/* zhpolicy.tag(doc): one row per concept found, directly or through narrower concepts. */
Datum
zhpolicy_tag(PG_FUNCTION_ARGS)
{
	text	   *doc;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Vocabulary *v;
	int		   *hits,
			   *order;
	double	   *score;
	int			n,
				i;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	doc = PG_GETARG_TEXT_PP(0);
	v = current_vocabulary();
	n = document_concepts(v, allowed_concepts(fcinfo, v, 1), doc, 0, &hits, &score, &order);
	for (i = 0; i < n; i++)
	{
		int			c = order[i];
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = CStringGetTextDatum(v->concept_id[c]);
		values[1] = CStringGetTextDatum(v->pref_label[c]);
		values[2] = Int32GetDatum(hits[c]);
		values[3] = Float8GetDatum(round(score[c] * 1000.0) / 1000.0);
		values[4] = CStringGetTextDatum(hits[c] > 0 ? "direct" : "narrower");
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* zhpolicy.tag_spans(doc): every accepted match, with its label and place. */
Datum
zhpolicy_tag_spans(PG_FUNCTION_ARGS)
{
	text	   *doc;
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Vocabulary *v;
	MatchSet	set;
	size_t		chars;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	doc = PG_GETARG_TEXT_PP(0);
	v = current_vocabulary();
	scan_document(v, allowed_concepts(fcinfo, v, 1), doc, &set, &chars);
	for (i = 0; i < set.n; i++)
	{
		const ZpTagMatch *m = &set.m[i];
		int			l = (int) m->label;
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};

		values[0] = CStringGetTextDatum(v->concept_id[v->label_concept[l]]);
		values[1] = CStringGetTextDatum(v->label_text[l]);
		values[2] = Int32GetDatum((int32) m->char_start + 1);
		values[3] = Int32GetDatum((int32) (m->char_end - m->char_start));
		values[4] = PointerGetDatum(cstring_to_text_with_len(VARDATA_ANY(doc) + m->byte_start,
															 (int) (m->byte_end - m->byte_start)));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* zhpolicy.concepts(doc, min_score): concept ids by score, for storing in a column. */
Datum
zhpolicy_concepts(PG_FUNCTION_ARGS)
{
	text	   *doc;
	double		min_score;
	Vocabulary *v;
	int		   *hits,
			   *order;
	double	   *score;
	int			n,
				i;
	Datum	   *elems;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	doc = PG_GETARG_TEXT_PP(0);
	min_score = PG_GETARG_FLOAT8(1);
	v = current_vocabulary();
	n = document_concepts(v, allowed_concepts(fcinfo, v, 2), doc, min_score, &hits, &score, &order);
	elems = palloc(sizeof(Datum) * (n + 1));
	for (i = 0; i < n; i++)
		elems[i] = CStringGetTextDatum(v->concept_id[order[i]]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}

PG_FUNCTION_INFO_V1(zhpolicy_vocabulary_file);

/* Split a line at tabs into at most max fields, in place; returns the count. */
static int
split_tabs(char *line, char **fields, int max)
{
	int			n = 0;
	char	   *p = line;

	while (n < max)
	{
		char	   *tab = strchr(p, '\t');

		fields[n++] = p;
		if (!tab)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

/* The path of a shipped vocabulary file: $SHAREDIR/extension/zhpolicy_vocabulary_NAME.EXT. */
static void
vocabulary_path(const char *name, const char *ext, char *path)
{
	char		sharepath[MAXPGPATH];
	const char *c;

	for (c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid vocabulary name \"%s\"", name),
					 errhint("A vocabulary name is lowercase letters, digits and underscores, such as \"policy\".")));
	if (*name == '\0')
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("vocabulary name must not be empty")));
	get_share_path(my_exec_path, sharepath);
	snprintf(path, MAXPGPATH, "%s/extension/zhpolicy_vocabulary_%s.%s", sharepath, name, ext);
}

PG_FUNCTION_INFO_V1(zhpolicy_vocabulary_skos_file);

/* zhpolicy.vocabulary_skos_file(name): the text of zhpolicy_vocabulary_NAME.ttl, for import_skos_file. */
Datum
zhpolicy_vocabulary_skos_file(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char		path[MAXPGPATH];
	FILE	   *f;
	StringInfoData buf;
	char		chunk[65536];
	size_t		n;

	vocabulary_path(name, "ttl", path);
	f = AllocateFile(path, "rb");
	if (!f)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open SKOS file \"%s\": %m", path),
				 errhint("Put the file in that directory as zhpolicy_vocabulary_NAME.ttl, or pass its text to zhpolicy.import_skos().")));
	initStringInfo(&buf);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
	{
		CHECK_FOR_INTERRUPTS();
		appendBinaryStringInfo(&buf, chunk, (int) n);
	}
	if (ferror(f))
		ereport(ERROR, (errcode_for_file_access(), errmsg("could not read SKOS file \"%s\": %m", path)));
	FreeFile(f);
	if (!pg_verifymbstr(buf.data, buf.len, true))
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("SKOS file \"%s\" is not valid UTF-8", path)));
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf.data, buf.len));
}

/*
 * zhpolicy.vocabulary_file(name): the rows of a vocabulary shipped with the
 * extension, $SHAREDIR/extension/zhpolicy_vocabulary_NAME.tsv (columns id,
 * broader, pref_label, alt_labels and hidden_labels separated by |, related
 * concept ids separated by |, note; or the five columns without hidden_labels
 * and related; '#' comment lines, then a header line).
 */
Datum
zhpolicy_vocabulary_file(PG_FUNCTION_ARGS)
{
	text	   *name_t = PG_GETARG_TEXT_PP(0);
	char	   *name = text_to_cstring(name_t);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char		path[MAXPGPATH];
	FILE	   *f;
	StringInfoData line;
	int			lineno = 0;
	bool		seen_header = false;

	vocabulary_path(name, "tsv", path);
	InitMaterializedSRF(fcinfo, 0);
	f = AllocateFile(path, "r");
	if (!f)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open vocabulary file \"%s\": %m", path),
				 errhint("The vocabularies shipped with zhpolicy are installed by \"make install\"; \"policy\" is the one it ships.")));
	initStringInfo(&line);
	while (pg_get_line_buf(f, &line))
	{
		char	   *fields[8];
		int			nf;
		Datum		values[7];
		bool		nulls[7] = {false, false, false, false, false, false, false};
		int			i;

		lineno++;
		CHECK_FOR_INTERRUPTS();
		pg_strip_crlf(line.data);
		if (line.data[0] == '\0' || line.data[0] == '#')
			continue;			/* comments */
		if (!seen_header)
		{
			seen_header = true;	/* the first other line names the columns */
			continue;
		}
		if (!pg_verifymbstr(line.data, strlen(line.data), true))
			ereport(ERROR,
					(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
					 errmsg("vocabulary file \"%s\", line %d, is not valid UTF-8", path, lineno)));
		nf = split_tabs(line.data, fields, 8);
		if ((nf != 5 && nf != 7) || fields[0][0] == '\0' || fields[2][0] == '\0')
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("vocabulary file \"%s\", line %d, is malformed", path, lineno),
					 errdetail("A line has seven tab-separated fields: id, broader, pref_label, alt_labels, hidden_labels, related, note (or five, without hidden_labels and related); id and pref_label are not empty.")));
		if (nf == 5)
		{
			/* the five-column format: no hidden labels, no related concepts */
			fields[6] = fields[4];
			fields[4] = fields[5] = "";
		}
		for (i = 0; i < 7; i++)
		{
			if (fields[i][0] == '\0')
				nulls[i] = true;
			else
				values[i] = CStringGetTextDatum(fields[i]);
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	FreeFile(f);
	return (Datum) 0;
}
