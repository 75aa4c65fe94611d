/*
 * parser.c — the text search parser: start / gettoken / end / lextype.
 *
 * Each parse owns its tokenizer, palloc'd in the caller's memory context, so
 * two parses in one backend (a query and a document, or nested calls) never
 * share state.  Headlines use PostgreSQL's prsd_headline, which our token ids
 * are chosen to suit (see zp_tokenizer.h).
 */
#include "zhpolicy.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "tsearch/ts_public.h"

PG_FUNCTION_INFO_V1(zhpolicy_prs_start);
PG_FUNCTION_INFO_V1(zhpolicy_prs_start_compound);
PG_FUNCTION_INFO_V1(zhpolicy_prs_gettoken);
PG_FUNCTION_INFO_V1(zhpolicy_prs_end);
PG_FUNCTION_INFO_V1(zhpolicy_prs_lextype);

/* A tokenizer for a parse, in the caller's memory context. */
static ZpTokenizer *
start_parse(char *text, int len, bool compounds)
{
	ZpTokenizer *tk;

	zhpolicy_check_encoding();
	tk = palloc(sizeof(ZpTokenizer));
	if (zp_tokenizer_init(tk, zhpolicy_lexicon(), zhpolicy_user_lexicon(), text, (size_t) len,
						  &zhpolicy_palloc_allocator) != 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	tk->compounds = compounds ? 1 : 0;
	return tk;
}

/* Begin parsing a text with the fine-grained convention (parser zhpolicy). */
Datum
zhpolicy_prs_start(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(start_parse((char *) PG_GETARG_POINTER(0), PG_GETARG_INT32(1), false));
}

/* Begin parsing a text keeping dictionary compounds whole (parser zhpolicy_compound). */
Datum
zhpolicy_prs_start_compound(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(start_parse((char *) PG_GETARG_POINTER(0), PG_GETARG_INT32(1), true));
}

/* Hand out the next token: its type, and a pointer into the input text. */
Datum
zhpolicy_prs_gettoken(PG_FUNCTION_ARGS)
{
	ZpTokenizer *tk = (ZpTokenizer *) PG_GETARG_POINTER(0);
	char	  **t = (char **) PG_GETARG_POINTER(1);
	int		   *tlen = (int *) PG_GETARG_POINTER(2);
	ZpToken		tok;

	CHECK_FOR_INTERRUPTS();
	if (!zp_tokenizer_next(tk, &tok))
		PG_RETURN_INT32(0);
	*t = (char *) tk->text + tok.start;
	*tlen = (int) tok.len;
	PG_RETURN_INT32(tok.type);
}

/* Release the tokenizer. */
Datum
zhpolicy_prs_end(PG_FUNCTION_ARGS)
{
	ZpTokenizer *tk = (ZpTokenizer *) PG_GETARG_POINTER(0);

	zp_tokenizer_free(tk);
	pfree(tk);
	PG_RETURN_VOID();
}

/* The token-type table, from the engine's single list. */
Datum
zhpolicy_prs_lextype(PG_FUNCTION_ARGS)
{
	LexDescr   *descr = palloc(sizeof(LexDescr) * (zp_n_token_types + 1));
	int			i;

	for (i = 0; i < zp_n_token_types; i++)
	{
		descr[i].lexid = zp_token_types[i].id;
		descr[i].alias = pstrdup(zp_token_types[i].alias);
		descr[i].descr = pstrdup(zp_token_types[i].description);
	}
	descr[zp_n_token_types].lexid = 0;
	PG_RETURN_POINTER(descr);
}
