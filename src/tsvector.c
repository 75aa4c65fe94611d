/*
 * tsvector.c — zhpolicy.tsvector(config, doc): the tsvector that
 * to_tsvector(config, doc) returns, built without PostgreSQL's generic
 * parse pipeline.
 *
 * to_tsvector hands every token to the dictionaries through fmgr, keeps every
 * lexeme occurrence as a separately palloc'd string, and sorts all
 * occurrences (pg_qsort over (lexeme, position)).  Indexing every Chinese
 * character makes that sort most of the cost: a 20 kB article has about 8,000
 * occurrences but only 1,700 distinct lexemes.  Here the tokenizer and the
 * dictionary code run directly, occurrences go into a hash table of distinct
 * lexemes (positions arrive in increasing order, so each lexeme's list is
 * already sorted), and only the distinct lexemes are sorted.  The result is
 * byte for byte what make_tsvector builds: the same order (tsCompareString),
 * the same position rules (LIMITPOS, at most MAXNUMPOS - 1 positions, no
 * repeated position, nothing after position MAXENTRYPOS - 1), the same
 * positions for punctuation (the gap dictionary) and for stop words.
 *
 * It applies when the configuration's parser is one of ours and every token
 * type maps to nothing, to one zhpolicy dictionary or to the gap dictionary;
 * any other configuration goes through to_tsvector itself, so the answer is
 * always to_tsvector's.
 */
#include "zhpolicy.h"

#include "catalog/namespace.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "tsearch/ts_cache.h"
#include "tsearch/ts_type.h"
#include "tsearch/ts_utils.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/regproc.h"
#include "zp_normalize.h"

PG_FUNCTION_INFO_V1(zhpolicy_tsvector);
PG_FUNCTION_INFO_V1(zhpolicy_tsvector_default);

/* What a token type turns into under a configuration. */
typedef enum TokenPlan
{
	PLAN_SKIP,					/* no mapping: no lexeme, no position */
	PLAN_GAP,					/* the gap dictionary: a position, no lexeme */
	PLAN_DICT					/* a zhpolicy dictionary */
} TokenPlan;

/* A distinct lexeme: its bytes in the arena, and how many occurrences it has. */
typedef struct LexemeEntry
{
	uint64		key;			/* its first 8 bytes, big-endian, zero-padded: orders like memcmp */
	uint32		off;			/* of its bytes in the arena */
	uint32		len;
	uint32		hash;
	uint32		count;			/* occurrences (before the position rules) */
	uint32		first;			/* index of its first position in the sorted positions */
} LexemeEntry;

/* A code point's entry, valid for the call whose stamp it holds. */
typedef struct CodePointSlot
{
	uint32		stamp;			/* the call that set entry */
	uint32		entry;
} CodePointSlot;

/* The distinct lexemes of a document and their occurrences, in one memory context. */
typedef struct LexemeTable
{
	char	   *arena;
	size_t		arena_len,
				arena_cap;
	LexemeEntry *entries;
	uint32		n_entries,
				cap_entries;
	int32	   *slots;			/* entry index + 1, 0 = empty */
	uint32		slot_mask;
	uint32	   *occ_entry;		/* occurrence i: entry index and position, in document order */
	uint16	   *occ_pos;
	size_t		n_occ,
				cap_occ;
	/* lexemes of one BMP character (most of them) are found by code point, not hashed */
	CodePointSlot *cp_slots;	/* entry index of a code point, valid when its stamp matches */
	uint32		stamp;
} LexemeTable;

/*
 * Entries by code point of the Chinese characters, kept between calls in
 * fn_extra (per call site, in fn_mcxt; 216 kB): clearing them for every
 * short document would cost more than the document, so a stamp that changes
 * each call marks the stale ones.
 */
#define CP_MAP_FIRST 0x3400			/* CJK Extension A .. Unified Ideographs: 27,648 code points */
#define CP_MAP_LAST 0x9FFF

typedef struct CodePointMap
{
	Oid			default_config; /* zhpolicy.tsvector(doc): pg_catalog.zhpolicy, looked up once */
	CodePointSlot slot[CP_MAP_LAST - CP_MAP_FIRST + 1];
	uint32		current;
} CodePointMap;

/* The first 8 bytes of a lexeme as a big-endian number, zero-padded (lexemes hold no zero byte). */
static inline uint64
lexeme_key(const char *s, size_t len)
{
	uint64		k = 0;
	size_t		i,
				n = len < 8 ? len : 8;

	for (i = 0; i < n; i++)
		k |= (uint64) (unsigned char) s[i] << (56 - 8 * i);
	return k;
}

/* Hash of a lexeme: its key, and the rest of its bytes for a long one. */
static inline uint32
lexeme_hash(uint64 key, const char *s, size_t len)
{
	uint64		h = (key ^ len) * UINT64CONST(0x9E3779B97F4A7C15);
	size_t		i;

	for (i = 8; i < len; i++)
		h = (h ^ (unsigned char) s[i]) * UINT64CONST(0x100000001B3);
	/* a multiplication leaves the low bits poor for keys whose bytes sit high: mix them down */
	h ^= h >> 31;
	h *= UINT64CONST(0xBF58476D1CE4E5B9);
	h ^= h >> 29;
	return (uint32) h;
}

/* Double the slot array and re-insert every entry. */
static void
table_grow_slots(LexemeTable *t)
{
	uint32		size = (t->slot_mask + 1) * 2,
				i;

	pfree(t->slots);
	t->slots = palloc0(sizeof(int32) * size);
	t->slot_mask = size - 1;
	for (i = 0; i < t->n_entries; i++)
	{
		uint32		h = t->entries[i].hash & t->slot_mask;

		while (t->slots[h] != 0)
			h = (h + 1) & t->slot_mask;
		t->slots[h] = (int32) i + 1;
	}
}

/* Append an occurrence of entry e at position pos. */
static inline void
table_add_occurrence(LexemeTable *t, uint32 e, int pos)
{
	if (t->n_occ == t->cap_occ)
	{
		t->cap_occ *= 2;
		t->occ_entry = repalloc_huge(t->occ_entry, sizeof(uint32) * t->cap_occ);
		t->occ_pos = repalloc_huge(t->occ_pos, sizeof(uint16) * t->cap_occ);
	}
	t->occ_entry[t->n_occ] = e;
	t->occ_pos[t->n_occ] = (uint16) LIMITPOS(pos);
	t->n_occ++;
	t->entries[e].count++;
}

static void table_add_hashed(LexemeTable *t, const char *s, size_t len, int pos);

/* Record one occurrence of lexeme s at position pos. */
static inline void
table_add(LexemeTable *t, const char *s, size_t len, int pos)
{
	const unsigned char *u = (const unsigned char *) s;

	uint32		cp;

	if (len == 3 && (u[0] & 0xF0) == 0xE0 &&
		(cp = ((uint32) (u[0] & 0x0F) << 12) | ((uint32) (u[1] & 0x3F) << 6) | (u[2] & 0x3F)) >= CP_MAP_FIRST &&
		cp <= CP_MAP_LAST)
	{
		/* one Chinese character, looked up by code point */
		CodePointSlot *slot = &t->cp_slots[cp - CP_MAP_FIRST];

		if (slot->stamp == t->stamp)
		{
			table_add_occurrence(t, slot->entry, pos);
			return;
		}
		table_add_hashed(t, s, len, pos);
		slot->stamp = t->stamp;
		slot->entry = t->occ_entry[t->n_occ - 1];
		return;
	}
	table_add_hashed(t, s, len, pos);
}

/* Record one occurrence of lexeme s at position pos, finding its entry by hash. */
static void
table_add_hashed(LexemeTable *t, const char *s, size_t len, int pos)
{
	uint64		key = lexeme_key(s, len);
	uint32		hash = lexeme_hash(key, s, len);
	uint32		h = hash & t->slot_mask;
	int32		e;

	for (;;)
	{
		const LexemeEntry *x;

		e = t->slots[h];
		if (e == 0)
			break;
		x = &t->entries[e - 1];
		if (x->key == key && x->len == len &&
			(len <= 8 || memcmp(t->arena + x->off + 8, s + 8, len - 8) == 0))
			break;
		h = (h + 1) & t->slot_mask;
	}
	if (e == 0)
	{
		LexemeEntry *ne;

		if (t->arena_len + len > t->arena_cap)
		{
			while (t->arena_len + len > t->arena_cap)
				t->arena_cap *= 2;
			t->arena = repalloc_huge(t->arena, t->arena_cap);
		}
		if (t->n_entries == t->cap_entries)
		{
			t->cap_entries *= 2;
			t->entries = repalloc_huge(t->entries, sizeof(LexemeEntry) * t->cap_entries);
		}
		ne = &t->entries[t->n_entries];
		ne->key = key;
		ne->off = (uint32) t->arena_len;
		ne->len = (uint32) len;
		ne->hash = hash;
		ne->count = 0;
		memcpy(t->arena + t->arena_len, s, len);
		t->arena_len += len;
		t->slots[h] = (int32) ++t->n_entries;
		e = (int32) t->n_entries;
		if (t->n_entries * 2 > t->slot_mask + 1)
			table_grow_slots(t);
	}
	table_add_occurrence(t, (uint32) e - 1, pos);
}

/* What sorting moves: a lexeme's key, and where to find the rest of it. */
typedef struct SortItem
{
	uint64		key;
	uint32		off;
	uint32		len;
	uint32		index;
} SortItem;

/* Order of lexemes in a tsvector: tsCompareString, bytes then length. */
static inline int
compare_entries(const SortItem *x, const SortItem *y, const char *arena)
{
	int			c;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->len > 8 && y->len > 8)
	{
		c = memcmp(arena + x->off + 8, arena + y->off + 8, Min(x->len, y->len) - 8);
		if (c != 0)
			return c;
	}
	return x->len == y->len ? 0 : (x->len < y->len ? -1 : 1);
}

#define ST_SORT sort_lexeme_entries
#define ST_ELEMENT_TYPE SortItem
#define ST_COMPARE_ARG_TYPE const char
#define ST_COMPARE(a, b, arg) compare_entries(a, b, arg)
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

/* Build the tsvector from the table, as make_tsvector does from parsed words. */
static TSVector
table_to_tsvector(LexemeTable *t)
{
	uint32	   *fill;
	uint16	   *positions;
	uint16	   *npos;
	uint32		i;
	size_t		k,
				lenstr = 0,
				totallen,
				stroff = 0;
	TSVector	out;
	WordEntry  *ptr;
	char	   *str;
	SortItem   *sorted;

	/* positions grouped by lexeme, each group in document order (a stable counting sort) */
	fill = palloc(sizeof(uint32) * (t->n_entries + 1));
	fill[0] = 0;
	for (i = 0; i < t->n_entries; i++)
	{
		t->entries[i].first = fill[i];
		fill[i + 1] = fill[i] + t->entries[i].count;
	}
	positions = palloc_extended(sizeof(uint16) * Max(t->n_occ, 1), MCXT_ALLOC_HUGE);
	for (k = 0; k < t->n_occ; k++)
		positions[fill[t->occ_entry[k]]++] = t->occ_pos[k];

	/* the position rules of uniqueWORD, in place: returns the kept count per lexeme */
	npos = palloc(sizeof(uint16) * Max(t->n_entries, 1));
	for (i = 0; i < t->n_entries; i++)
	{
		uint16	   *p = positions + t->entries[i].first;
		uint32		n = 1,
					j;

		for (j = 1; j < t->entries[i].count; j++)
		{
			if (n >= MAXNUMPOS - 1 || p[n - 1] == MAXENTRYPOS - 1)
				break;
			if (p[n - 1] != p[j])
				p[n++] = p[j];
		}
		npos[i] = (uint16) n;
	}

	/* lexemes in tsvector order; keep each one's index to find its positions */
	sorted = palloc(sizeof(SortItem) * Max(t->n_entries, 1));
	for (i = 0; i < t->n_entries; i++)
	{
		sorted[i].key = t->entries[i].key;
		sorted[i].off = t->entries[i].off;
		sorted[i].len = t->entries[i].len;
		sorted[i].index = i;
	}
	sort_lexeme_entries(sorted, t->n_entries, t->arena);

	for (i = 0; i < t->n_entries; i++)
	{
		lenstr += sorted[i].len;
		lenstr = SHORTALIGN(lenstr);
		lenstr += sizeof(uint16) + npos[sorted[i].index] * sizeof(WordEntryPos);
	}
	if (lenstr > MAXSTRPOS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("string is too long for tsvector (%zu bytes, max %d bytes)", lenstr, MAXSTRPOS)));
	totallen = CALCDATASIZE(t->n_entries, lenstr);
	out = (TSVector) palloc0(totallen);
	SET_VARSIZE(out, totallen);
	out->size = (int32) t->n_entries;
	ptr = ARRPTR(out);
	str = STRPTR(out);
	for (i = 0; i < t->n_entries; i++)
	{
		uint32		e = sorted[i].index;
		uint16	   *p = positions + t->entries[e].first;
		WordEntryPos *wptr;
		uint32		j;

		ptr->len = sorted[i].len;
		ptr->pos = (uint32) stroff;
		memcpy(str + stroff, t->arena + sorted[i].off, sorted[i].len);
		stroff += sorted[i].len;
		ptr->haspos = 1;
		stroff = SHORTALIGN(stroff);
		*(uint16 *) (str + stroff) = npos[e];
		wptr = POSDATAPTR(out, ptr);
		for (j = 0; j < npos[e]; j++)
		{
			WEP_SETWEIGHT(wptr[j], 0);
			WEP_SETPOS(wptr[j], p[j]);
		}
		stroff += sizeof(uint16) + npos[e] * sizeof(WordEntryPos);
		ptr++;
	}
	return out;
}

/*
 * The plan of each token type under cfg, or false when some type maps to
 * something else than nothing, one zhpolicy dictionary or the gap dictionary.
 */
static bool
plan_config(TSConfigCacheEntry *cfg, TokenPlan *plans, void **dict_data, int ntypes)
{
	int			type;

	for (type = 0; type < ntypes; type++)
	{
		ListDictionary *map;
		TSDictionaryCacheEntry *dict;

		plans[type] = PLAN_SKIP;
		dict_data[type] = NULL;
		if (type == 0 || type >= cfg->lenmap)
			continue;
		map = &cfg->map[type];
		if (map->len == 0)
			continue;
		if (map->len > 1)
			return false;
		dict = lookup_ts_dictionary_cache(map->dictIds[0]);
		if (dict->lexize.fn_addr == zhpolicy_dict_lexize)
		{
			plans[type] = PLAN_DICT;
			dict_data[type] = dict->dictData;
		}
		else if (dict->lexize.fn_addr == zhpolicy_gap_lexize)
			plans[type] = PLAN_GAP;
		else
			return false;
	}
	return true;
}

/* The call site's code-point map (fn_extra), made on its first call. */
static CodePointMap *
call_site_map(FmgrInfo *flinfo)
{
	if (flinfo->fn_extra == NULL)
		flinfo->fn_extra = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(CodePointMap));
	return (CodePointMap *) flinfo->fn_extra;
}

/* The tsvector of doc under the configuration cfg_id, as to_tsvector(cfg_id, doc). */
static Datum
build_tsvector(FmgrInfo *flinfo, Oid cfg_id, text *doc)
{
	TSConfigCacheEntry *cfg = lookup_ts_config_cache(cfg_id);
	TSParserCacheEntry *prs = lookup_ts_parser_cache(cfg->prsId);
	TokenPlan	plans[ZP_TOK_MAX_ID + 1];
	void	   *dict_data[ZP_TOK_MAX_ID + 1];
	const char *s = VARDATA_ANY(doc);
	size_t		len = VARSIZE_ANY_EXHDR(doc);
	ZpTokenizer tk;
	ZpToken		tok;
	LexemeTable t;
	char	   *word;
	size_t		starts[ZHPOLICY_MAX_CHARS],
				ends[ZHPOLICY_MAX_CHARS];
	int			pos = 0;
	size_t		ntokens = 0;
	MemoryContext work,
				old;
	TSVector	result,
				copy;
	CodePointMap *cpmap;

	if ((prs->prsstart.fn_addr != zhpolicy_prs_start &&
		 prs->prsstart.fn_addr != zhpolicy_prs_start_compound) ||
		!plan_config(cfg, plans, dict_data, ZP_TOK_MAX_ID + 1))
		return DirectFunctionCall2(to_tsvector_byid, ObjectIdGetDatum(cfg_id), PointerGetDatum(doc));

	zhpolicy_check_encoding();
	cpmap = call_site_map(flinfo);
	if (++cpmap->current == 0)
	{
		memset(cpmap->slot, 0, sizeof(cpmap->slot));
		cpmap->current = 1;
	}
	work = AllocSetContextCreate(CurrentMemoryContext, "zhpolicy tsvector", ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(work);
	if (zp_tokenizer_init(&tk, zhpolicy_lexicon(), zhpolicy_user_lexicon(), s, len,
						  &zhpolicy_palloc_allocator) != 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	tk.compounds = prs->prsstart.fn_addr == zhpolicy_prs_start_compound;
	memset(&t, 0, sizeof(t));
	t.arena_cap = 4096;
	t.arena = palloc(t.arena_cap);
	t.cap_entries = 512;
	t.entries = palloc(sizeof(LexemeEntry) * t.cap_entries);
	t.slot_mask = 1023;
	t.slots = palloc0(sizeof(int32) * (t.slot_mask + 1));
	t.cap_occ = Max(len / 2, 64);
	t.occ_entry = palloc_extended(sizeof(uint32) * t.cap_occ, MCXT_ALLOC_HUGE);
	t.occ_pos = palloc_extended(sizeof(uint16) * t.cap_occ, MCXT_ALLOC_HUGE);
	t.cp_slots = cpmap->slot;
	t.stamp = cpmap->current;
	word = palloc(ZP_NORM_OUT_SIZE(ZP_MAX_TOKEN_BYTES) + 1);

	while (zp_tokenizer_next(&tk, &tok))
	{
		size_t		n,
					npieces,
					i;

		if ((++ntokens & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		if (tok.type <= 0 || tok.type > ZP_TOK_MAX_ID || plans[tok.type] == PLAN_SKIP)
			continue;
		pos++;					/* the token's position, as parsetext gives it */
		if (plans[tok.type] == PLAN_GAP)
			continue;
		n = zhpolicy_dict_normalize(dict_data[tok.type], s + tok.start, tok.len, word,
									starts, ends, &npieces);
		if (n == 0)
			continue;
		table_add(&t, word, n, pos);
		for (i = 0; i < npieces; i++)
		{
			if (i > 0)
				pos++;
			table_add(&t, word + starts[i], ends[i] - starts[i], pos);
		}
	}
	zp_tokenizer_free(&tk);
	result = table_to_tsvector(&t);
	MemoryContextSwitchTo(old);
	copy = palloc(VARSIZE(result));
	memcpy(copy, result, VARSIZE(result));
	MemoryContextDelete(work);
	return PointerGetDatum(copy);
}

/* zhpolicy.tsvector(config regconfig, doc text): to_tsvector(config, doc), faster for zhpolicy configurations. */
Datum
zhpolicy_tsvector(PG_FUNCTION_ARGS)
{
	return build_tsvector(fcinfo->flinfo, PG_GETARG_OID(0), PG_GETARG_TEXT_PP(1));
}

/* zhpolicy.tsvector(doc text): the same with the configuration zhpolicy. */
Datum
zhpolicy_tsvector_default(PG_FUNCTION_ARGS)
{
	CodePointMap *site = call_site_map(fcinfo->flinfo);

	if (!OidIsValid(site->default_config))
		site->default_config = get_ts_config_oid(list_make2(makeString("pg_catalog"),
															 makeString("zhpolicy")), false);
	return build_tsvector(fcinfo->flinfo, site->default_config, PG_GETARG_TEXT_PP(0));
}
