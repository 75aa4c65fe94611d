/*
 * zhpolicy.h — what the fmgr glue files share: the backend's view of the
 * compiled lexicon and the palloc allocator for the engine.
 */
#ifndef ZHPOLICY_H
#define ZHPOLICY_H

#include "postgres.h"
#include "fmgr.h"

#include "zp_lexicon.h"
#include "zp_tokenizer.h"

/* The mapped lexicon, opened on first use; raises an error naming the file if it cannot be. */
extern const ZpLexicon *zhpolicy_lexicon(void);

/* The user words of zhpolicy.user_word as a small lexicon, or NULL when there are none. */
extern const ZpLexicon *zhpolicy_user_lexicon(void);
extern uint32 zhpolicy_lexicon_id(void);

/*
 * A backend cache built from a table of schema zhpolicy (cache.c): stale from
 * the start and after every invalidation of that table.
 */
typedef struct ZpTableCache
{
	const char *relname;		/* the table, in schema zhpolicy */
	Oid			relid;			/* its OID when last loaded, or InvalidOid */
	bool		stale;
} ZpTableCache;

/* Register a cache with the relcache callback (from _PG_init). */
extern void zhpolicy_cache_register(ZpTableCache *cache);

/* Whether the cache must be rebuilt now (clears the flag and looks up relid). */
extern bool zhpolicy_cache_needs_load(ZpTableCache *cache);

/* What zhpolicy_owner_read_begin saves. */
typedef struct ZpOwnerRead
{
	Oid			userid;
	int			sec_context;
	int			guc_nest_level;
} ZpOwnerRead;

/* Read the extension's tables as the owner of relid, with search_path pg_catalog, pg_temp. */
extern void zhpolicy_owner_read_begin(Oid relid, ZpOwnerRead *saved);
extern void zhpolicy_owner_read_end(ZpOwnerRead *saved);

/* Register the invalidation callback that keeps user words current (from _PG_init). */
extern void zhpolicy_user_dict_init(void);

/* Register the invalidation callback of the tagging vocabulary (from _PG_init). */
extern void zhpolicy_tag_init(void);

/*
 * An engine allocator that pallocs in CurrentMemoryContext, with
 * CHECK_FOR_INTERRUPTS as the engine's cancel check (so an engine call that
 * is cancelled leaves its memory to the memory context).
 */
extern const ZpAllocator zhpolicy_palloc_allocator;

/*
 * An engine allocator that mallocs (memory no memory context owns: a caller
 * that can be cancelled frees what it built in PG_CATCH), with the same check.
 */
extern const ZpAllocator zhpolicy_malloc_allocator;

/* CHECK_FOR_INTERRUPTS as an engine cancel check (ZpAllocator.check). */
extern void zhpolicy_check_interrupts(void *ctx);

/* Refuse to work in a database whose encoding is not UTF8. */
extern void zhpolicy_check_encoding(void);

#define ZHPOLICY_MAX_CHARS 256	/* longer Chinese tokens are not split into characters */

/*
 * The lexemes the zhpolicy dictionary (dict_data: its dictData) makes of a
 * token: normalises it into word (ZP_NORM_OUT_SIZE(len) + 1 bytes), returns
 * the length (0 = no lexeme: a stop word or white space) and, when the word
 * is indexed with its characters, their npieces byte ranges (arrays of
 * ZHPOLICY_MAX_CHARS): the first shares the word's position, each further
 * piece takes the next one.
 */
extern size_t zhpolicy_dict_normalize(const void *dict_data, const char *in, size_t len, char *word,
									  size_t *starts, size_t *ends, size_t *npieces);

/* The support functions of the parsers and dictionaries, which zhpolicy.tsvector recognises. */
extern Datum zhpolicy_prs_start(PG_FUNCTION_ARGS);
extern Datum zhpolicy_prs_start_compound(PG_FUNCTION_ARGS);
extern Datum zhpolicy_dict_lexize(PG_FUNCTION_ARGS);
extern Datum zhpolicy_gap_lexize(PG_FUNCTION_ARGS);

#endif							/* ZHPOLICY_H */
