/*
 * dict.c — the zhpolicy dictionary template: token to lexeme, with stop words.
 *
 * Options: StopWords = name of a file NAME.stop in $SHAREDIR/tsearch_data
 * (default none).  The dictionary recognises every token: it is meant to be
 * the last (or only) dictionary of a mapping, like simple.
 */
#include "zhpolicy.h"

#include "commands/defrem.h"
#include "fmgr.h"
#include "tsearch/ts_locale.h"
#include "tsearch/ts_public.h"
#include "zp_normalize.h"

PG_FUNCTION_INFO_V1(zhpolicy_dict_init);
PG_FUNCTION_INFO_V1(zhpolicy_dict_lexize);

/* A dictionary's state, in the dictionary's own memory context. */
typedef struct ZhpolicyDict
{
	StopList	stoplist;
} ZhpolicyDict;

/* Parse the dictionary's options; unknown ones are an error. */
Datum
zhpolicy_dict_init(PG_FUNCTION_ARGS)
{
	List	   *options = (List *) PG_GETARG_POINTER(0);
	ZhpolicyDict *d = palloc0(sizeof(ZhpolicyDict));
	bool		stoploaded = false;
	ListCell   *l;

	foreach(l, options)
	{
		DefElem    *defel = (DefElem *) lfirst(l);

		if (strcmp(defel->defname, "stopwords") == 0)
		{
			if (stoploaded)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("multiple StopWords parameters")));
			readstoplist(defGetString(defel), &d->stoplist, NULL);
			stoploaded = true;
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unrecognized zhpolicy dictionary parameter: \"%s\"", defel->defname),
					 errhint("The zhpolicy dictionary accepts only StopWords.")));
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
	char	   *word = palloc(len + 1);
	size_t		n = zp_normalize_token(in, (size_t) len, word);
	TSLexeme   *res = palloc0(sizeof(TSLexeme) * 2);

	word[n] = '\0';
	if (n == 0 || searchstoplist(&d->stoplist, word))
		pfree(word);
	else
		res[0].lexeme = word;
	PG_RETURN_POINTER(res);
}
