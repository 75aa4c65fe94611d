/*
 * dict.c — the zhpolicy dictionary template: token to lexeme, with stop words.
 *
 * Options: StopWords = name of a file NAME.stop in $SHAREDIR/tsearch_data
 * (default none); Simplify = Traditional to Simplified Chinese (default true);
 * Fold = Unicode NFKC and case folding (default true).  The dictionary
 * recognises every token: it is meant to be the last (or only) dictionary of
 * a mapping, like simple.
 */
#include "zhpolicy.h"

#include "commands/defrem.h"
#include "fmgr.h"
#include "tsearch/ts_locale.h"
#include "tsearch/ts_public.h"
#include "zp_normalize.h"

PG_FUNCTION_INFO_V1(zhpolicy_dict_init);
PG_FUNCTION_INFO_V1(zhpolicy_dict_lexize);

/*
 * A dictionary's state, in the dictionary's own memory context.  Stop words
 * are kept in an open-addressing hash set: lexize runs once per token, and a
 * binary search with strcmp over the list showed up in profiles.
 */
typedef struct ZhpolicyDict
{
	char	  **stop_slots;		/* NULL = empty */
	uint32		stop_mask;		/* slots - 1, or 0 when there are no stop words */
	int			norm_flags;		/* ZP_NORM_* */
} ZhpolicyDict;

/* FNV-1a hash of a byte string. */
static inline uint32
stop_hash(const char *s, size_t len)
{
	uint32		h = 2166136261u;
	size_t		i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char) s[i]) * 16777619u;
	return h;
}

/* Build the hash set of a stop list. */
static void
build_stop_set(ZhpolicyDict *d, StopList *list)
{
	uint32		size = 16;
	int			i;

	if (list->len == 0)
		return;
	while (size < (uint32) list->len * 2)
		size *= 2;
	d->stop_slots = palloc0(sizeof(char *) * size);
	d->stop_mask = size - 1;
	for (i = 0; i < list->len; i++)
	{
		char	   *w = list->stop[i];
		uint32		h = stop_hash(w, strlen(w)) & d->stop_mask;

		while (d->stop_slots[h] != NULL && strcmp(d->stop_slots[h], w) != 0)
			h = (h + 1) & d->stop_mask;
		d->stop_slots[h] = w;
	}
}

/* Is word (len bytes, NUL-terminated) a stop word? */
static inline bool
is_stop_word(const ZhpolicyDict *d, const char *word, size_t len)
{
	uint32		h;

	if (d->stop_mask == 0)
		return false;
	h = stop_hash(word, len) & d->stop_mask;
	while (d->stop_slots[h] != NULL)
	{
		if (strcmp(d->stop_slots[h], word) == 0)
			return true;
		h = (h + 1) & d->stop_mask;
	}
	return false;
}

/* Parse the dictionary's options; unknown ones are an error. */
Datum
zhpolicy_dict_init(PG_FUNCTION_ARGS)
{
	List	   *options = (List *) PG_GETARG_POINTER(0);
	ZhpolicyDict *d = palloc0(sizeof(ZhpolicyDict));
	bool		stoploaded = false;
	ListCell   *l;

	d->norm_flags = ZP_NORM_SIMPLIFY | ZP_NORM_FOLD;

	foreach(l, options)
	{
		DefElem    *defel = (DefElem *) lfirst(l);

		if (strcmp(defel->defname, "stopwords") == 0)
		{
			StopList	list;

			if (stoploaded)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("multiple StopWords parameters")));
			readstoplist(defGetString(defel), &list, NULL);
			build_stop_set(d, &list);
			stoploaded = true;
		}
		else if (strcmp(defel->defname, "simplify") == 0)
		{
			if (defGetBoolean(defel))
				d->norm_flags |= ZP_NORM_SIMPLIFY;
			else
				d->norm_flags &= ~ZP_NORM_SIMPLIFY;
		}
		else if (strcmp(defel->defname, "fold") == 0)
		{
			if (defGetBoolean(defel))
				d->norm_flags |= ZP_NORM_FOLD;
			else
				d->norm_flags &= ~ZP_NORM_FOLD;
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unrecognized zhpolicy dictionary parameter: \"%s\"", defel->defname),
					 errhint("The zhpolicy dictionary accepts StopWords, Simplify and Fold.")));
	}
	PG_RETURN_POINTER(d);
}

/* Normalise a token; a stop word or a token of nothing but white space gives no lexeme. */
Datum
zhpolicy_dict_lexize(PG_FUNCTION_ARGS)
{
	ZhpolicyDict *d = (ZhpolicyDict *) PG_GETARG_POINTER(0);
	char	   *in = (char *) PG_GETARG_POINTER(1);
	int32		len = PG_GETARG_INT32(2);
	char	   *word = palloc(ZP_NORM_OUT_SIZE((size_t) len) + 1);
	const ZpLexicon *lex = (d->norm_flags & ZP_NORM_SIMPLIFY) ? zhpolicy_lexicon() : NULL;
	size_t		n = zp_normalize_token(in, (size_t) len, word, lex, d->norm_flags);
	TSLexeme   *res = palloc0(sizeof(TSLexeme) * 2);

	word[n] = '\0';
	if (n == 0 || is_stop_word(d, word, n))
		pfree(word);
	else
		res[0].lexeme = word;
	PG_RETURN_POINTER(res);
}
