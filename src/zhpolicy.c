/*
 * zhpolicy.c — module magic, the shared lexicon, and small helpers.
 *
 * The lexicon is a read-only file mapped with mmap(MAP_SHARED): every backend
 * maps the same pages of the page cache, so a backend's private memory does
 * not grow with it and a new connection pays only for mmap and a header check.
 * The mapping is process-wide read-only data, not per-call state: it lives
 * until the backend exits.
 */
#include "zhpolicy.h"

#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "tsearch/ts_public.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* Module load: register what each backend needs before its first call. */
void
_PG_init(void)
{
	zhpolicy_user_dict_init();
	zhpolicy_tag_init();
}

/* The backend's mapping of the lexicon (read-only, shared with other backends through the page cache). */
static ZpLexicon backend_lexicon;
static bool backend_lexicon_open = false;

const ZpLexicon *
zhpolicy_lexicon(void)
{
	if (!backend_lexicon_open)
	{
		char	   *path = get_tsearch_config_filename("zhpolicy", "lex");
		char		err[512];

		if (zp_lexicon_open(path, &backend_lexicon, err, sizeof(err)) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("could not load zhpolicy lexicon \"%s\": %s", path, err),
					 errhint("Rebuild and reinstall the lexicon with \"make install\" in the zhpolicy source tree.")));
		backend_lexicon_open = true;
		pfree(path);
	}
	return &backend_lexicon;
}

/* palloc for the engine (huge: the cleaner's buffers grow with a document of up to 1 GB). */
static void *
zhpolicy_palloc(void *ctx, size_t size)
{
	return MemoryContextAllocHuge(CurrentMemoryContext, size);
}

/* pfree for the engine. */
static void
zhpolicy_pfree(void *ctx, void *ptr)
{
	pfree(ptr);
}

/* The engine's cancel check: a query cancel or statement_timeout longjmps out of the engine. */
void
zhpolicy_check_interrupts(void *ctx)
{
	CHECK_FOR_INTERRUPTS();
}

const ZpAllocator zhpolicy_palloc_allocator = {zhpolicy_palloc, zhpolicy_pfree, NULL, zhpolicy_check_interrupts};

/* malloc for engine data that outlives every memory context (the user lexicon's builder). */
static void *
zhpolicy_malloc(void *ctx, size_t size)
{
	return malloc(size ? size : 1);
}

/* free for zhpolicy_malloc. */
static void
zhpolicy_free(void *ctx, void *ptr)
{
	free(ptr);
}

const ZpAllocator zhpolicy_malloc_allocator = {zhpolicy_malloc, zhpolicy_free, NULL, zhpolicy_check_interrupts};

void
zhpolicy_check_encoding(void)
{
	if (GetDatabaseEncoding() != PG_UTF8)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("zhpolicy requires a UTF8 database, this one is %s",
						GetDatabaseEncodingName()),
				 errhint("Create the database with ENCODING 'UTF8' (and TEMPLATE template0).")));
}
