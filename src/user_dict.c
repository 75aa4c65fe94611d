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

PG_FUNCTION_INFO_V1(zhpolicy_invalidate_cache);

/* Frequency of a user word given none: about that of a common multi-character term. */
#define USER_WORD_DEFAULT_FREQ 1000.0

/* The backend's copy of the user words (process-wide cache, rebuilt when stale). */
static ZpLexicon user_lexicon;
static bool user_lexicon_loaded = false;
static bool user_lexicon_stale = true;
static Oid	user_word_relid = InvalidOid;

/* Relcache callback: the user_word table (or everything) was invalidated. */
static void
user_word_invalidated(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == user_word_relid)
		user_lexicon_stale = true;
}

void
zhpolicy_user_dict_init(void)
{
	CacheRegisterRelcacheCallback(user_word_invalidated, (Datum) 0);
}

/* Read zhpolicy.user_word and build the compact lexicon; the old one is replaced. */
static void
load_user_words(void)
{
	const ZpLexicon *main_lex = zhpolicy_lexicon();
	double		logtotal = -(double) main_lex->hdr->unknown_logp;
	Oid			nsp = get_namespace_oid("zhpolicy", true);
	ZpLexBuilder *volatile b = NULL;
	void	   *volatile buf = NULL;
	volatile size_t size = 0;
	char		err[256];
	uint64		i;
	int			rc;
	volatile bool have_words = false;

	user_word_relid = OidIsValid(nsp) ? get_relname_relid("user_word", nsp) : InvalidOid;
	if (user_lexicon_loaded)
	{
		zp_lexicon_close(&user_lexicon);
		user_lexicon_loaded = false;
	}
	if (!OidIsValid(user_word_relid))
		return;

	PG_TRY();
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute("SELECT word, freq FROM zhpolicy.user_word", true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read zhpolicy.user_word");
		b = zp_lexbuilder_new(&zhpolicy_malloc_allocator);
		if (!b)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		zp_lexbuilder_set_total(b, exp(logtotal));
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
		if (have_words &&
			(rc = zp_lexbuilder_serialize(b, 1, (void **) &buf, (size_t *) &size, err, sizeof(err))) != 0)
			ereport(ERROR,
					(errcode(rc == ZP_LEX_ERR_LIMIT ? ERRCODE_PROGRAM_LIMIT_EXCEEDED : ERRCODE_OUT_OF_MEMORY),
					 errmsg("could not build the zhpolicy user lexicon: %s", err)));
		zp_lexbuilder_free(b);
		b = NULL;
	}
	PG_CATCH();
	{
		zp_lexbuilder_free(b);
		user_lexicon_stale = true;
		PG_RE_THROW();
	}
	PG_END_TRY();

	if (have_words)
	{
		if (zp_lexicon_open_buffer(buf, size, &user_lexicon, err, sizeof(err)) != 0)
		{
			free(buf);
			user_lexicon_stale = true;
			elog(ERROR, "zhpolicy user lexicon is inconsistent: %s", err);
		}
		user_lexicon_loaded = true;
	}
}

const ZpLexicon *
zhpolicy_user_lexicon(void)
{
	if (user_lexicon_stale)
	{
		/* clear first: an invalidation that arrives while loading marks it stale again */
		user_lexicon_stale = false;
		load_user_words();
	}
	return user_lexicon_loaded ? &user_lexicon : NULL;
}

/* Statement trigger (user_word, vocabulary_version): tell every backend its copy is stale. */
Datum
zhpolicy_invalidate_cache(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("zhpolicy.invalidate_cache() must be called as a trigger")));
	CacheInvalidateRelcache(trigdata->tg_relation);
	PG_RETURN_POINTER(NULL);
}
