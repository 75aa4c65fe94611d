/*
 * functions.c — SQL functions over the engine: segment() and clean().
 */
#include "zhpolicy.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "zp_clean.h"
#include "zp_normalize.h"

PG_FUNCTION_INFO_V1(zhpolicy_segment);
PG_FUNCTION_INFO_V1(zhpolicy_clean);

/* Is a token type one the configuration indexes? */
static bool
token_is_indexed(int type)
{
	int			i;

	for (i = 0; i < zp_n_token_types; i++)
		if (zp_token_types[i].id == type)
			return zp_token_types[i].indexed != 0;
	return false;
}

/* The words of a text as the index sees them (before stop words), as text[]; an optional
 * second argument names the granularity ('fine' or 'compound'). */
Datum
zhpolicy_segment(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(doc);
	size_t		len = VARSIZE_ANY_EXHDR(doc);
	ArrayBuildState *astate = NULL;
	ZpTokenizer tk;
	ZpToken		tok;
	char	   *buf;

	bool		compounds = false;

	zhpolicy_check_encoding();
	if (PG_NARGS() > 1)
	{
		char	   *g = text_to_cstring(PG_GETARG_TEXT_PP(1));

		if (strcmp(g, "compound") == 0)
			compounds = true;
		else if (strcmp(g, "fine") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown granularity \"%s\"", g),
					 errhint("Use 'fine' (the parser zhpolicy) or 'compound' (the parser zhpolicy_compound).")));
	}
	if (zp_tokenizer_init(&tk, zhpolicy_lexicon(), zhpolicy_user_lexicon(), s, len, &zhpolicy_palloc_allocator) != 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	tk.compounds = compounds ? 1 : 0;
	buf = palloc(ZP_NORM_OUT_SIZE(ZP_MAX_TOKEN_BYTES));
	astate = initArrayResult(TEXTOID, CurrentMemoryContext, false);
	while (zp_tokenizer_next(&tk, &tok))
	{
		size_t		n;

		CHECK_FOR_INTERRUPTS();
		if (!token_is_indexed(tok.type))
			continue;
		n = zp_normalize_token(s + tok.start, tok.len, buf, tk.lex, ZP_NORM_SIMPLIFY | ZP_NORM_FOLD,
							   &zhpolicy_palloc_allocator);
		if (n == 0)
			continue;
		astate = accumArrayResult(astate, PointerGetDatum(cstring_to_text_with_len(buf, (int) n)),
								  false, TEXTOID, CurrentMemoryContext);
	}
	zp_tokenizer_free(&tk);
	PG_RETURN_DATUM(makeArrayResult(astate, CurrentMemoryContext));
}

/* Repair a raw document: front matter, markup, navigation, hard wraps. */
Datum
zhpolicy_clean(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	size_t		outlen;
	char	   *out;

	zhpolicy_check_encoding();
	out = zp_clean(VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), &outlen, &zhpolicy_palloc_allocator);
	if (!out)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out, (int) outlen));
}
