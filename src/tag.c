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

#include <dlfcn.h>
#include <fcntl.h>
#include <math.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

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
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "common/string.h"
#include "port/pg_crc32c.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "storage/fd.h"
#include "utils/array.h"
#include "common/hashfn.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "zp_image.h"
#include "zp_tagger.h"

PG_FUNCTION_INFO_V1(zhpolicy_tag);
PG_FUNCTION_INFO_V1(zhpolicy_tag_spans);
PG_FUNCTION_INFO_V1(zhpolicy_concepts);

#define LEAD_CHARS 200			/* matches in the first 200 characters count double */
#define INHERIT_FACTOR 0.5
#define SCORING_VERSION "zhpolicy scoring 2: direct first, half of the best narrower"

/* The vocabulary as read from the tables, while its matcher is built (then written as an image). */
typedef struct VocabBuild
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
} VocabBuild;

/*
 * The vocabulary as tagging reads it: tables in one image (see "The
 * vocabulary file" below), in a file mapped read-only and shared with every
 * backend that uses the same vocabulary, or in this backend's memory.
 */
typedef struct Vocabulary
{
	MemoryContext cxt;
	ZpMatcher  *matcher;		/* reads the image */
	int			n_concepts;
	const char *strings;		/* every string, NUL-terminated; the tables below hold offsets */
	const uint32 *concept_id;	/* sorted */
	const uint32 *pref_label;
	const int32 *parent;		/* index, or -1 */
	const int32 *scheme;		/* index into scheme_id, or -1 */
	const int32 *deepest_first; /* concept indexes, narrower ones before their broader ones */
	const double *weight;
	int			n_schemes;
	const uint32 *scheme_id;	/* sorted */
	int			n_labels;
	const int32 *label_concept;
	const double *label_weight;
	const uint32 *label_text;
	uint64		fingerprint;	/* of every row read and of the lexicon's header */
	void	   *map;			/* the mapped file, or NULL */
	size_t		map_len;
	const char *source;			/* "file", "built" (and written), "built, not written" */
} Vocabulary;

#define V_STR(v, off) ((v)->strings + (off))

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

/*
 * Index of id among n strings sorted by strcmp, the i-th given by nth(arg, i),
 * or -1: the one binary search of the string tables (arrays of pointers while
 * building, offsets into a file's strings after).
 */
static int
sorted_find(const char *(*nth) (const void *arg, int i), const void *arg, int n, const char *id)
{
	int			lo = 0,
				hi = n - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = strcmp(nth(arg, mid), id);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* The i-th string of an array of pointers (for sorted_find). */
static const char *
nth_pointer(const void *arg, int i)
{
	return ((char *const *) arg)[i];
}

/* Index of a string in a sorted array of n, or -1. */
static int
sorted_index(char *const *a, int n, const char *id)
{
	return sorted_find(nth_pointer, a, n, id);
}

/* A table of offsets into strings (for sorted_find). */
typedef struct StringTable
{
	const char *strings;
	const uint32 *off;
} StringTable;

/* The i-th string of a table of offsets (for sorted_find). */
static const char *
nth_offset(const void *arg, int i)
{
	const StringTable *t = arg;

	return t->strings + t->off[i];
}

/* Index of a string in a sorted table of n offsets into strings, or -1. */
static int
sorted_string_index(const char *strings, const uint32 *a, int n, const char *id)
{
	StringTable t = {strings, a};

	return sorted_find(nth_offset, &t, n, id);
}

/* Index of a concept id, or -1. */
static int
concept_index(const VocabBuild *v, const char *id)
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

/* The key of a vocabulary file being computed: SHA-256, fed in blocks (the cells are small). */
typedef struct VocabKey
{
	pg_cryptohash_ctx *ctx;
	size_t		len;
	uint8		buf[8192];
} VocabKey;

/* Hash what the key's buffer holds. */
static void
key_flush(VocabKey *key)
{
	if (key->len > 0 && pg_cryptohash_update(key->ctx, key->buf, key->len) < 0)
		elog(ERROR, "could not hash the vocabulary: %s", pg_cryptohash_error(key->ctx));
	key->len = 0;
}

/* Add bytes to the key of the vocabulary's file. */
static void
key_add(VocabKey *key, const void *data, size_t len)
{
	if (key->len + len > sizeof(key->buf))
	{
		key_flush(key);
		if (len > sizeof(key->buf))
		{
			if (pg_cryptohash_update(key->ctx, (const uint8 *) data, len) < 0)
				elog(ERROR, "could not hash the vocabulary: %s", pg_cryptohash_error(key->ctx));
			return;
		}
	}
	memcpy(key->buf + key->len, data, len);
	key->len += len;
}

/*
 * Add one cell to the key: NULL, a real (the weight column) or a text, each
 * marked and the text with its length, so that no two rows hash alike.
 */
static void
key_add_cell(VocabKey *key, Datum val, bool isnull, bool is_weight)
{
	uint8		tag = isnull ? 0 : is_weight ? 1 : 2;

	key_add(key, &tag, 1);
	if (isnull)
		return;
	if (is_weight)
	{
		float4		w = DatumGetFloat4(val);

		key_add(key, &w, sizeof(w));
	}
	else
	{
		text	   *t = (text *) pg_detoast_datum_packed((struct varlena *) DatumGetPointer(val));
		uint32		len = VARSIZE_ANY_EXHDR(t);

		key_add(key, &len, sizeof(len));
		key_add(key, VARDATA_ANY(t), len);
		if ((Pointer) t != DatumGetPointer(val))
			pfree(t);
	}
}

/*
 * Can a row be added to the key as its stored bytes (null bitmap and data)?
 * Yes when the tuple holds every column (none comes from attmissingval) and
 * nothing is toasted out of line (an external pointer names its value, it is
 * not it): then equal bytes are equal rows.  Cheaper than deforming it.
 */
static inline bool
key_row_raw(HeapTuple tup, TupleDesc desc)
{
	return HeapTupleHeaderGetNatts(tup->t_data) == desc->natts && !HeapTupleHasExternal(tup);
}

/* Add a row's stored bytes to the key, marked so that it never hashes like cells. */
static void
key_add_raw(VocabKey *key, HeapTuple tup)
{
	HeapTupleHeader h = tup->t_data;
	uint32		head[3];
	size_t		from = offsetof(HeapTupleHeaderData, t_bits);

	head[0] = 0x52415752;		/* "RAWR" */
	head[1] = (h->t_infomask & HEAP_HASNULL) | ((uint32) HeapTupleHeaderGetNatts(h) << 16);
	head[2] = (uint32) (tup->t_len - from) | ((uint32) h->t_hoff << 24);
	key_add(key, head, sizeof(head));
	key_add(key, (const char *) h + from, tup->t_len - from);
}

/* read_rows for a Citus table: through SPI (Citus reads the node's copy), as the tables' owner. */
static void
read_rows_spi(Oid relid, const char *relname, const char *const *cols, int ncols, int weight_col,
			  VocabKey *key, bool copy, TableRows *out)
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
	key_add(key, relname, strlen(relname) + 1);
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

			key_add_cell(key, val, isnull, i == weight_col);
			out->cell[r * ncols + i] = NULL;
			if (isnull || !copy)
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
 * the current memory context, adding every row to key (in the order read:
 * its stored bytes, or its cells, see key_row_raw); without copy, only count
 * the rows and hash them (out->cell is not filled).  A scan, not SPI: no query to plan, no output
 * functions, which keeps the first tag() call of a connection short.  (A
 * Citus table is read through SPI: its rows are in shards.)
 */
static void
read_rows(Oid nsp, const char *relname, const char *const *cols, int ncols, int weight_col,
		  VocabKey *key, bool copy, TableRows *out)
{
	Oid			relid = get_relname_relid(relname, nsp);
	Relation	rel;
	TupleDesc	desc;
	TableScanDesc scan;
	HeapTuple	tup;
	AttrNumber	att[8];
	Datum	   *values;
	bool	   *nulls;
	int			cap = 1024,
				i;
	bool		pushed = false,
				raw;

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table zhpolicy.%s is missing", relname),
				 errhint("Update the extension: ALTER EXTENSION zhpolicy UPDATE.")));
	Assert(ncols <= 8);
	if (is_citus_table(relid))
	{
		read_rows_spi(relid, relname, cols, ncols, weight_col, key, copy, out);
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
	out->cell = copy ? palloc(sizeof(char *) * cap * ncols) : NULL;
	out->weight = copy ? palloc(sizeof(float4) * cap) : NULL;
	/* the table and where its columns are: the stored bytes of a row mean nothing without them */
	key_add(key, relname, strlen(relname) + 1);
	key_add(key, &desc->natts, sizeof(desc->natts));
	key_add(key, att, sizeof(AttrNumber) * ncols);
	for (i = 0; i < ncols; i++)
		key_add(key, &TupleDescAttr(desc, att[i] - 1)->atttypid, sizeof(Oid));
	values = palloc(sizeof(Datum) * (desc->natts + 1));
	nulls = palloc(sizeof(bool) * (desc->natts + 1));
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
		raw = key_row_raw(tup, desc);
		if (raw)
			key_add_raw(key, tup);
		if (!copy && raw)
		{
			out->n++;
			continue;
		}
		/* all columns at once: heap_getattr of each would walk the tuple from its start */
		heap_deform_tuple(tup, desc, values, nulls);
		if (!raw)
		{
			uint8		mark = 'C';

			key_add(key, &mark, 1);
			for (i = 0; i < ncols; i++)
				key_add_cell(key, values[att[i] - 1], nulls[att[i] - 1], i == weight_col);
		}
		if (!copy)
		{
			out->n++;
			continue;
		}
		if (out->n == cap)
		{
			cap *= 2;
			out->cell = repalloc_huge(out->cell, sizeof(char *) * cap * ncols);
			out->weight = repalloc_huge(out->weight, sizeof(float4) * cap);
		}
		out->weight[out->n] = 1;
		for (i = 0; i < ncols; i++)
		{
			bool		isnull = nulls[att[i] - 1];
			Datum		val = values[att[i] - 1];

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
	pfree(values);
	pfree(nulls);
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

/* Read the vocabulary tables and build the matcher, in v's memory context; key gets the rows' hash. */
static void
read_vocabulary(VocabBuild *v, const ZpLexicon *lex, VocabKey *key)
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
		read_rows(nsp, "concept_scheme", scheme_cols, 1, -1, key, true, &schemes);
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

	read_rows(nsp, "concept", concept_cols, has_schemes ? 5 : 4, 3, key, true, &concepts);
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

	read_rows(nsp, "concept_label", label_cols, 3, 2, key, true, &labels);
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

/*
 * The vocabulary file.
 *
 * Building the matcher of the shipped vocabulary costs a backend about ten
 * milliseconds; reading the rows that say which vocabulary it is costs far
 * less.  So the first backend that needs a vocabulary builds it and writes it
 * as one image, $PGDATA/pg_zhpolicy/tagger-KEY.voc, and every later backend
 * that reads the same rows maps that file read-only: one copy in memory, in
 * the page cache, for every backend of the cluster.  (PostgreSQL's relcache
 * init file, pg_internal.init, works the same way: written to a temporary
 * name and renamed, never fsynced, rebuilt when anything is wrong with it.)
 *
 * KEY is the SHA-256 of what the matcher is built from: every cell of the
 * rows read, in the order read, with the lexicon's header, the scoring
 * version, the file format and the identity of this build of the module
 * (size and modification time of zhpolicy.so).  The key is a function of the
 * content, not of a version counter, so nothing needs invalidating: a
 * vocabulary edit gives other rows, so another file name; an edit not yet
 * committed is seen (and maybe written) only under the key of the rows that
 * transaction sees, which other transactions never compute; two databases
 * with the same vocabulary share one file; two backends that build at once
 * write the same bytes, and the second rename replaces the first atomically.
 * The scheme selection of a call is applied at scan time, not in the file.
 *
 * A file is used only if its header (magic, format, length, key) matches,
 * its CRC-32C is right, and every index in it is in range (the engine checks
 * the automaton: zp_matcher_open_image): anything else is logged and the file
 * rebuilt.  Writing replaces, never modifies, a file (a mapped file must not
 * shrink under its readers).  After a write, only the eight most recently
 * used files are kept (a file's modification time is refreshed when a
 * backend maps it, at most every ten minutes).
 */
#define VOCAB_DIR "pg_zhpolicy"
#define VOCAB_MAGIC "ZPVOCAB\n"
#define VOCAB_FORMAT 1
#define VOCAB_KEEP 8			/* files kept after a write */
#define VOCAB_TOUCH_SECS 600	/* refresh a used file's mtime when older */

/* The header of a vocabulary file; the tables follow at offsets given by vocab_layout. */
typedef struct VocabFileHeader
{
	char		magic[8];
	uint32		format;
	uint32		header_size;
	uint64		total_len;
	uint8		key[PG_SHA256_DIGEST_LENGTH];
	uint64		fingerprint;
	uint32		n_concepts;
	uint32		n_schemes;
	uint32		n_labels;
	uint32		str_len;
	uint64		matcher_len;
	pg_crc32c	crc;			/* of the header up to here, then of everything after it */
	uint32		pad;
} VocabFileHeader;

/* Where the tables of a vocabulary file start. */
typedef struct VocabLayout
{
	uint64		concept_id,
				pref_label,
				parent,
				scheme,
				deepest_first,
				weight,
				scheme_id,
				label_concept,
				label_weight,
				label_text,
				strings,
				matcher,
				len;
} VocabLayout;

/* The layout of a file of these sizes (all 8-byte aligned: the matcher's image needs it). */
static void
vocab_layout(uint64 nc, uint64 ns, uint64 nl, uint64 str_len, uint64 matcher_len, VocabLayout *l)
{
	uint64_t	p = sizeof(VocabFileHeader);

	l->concept_id = zp_image_place(&p, nc * 4);
	l->pref_label = zp_image_place(&p, nc * 4);
	l->parent = zp_image_place(&p, nc * 4);
	l->scheme = zp_image_place(&p, nc * 4);
	l->deepest_first = zp_image_place(&p, nc * 4);
	l->weight = zp_image_place(&p, nc * 8);
	l->scheme_id = zp_image_place(&p, ns * 4);
	l->label_concept = zp_image_place(&p, nl * 4);
	l->label_weight = zp_image_place(&p, nl * 8);
	l->label_text = zp_image_place(&p, nl * 4);
	l->strings = zp_image_place(&p, str_len);
	l->matcher = zp_image_place(&p, matcher_len);
	l->len = zp_image_align(p);
}

/* The CRC-32C of a file image (its header's crc field excluded). */
static pg_crc32c
vocab_crc(const char *img, uint64 len)
{
	pg_crc32c	crc;

	INIT_CRC32C(crc);
	COMP_CRC32C(crc, img, offsetof(VocabFileHeader, crc));
	COMP_CRC32C(crc, img + sizeof(VocabFileHeader), len - sizeof(VocabFileHeader));
	FIN_CRC32C(crc);
	return crc;
}

/* Append a string to the string table being built; returns its offset. */
static uint32
vocab_string(StringInfo strings, const char *str)
{
	uint32		off = (uint32) strings->len;

	appendBinaryStringInfo(strings, str, (int) strlen(str) + 1);
	return off;
}

/* The image of a built vocabulary (palloc'd in the current context); *len gets its length. */
static char *
vocab_image(const VocabBuild *b, const uint8 *key, uint64 *len)
{
	StringInfoData strings;
	VocabLayout l;
	VocabFileHeader h;
	size_t		mlen = zp_matcher_image_size(b->matcher);
	char	   *img;
	uint32	   *cid,
			   *plab,
			   *sid,
			   *ltext;
	int			i;

	if (mlen == 0)
		elog(ERROR, "the zhpolicy matcher was not built");
	initStringInfo(&strings);
	cid = palloc(sizeof(uint32) * (b->n_concepts + 1));
	plab = palloc(sizeof(uint32) * (b->n_concepts + 1));
	sid = palloc(sizeof(uint32) * (b->n_schemes + 1));
	ltext = palloc(sizeof(uint32) * (b->n_labels + 1));
	for (i = 0; i < b->n_concepts; i++)
	{
		cid[i] = vocab_string(&strings, b->concept_id[i]);
		plab[i] = vocab_string(&strings, b->pref_label[i]);
	}
	for (i = 0; i < b->n_schemes; i++)
		sid[i] = vocab_string(&strings, b->scheme_id[i]);
	for (i = 0; i < b->n_labels; i++)
		ltext[i] = vocab_string(&strings, b->label_text[i]);
	vocab_layout(b->n_concepts, b->n_schemes, b->n_labels, strings.len, mlen, &l);
	img = palloc0(l.len);
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, VOCAB_MAGIC, sizeof(h.magic));
	h.format = VOCAB_FORMAT;
	h.header_size = sizeof(VocabFileHeader);
	h.total_len = l.len;
	memcpy(h.key, key, sizeof(h.key));
	h.fingerprint = b->fingerprint;
	h.n_concepts = b->n_concepts;
	h.n_schemes = b->n_schemes;
	h.n_labels = b->n_labels;
	h.str_len = strings.len;
	h.matcher_len = mlen;
	memcpy(img + l.concept_id, cid, (size_t) b->n_concepts * 4);
	memcpy(img + l.pref_label, plab, (size_t) b->n_concepts * 4);
	for (i = 0; i < b->n_concepts; i++)
	{
		((int32 *) (img + l.parent))[i] = b->parent[i];
		((int32 *) (img + l.scheme))[i] = b->scheme[i];
		((int32 *) (img + l.deepest_first))[i] = b->deepest_first[i];
	}
	memcpy(img + l.weight, b->weight, (size_t) b->n_concepts * 8);
	memcpy(img + l.scheme_id, sid, (size_t) b->n_schemes * 4);
	for (i = 0; i < b->n_labels; i++)
		((int32 *) (img + l.label_concept))[i] = b->label_concept[i];
	memcpy(img + l.label_weight, b->label_weight, (size_t) b->n_labels * 8);
	memcpy(img + l.label_text, ltext, (size_t) b->n_labels * 4);
	memcpy(img + l.strings, strings.data, strings.len);
	if (zp_matcher_write_image(b->matcher, img + l.matcher, mlen) != 0)
		elog(ERROR, "could not write the zhpolicy matcher's image");
	memcpy(img, &h, sizeof(h));
	h.crc = vocab_crc(img, l.len);
	memcpy(img, &h, sizeof(h));
	pfree(strings.data);
	*len = l.len;
	return img;
}

/* Are n offsets of a table all the start of a string of the string table? */
static bool
vocab_offsets_ok(const uint32 *off, uint32 n, uint32 str_len)
{
	uint32		i;

	for (i = 0; i < n; i++)
		if (off[i] >= str_len)
			return false;
	return true;
}

/* Are n indexes all in [lo, hi)? */
static bool
vocab_indexes_ok(const int32 *a, uint32 n, int32 lo, int32 hi)
{
	uint32		i;

	for (i = 0; i < n; i++)
		if (a[i] < lo || a[i] >= hi)
			return false;
	return true;
}

/*
 * Point v at the image img (len bytes, 8-byte aligned, kept while v lives)
 * after checking all of it against key; returns NULL, or what is wrong.
 */
static const char *
vocab_open_image(Vocabulary *v, const char *img, uint64 len, const uint8 *key, const ZpLexicon *lex)
{
	VocabFileHeader h;
	VocabLayout l;
	const char *why;
	ZpAllocator mem = {vocab_alloc, vocab_free, v->cxt, NULL};

	if (len < sizeof(h))
		return "it is truncated";
	memcpy(&h, img, sizeof(h));
	if (memcmp(h.magic, VOCAB_MAGIC, sizeof(h.magic)) != 0)
		return "it is not a zhpolicy vocabulary file";
	if (h.format != VOCAB_FORMAT || h.header_size != sizeof(VocabFileHeader))
		return "it is of another format";
	if (h.total_len != len)
		return "its length is not the one in its header";
	if (memcmp(h.key, key, sizeof(h.key)) != 0)
		return "its key is not the one in its name";
	if (h.n_concepts > (uint32) INT_MAX / 8 || h.n_schemes > (uint32) INT_MAX / 8 ||
		h.n_labels > (uint32) INT_MAX / 8 || h.str_len == 0 || h.matcher_len > len)
		return "its counts are out of range";
	vocab_layout(h.n_concepts, h.n_schemes, h.n_labels, h.str_len, h.matcher_len, &l);
	if (l.len != len)
		return "its length does not match its counts";
	if (vocab_crc(img, len) != h.crc)
		return "its checksum is wrong";
	v->n_concepts = (int) h.n_concepts;
	v->n_schemes = (int) h.n_schemes;
	v->n_labels = (int) h.n_labels;
	v->fingerprint = h.fingerprint;
	v->strings = img + l.strings;
	v->concept_id = (const uint32 *) (img + l.concept_id);
	v->pref_label = (const uint32 *) (img + l.pref_label);
	v->parent = (const int32 *) (img + l.parent);
	v->scheme = (const int32 *) (img + l.scheme);
	v->deepest_first = (const int32 *) (img + l.deepest_first);
	v->weight = (const double *) (img + l.weight);
	v->scheme_id = (const uint32 *) (img + l.scheme_id);
	v->label_concept = (const int32 *) (img + l.label_concept);
	v->label_weight = (const double *) (img + l.label_weight);
	v->label_text = (const uint32 *) (img + l.label_text);
	if (v->strings[h.str_len - 1] != '\0' ||
		!vocab_offsets_ok(v->concept_id, h.n_concepts, h.str_len) ||
		!vocab_offsets_ok(v->pref_label, h.n_concepts, h.str_len) ||
		!vocab_offsets_ok(v->scheme_id, h.n_schemes, h.str_len) ||
		!vocab_offsets_ok(v->label_text, h.n_labels, h.str_len))
		return "a string is out of range";
	if (!vocab_indexes_ok(v->parent, h.n_concepts, -1, v->n_concepts) ||
		!vocab_indexes_ok(v->scheme, h.n_concepts, -1, v->n_schemes) ||
		!vocab_indexes_ok(v->deepest_first, h.n_concepts, 0, v->n_concepts) ||
		!vocab_indexes_ok(v->label_concept, h.n_labels, 0, v->n_concepts))
		return "an index is out of range";
	v->matcher = zp_matcher_open_image(img + l.matcher, h.matcher_len, h.n_labels, lex, &mem, &why);
	if (!v->matcher)
	{
		if (!why)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		return why;
	}
	return NULL;
}

/* Memory context callback: unmap the vocabulary's file. */
static void
vocab_unmap(void *arg)
{
	Vocabulary *v = arg;

	if (v->map)
		munmap(v->map, v->map_len);
	v->map = NULL;
}

/* The file name of a key: pg_zhpolicy/tagger-HEX.voc (relative to the data directory). */
static void
vocab_path(const uint8 *key, char *path)
{
	char		hex[PG_SHA256_DIGEST_LENGTH * 2 + 1];
	int			i;

	for (i = 0; i < PG_SHA256_DIGEST_LENGTH; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	snprintf(path, MAXPGPATH, "%s/tagger-%s.voc", VOCAB_DIR, hex);
}

/*
 * Map the file of key and point v at it; false when there is none, or it is
 * not valid (logged: it is rebuilt).
 */
static bool
vocab_map_file(Vocabulary *v, const uint8 *key, const ZpLexicon *lex)
{
	char		path[MAXPGPATH];
	struct stat st;
	int			fd;
	void	   *map;
	const char *why;

	vocab_path(key, path);
	fd = OpenTransientFile(path, O_RDONLY | PG_BINARY);
	if (fd < 0)
	{
		if (errno != ENOENT)
			ereport(LOG, (errcode_for_file_access(), errmsg("could not open zhpolicy vocabulary file \"%s\": %m", path)));
		return false;
	}
	if (fstat(fd, &st) != 0 || st.st_size < (off_t) sizeof(VocabFileHeader))
	{
		CloseTransientFile(fd);
		ereport(LOG,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("zhpolicy vocabulary file \"%s\" is truncated; rebuilding it", path)));
		return false;
	}
	map = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
	{
		ereport(LOG, (errcode_for_file_access(), errmsg("could not map zhpolicy vocabulary file \"%s\": %m", path)));
		CloseTransientFile(fd);
		return false;
	}
	/* the file's use marks it recent (the cleanup keeps the recently used) */
	if (st.st_mtime < time(NULL) - VOCAB_TOUCH_SECS)
		(void) futimens(fd, NULL);
	CloseTransientFile(fd);
	v->map = map;
	v->map_len = (size_t) st.st_size;
	why = vocab_open_image(v, map, (uint64) st.st_size, key, lex);
	if (why)
	{
		munmap(map, v->map_len);
		v->map = NULL;
		v->matcher = NULL;
		ereport(LOG,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("zhpolicy vocabulary file \"%s\" is invalid: %s; rebuilding it", path, why)));
		return false;
	}
	return true;
}

/* What the cleanup sorts: a file and when it was last used. */
typedef struct VocabFileAge
{
	char		name[MAXPGPATH];
	time_t		mtime;
} VocabFileAge;

/* qsort comparator: the most recently used first. */
static int
by_mtime_desc(const void *a, const void *b)
{
	time_t		x = ((const VocabFileAge *) a)->mtime,
				y = ((const VocabFileAge *) b)->mtime;

	return x > y ? -1 : x < y;
}

/* Remove all but the VOCAB_KEEP most recently used files, and temporary files older than an hour. */
static void
vocab_cleanup(void)
{
	DIR		   *dir = AllocateDir(VOCAB_DIR);
	struct dirent *de;
	VocabFileAge *files = NULL;
	int			n = 0,
				cap = 0,
				i;
	time_t		now = time(NULL);

	if (!dir)
		return;
	while ((de = ReadDirExtended(dir, VOCAB_DIR, LOG)) != NULL)
	{
		char		path[MAXPGPATH];
		struct stat st;
		size_t		len = strlen(de->d_name);

		if (strncmp(de->d_name, "tagger-", 7) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", VOCAB_DIR, de->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (len < 4 || strcmp(de->d_name + len - 4, ".voc") != 0)
		{
			/* a temporary file: a writer that failed, or one still writing (then it is recent) */
			if (st.st_mtime < now - 3600)
				(void) unlink(path);
			continue;
		}
		if (n == cap)
		{
			cap = cap ? cap * 2 : 16;
			files = files ? repalloc(files, sizeof(VocabFileAge) * cap) : palloc(sizeof(VocabFileAge) * cap);
		}
		strlcpy(files[n].name, path, MAXPGPATH);
		files[n].mtime = st.st_mtime;
		n++;
	}
	FreeDir(dir);
	if (n <= VOCAB_KEEP)
		return;
	qsort(files, n, sizeof(VocabFileAge), by_mtime_desc);
	for (i = VOCAB_KEEP; i < n; i++)
		(void) unlink(files[i].name);	/* backends that mapped it keep their mapping */
	pfree(files);
}

/*
 * Write the image of a vocabulary as the file of its key: to a temporary
 * name, then renamed over the final one.  A failure is logged, not raised:
 * the vocabulary is built, only not shared.  Returns whether it was written.
 */
static bool
vocab_write_file(const char *img, uint64 len, const uint8 *key)
{
	char		path[MAXPGPATH],
				tmp[MAXPGPATH];
	int			fd;
	uint64		done = 0;

	if (MakePGDirectory(VOCAB_DIR) != 0 && errno != EEXIST)
	{
		ereport(LOG, (errcode_for_file_access(), errmsg("could not create directory \"%s\": %m", VOCAB_DIR)));
		return false;
	}
	vocab_path(key, path);
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, MyProcPid);
	fd = OpenTransientFile(tmp, O_WRONLY | O_CREAT | O_TRUNC | PG_BINARY);
	if (fd < 0)
	{
		ereport(LOG, (errcode_for_file_access(), errmsg("could not create zhpolicy vocabulary file \"%s\": %m", tmp)));
		return false;
	}
	while (done < len)
	{
		ssize_t		w = write(fd, img + done, Min(len - done, (uint64) 1 << 20));

		if (w <= 0)
		{
			if (w < 0 && errno == EINTR)
				continue;
			if (w == 0)
				errno = ENOSPC;
			ereport(LOG, (errcode_for_file_access(), errmsg("could not write zhpolicy vocabulary file \"%s\": %m", tmp)));
			CloseTransientFile(fd);
			(void) unlink(tmp);
			return false;
		}
		done += (uint64) w;
	}
	if (CloseTransientFile(fd) != 0 || rename(tmp, path) != 0)
	{
		ereport(LOG, (errcode_for_file_access(), errmsg("could not rename zhpolicy vocabulary file \"%s\": %m", tmp)));
		(void) unlink(tmp);
		return false;
	}
	vocab_cleanup();
	return true;
}

/* Does the concept table have a scheme column (not a database still at 0.1 of the SQL)? */
static bool
vocabulary_has_schemes(Oid nsp)
{
	return get_attnum(get_relname_relid("concept", nsp), "scheme") != InvalidAttrNumber;
}

/* The identity of this build of the module: its file's size and modification time. */
static void
module_identity(int64 *id)
{
	Dl_info		info;
	struct stat st;

	id[0] = id[1] = id[2] = 0;
	if (dladdr((void *) zhpolicy_tag_init, &info) && info.dli_fname && stat(info.dli_fname, &st) == 0)
	{
		id[0] = (int64) st.st_size;
		id[1] = (int64) st.st_mtim.tv_sec;
		id[2] = (int64) st.st_mtim.tv_nsec;
	}
}

/* A new key context, begun with what the matcher depends on besides the rows. */
static VocabKey *
vocabulary_key_begin(const ZpLexicon *lex, bool has_schemes)
{
	VocabKey   *key = palloc(sizeof(VocabKey));
	int64		module[3];
	uint32		format = VOCAB_FORMAT;

	key->len = 0;
	key->ctx = pg_cryptohash_create(PG_SHA256);
	if (key->ctx == NULL || pg_cryptohash_init(key->ctx) < 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	module_identity(module);
	key_add(key, VOCAB_MAGIC, 8);
	key_add(key, &format, sizeof(format));
	key_add(key, module, sizeof(module));
	key_add(key, SCORING_VERSION, strlen(SCORING_VERSION) + 1);
	key_add(key, lex->hdr, sizeof(*lex->hdr));
	key_add(key, &has_schemes, 1);
	return key;
}

/* Finish a key. */
static void
vocabulary_key_end(VocabKey *key, uint8 *out)
{
	key_flush(key);
	if (pg_cryptohash_final(key->ctx, out, PG_SHA256_DIGEST_LENGTH) < 0)
		elog(ERROR, "could not hash the vocabulary: %s", pg_cryptohash_error(key->ctx));
	pg_cryptohash_free(key->ctx);
	pfree(key);
}

/* The key of the vocabulary the current snapshot sees: its rows read and hashed, nothing kept. */
static void
vocabulary_key(const ZpLexicon *lex, uint8 *out)
{
	static const char *const scheme_cols[] = {"id"};
	static const char *const concept_cols[] = {"id", "pref_label", "broader", "weight", "scheme"};
	static const char *const label_cols[] = {"concept_id", "label", "weight"};
	Oid			nsp = get_namespace_oid("zhpolicy", false);
	bool		has_schemes = vocabulary_has_schemes(nsp);
	VocabKey *key = vocabulary_key_begin(lex, has_schemes);
	TableRows	rows;

	PG_TRY();
	{
		if (has_schemes)
			read_rows(nsp, "concept_scheme", scheme_cols, 1, -1, key, false, &rows);
		read_rows(nsp, "concept", concept_cols, has_schemes ? 5 : 4, 3, key, false, &rows);
		read_rows(nsp, "concept_label", label_cols, 3, 2, key, false, &rows);
	}
	PG_CATCH();
	{
		pg_cryptohash_free(key->ctx);
		PG_RE_THROW();
	}
	PG_END_TRY();
	vocabulary_key_end(key, out);
}

/*
 * Build the vocabulary from the tables, in b's context: the rows read again
 * (the same snapshot), hashed again, so that the key names exactly the rows
 * built from.
 */
static void
vocabulary_build(VocabBuild *b, const ZpLexicon *lex, uint8 *key_out)
{
	Oid			nsp = get_namespace_oid("zhpolicy", false);
	VocabKey *key = vocabulary_key_begin(lex, vocabulary_has_schemes(nsp));

	PG_TRY();
	{
		read_vocabulary(b, lex, key);
	}
	PG_CATCH();
	{
		pg_cryptohash_free(key->ctx);
		PG_RE_THROW();
	}
	PG_END_TRY();
	vocabulary_key_end(key, key_out);
}

/* Load the vocabulary the snapshot sees: map its file, or build it (and write the file). */
static void
load_vocabulary_into(Vocabulary *v, const ZpLexicon *lex)
{
	uint8		key[PG_SHA256_DIGEST_LENGTH],
				built_key[PG_SHA256_DIGEST_LENGTH];
	MemoryContext build_cxt,
				old;
	VocabBuild *b;
	char	   *img;
	uint64		len;
	const char *why;

	vocabulary_key(lex, key);
	if (vocab_map_file(v, key, lex))
	{
		v->source = "file";
		return;
	}
	/* build in a context of its own (the rows, the matcher's build tables), then keep only the image */
	build_cxt = AllocSetContextCreate(CurrentMemoryContext, "zhpolicy vocabulary build", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(build_cxt);
	b = palloc0(sizeof(VocabBuild));
	b->cxt = build_cxt;
	vocabulary_build(b, lex, built_key);
	MemoryContextSwitchTo(v->cxt);
	img = vocab_image(b, built_key, &len);
	MemoryContextSwitchTo(old);
	MemoryContextDelete(build_cxt);
	why = vocab_open_image(v, img, len, built_key, lex);
	if (why)
		elog(ERROR, "the zhpolicy vocabulary just built is invalid: %s", why);
	v->source = vocab_write_file(img, len, built_key) ? "built" : "built, not written";
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
	MemoryContextCallback *cb = MemoryContextAllocZero(cxt, sizeof(MemoryContextCallback));
	bool		pushed = false;

	v->cxt = cxt;
	cb->func = vocab_unmap;
	cb->arg = v;
	MemoryContextRegisterResetCallback(cxt, cb);
	PG_TRY();
	{
		/* one snapshot for the key and the build */
		if (!ActiveSnapshotSet())
		{
			PushActiveSnapshot(GetTransactionSnapshot());
			pushed = true;
		}
		load_vocabulary_into(v, lex);
		if (pushed)
			PopActiveSnapshot();
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
	return strcmp(V_STR(sc->v, sc->v->concept_id[x]), V_STR(sc->v, sc->v->concept_id[y]));
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
		s = sorted_string_index(v->strings, v->scheme_id, v->n_schemes, name);
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

		values[0] = CStringGetTextDatum(V_STR(v, v->concept_id[c]));
		values[1] = CStringGetTextDatum(V_STR(v, v->pref_label[c]));
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

		values[0] = CStringGetTextDatum(V_STR(v, v->concept_id[v->label_concept[l]]));
		values[1] = CStringGetTextDatum(V_STR(v, v->label_text[l]));
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
		elems[i] = CStringGetTextDatum(V_STR(v, v->concept_id[order[i]]));
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
