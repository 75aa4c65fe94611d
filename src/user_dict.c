/*
 * user_dict.c — user words from the table zhpolicy.user_word.
 *
 * Each backend holds the user words as a small compact lexicon in memory (only
 * the user's words: the big lexicon stays shared through mmap).  The table's
 * statement trigger sends a relcache invalidation for it; every backend
 * receives that at its next transaction start and marks its copy stale, so a
 * change applies to every connection on its next call, with no reload
 * function and no reconnect.
 */
#include "zhpolicy.h"

#include <math.h>

#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "zp_rank.h"

PG_FUNCTION_INFO_V1(zhpolicy_invalidate_cache);

/* Frequency of a user word given none: about that of a common multi-character term. */
#define USER_WORD_DEFAULT_FREQ 1000.0

/*
 * The backend's copy of the user words (process-wide cache, rebuilt when
 * stale): a compact lexicon whose buffer lives in its own memory context, so
 * pg_backend_memory_contexts shows it.
 */
static ZpTableCache user_word_cache = {"user_word"};
static ZpLexicon user_lexicon;
static bool user_lexicon_loaded = false;
static uint32 lexicon_id = 0;	/* zp_rank_lexicon_id of the lexicons, 0: not computed since the last load */
static MemoryContext user_lexicon_cxt = NULL;

void
zhpolicy_user_dict_init(void)
{
	zhpolicy_cache_register(&user_word_cache);
}

/* Drop the current copy of the user words. */
static void
drop_user_words(void)
{
	if (user_lexicon_loaded)
	{
		user_lexicon.buffer = NULL; /* the buffer belongs to user_lexicon_cxt */
		zp_lexicon_close(&user_lexicon);
		user_lexicon_loaded = false;
	}
	if (user_lexicon_cxt)
	{
		MemoryContextDelete(user_lexicon_cxt);
		user_lexicon_cxt = NULL;
	}
}

/* Read zhpolicy.user_word (as its owner) into a lexicon builder; returns whether it holds words. */
static bool
read_user_words(ZpLexBuilder *b, const ZpLexicon *main_lex, double logtotal)
{
	ZpOwnerRead saved;
	bool		have_words = false;
	uint64		i;

	zhpolicy_owner_read_begin(user_word_cache.relid, &saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT word, freq FROM zhpolicy.user_word", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read zhpolicy.user_word");
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		wd = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
		text	   *w;
		Datum		fd;
		double		logp;

		CHECK_FOR_INTERRUPTS();
		if (isnull)
			continue;
		w = DatumGetTextPP(wd);
		fd = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull);
		if (isnull)
		{
			/* no frequency given: likely enough to beat the word's own split */
			double		split = zp_best_path_logp(main_lex, VARDATA_ANY(w), VARSIZE_ANY_EXHDR(w));

			logp = Max(log(USER_WORD_DEFAULT_FREQ) - logtotal, split + 1.0);
		}
		else
			logp = log((double) DatumGetInt32(fd)) - logtotal;
		logp = Min(logp, -0.01);
		if (zp_lexbuilder_add(b, VARDATA_ANY(w), VARSIZE_ANY_EXHDR(w), exp(logp + logtotal)) == 0)
			have_words = true;
	}
	SPI_finish();
	zhpolicy_owner_read_end(&saved);
	return have_words;
}

/* Read zhpolicy.user_word and build the compact lexicon; the old one is replaced. */
static void
load_user_words(void)
{
	const ZpLexicon *main_lex = zhpolicy_lexicon();
	double		logtotal = -(double) main_lex->hdr->unknown_logp;
	ZpLexBuilder *volatile b = NULL;
	void	   *volatile buf = NULL;
	volatile size_t size = 0;
	char		err[256];
	void	   *copy;
	int			rc = 0;

	drop_user_words();
	lexicon_id = 0;
	if (!OidIsValid(user_word_cache.relid))
		return;

	PG_TRY();
	{
		b = zp_lexbuilder_new(&zhpolicy_malloc_allocator);
		if (!b)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		zp_lexbuilder_set_total(b, exp(logtotal));
		if (read_user_words(b, main_lex, logtotal) &&
			(rc = zp_lexbuilder_serialize(b, 1, (void **) &buf, (size_t *) &size, err, sizeof(err))) != 0)
		{
			if (rc == ZP_LEX_ERR_LIMIT)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("could not build the zhpolicy user lexicon: %s", err),
						 errhint("Remove some rows of zhpolicy.user_word.")));
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("could not build the zhpolicy user lexicon: %s", err)));
		}
		zp_lexbuilder_free(b);
		b = NULL;
	}
	PG_CATCH();
	{
		zp_lexbuilder_free(b);
		free(buf);
		user_word_cache.stale = true;
		PG_RE_THROW();
	}
	PG_END_TRY();

	if (buf == NULL)
		return;					/* no words */
	user_lexicon_cxt = AllocSetContextCreate(TopMemoryContext, "zhpolicy user words",
											 ALLOCSET_SMALL_SIZES);
	copy = MemoryContextAllocExtended(user_lexicon_cxt, size, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
	if (copy)
		memcpy(copy, buf, size);
	free(buf);
	if (!copy || zp_lexicon_open_buffer(copy, size, &user_lexicon, err, sizeof(err)) != 0)
	{
		MemoryContextDelete(user_lexicon_cxt);
		user_lexicon_cxt = NULL;
		user_word_cache.stale = true;
		if (!copy)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		elog(ERROR, "zhpolicy user lexicon is inconsistent: %s", err);
	}
	user_lexicon_loaded = true;
}

const ZpLexicon *
zhpolicy_user_lexicon(void)
{
	if (zhpolicy_cache_needs_load(&user_word_cache))
		load_user_words();
	return user_lexicon_loaded ? &user_lexicon : NULL;
}

/* An id of the main and user lexicons, computed once per load of the user words (for rank sketches). */
uint32
zhpolicy_lexicon_id(void)
{
	const ZpLexicon *user = zhpolicy_user_lexicon();

	if (lexicon_id == 0)
		lexicon_id = zp_rank_lexicon_id(zhpolicy_lexicon(), user);
	return lexicon_id;
}

/*
 * Statement trigger (user_word, vocabulary_version): tell every backend its copy
 * is stale.  The argument names the table of schema zhpolicy whose caches are
 * invalidated, so that the trigger does the same when it fires on a Citus shard
 * of that table (another relation); with no argument, the trigger's own table.
 */
Datum
zhpolicy_invalidate_cache(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Oid			nsp;
	Oid			relid;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("zhpolicy.invalidate_cache() must be called as a trigger")));
	if (trigdata->tg_trigger->tgnargs < 1)
	{
		CacheInvalidateRelcache(trigdata->tg_relation);
		PG_RETURN_POINTER(NULL);
	}
	nsp = get_namespace_oid("zhpolicy", false);
	relid = get_relname_relid(trigdata->tg_trigger->tgargs[0], nsp);
	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("zhpolicy.invalidate_cache(): table zhpolicy.%s does not exist",
						trigdata->tg_trigger->tgargs[0]),
				 errhint("The trigger's argument names a table of schema zhpolicy.")));
	CacheInvalidateRelcacheByRelid(relid);
	PG_RETURN_POINTER(NULL);
}
