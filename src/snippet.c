/*
 * snippet.c — zhpolicy.snippet(doc, query, ...): the exact highlighter of
 * zp_snippet.c for whole documents, as a SQL function.
 */
#include "zhpolicy.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "zp_snippet.h"

PG_FUNCTION_INFO_V1(zhpolicy_snippet);

/*
 * The fragments of doc around the terms of query (words, or "quoted" phrases,
 * matched exactly as zhpolicy.contains matches), highlighted.  Arguments:
 * doc, query, start_sel, stop_sel, max_fragments, context, fragment_delimiter,
 * html.
 */
Datum
zhpolicy_snippet(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	text	   *query = PG_GETARG_TEXT_PP(1);
	text	   *start_sel = PG_GETARG_TEXT_PP(2);
	text	   *stop_sel = PG_GETARG_TEXT_PP(3);
	int32		max_fragments = PG_GETARG_INT32(4);
	int32		context = PG_GETARG_INT32(5);
	text	   *delimiter = PG_GETARG_TEXT_PP(6);
	bool		html = PG_GETARG_BOOL(7);
	ZpSnippetOptions opt;
	char	   *out;
	size_t		outlen;
	text	   *result;

	zhpolicy_check_encoding();
	if (max_fragments < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_fragments must be >= 0"),
				 errdetail("It was %d.", max_fragments),
				 errhint("Use 0 for the whole document with every occurrence highlighted.")));
	if (context < 0 || context > ZP_SNIPPET_MAX_CONTEXT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("context must be between 0 and %d characters", ZP_SNIPPET_MAX_CONTEXT),
				 errdetail("It was %d.", context)));
	if (VARSIZE_ANY_EXHDR(query) > ZP_SNIPPET_MAX_QUERY)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("snippet query is too long"),
				 errdetail("The query has %zu bytes; the limit is %d.",
						   (size_t) VARSIZE_ANY_EXHDR(query), ZP_SNIPPET_MAX_QUERY),
				 errhint("Pass the words to highlight, not a document.")));

	opt.start_sel = VARDATA_ANY(start_sel);
	opt.start_len = VARSIZE_ANY_EXHDR(start_sel);
	opt.stop_sel = VARDATA_ANY(stop_sel);
	opt.stop_len = VARSIZE_ANY_EXHDR(stop_sel);
	opt.delimiter = VARDATA_ANY(delimiter);
	opt.delimiter_len = VARSIZE_ANY_EXHDR(delimiter);
	opt.max_fragments = max_fragments;
	opt.context = context;
	opt.html = html ? 1 : 0;

	switch (zp_snippet(VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), VARDATA_ANY(query),
					   VARSIZE_ANY_EXHDR(query), &opt, &out, &outlen, NULL,
					   &zhpolicy_palloc_allocator))
	{
		case ZP_SNIPPET_OK:
			break;
		case ZP_SNIPPET_NO_MEMORY:
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
			break;
		default:
			/* the options and lengths were checked above; a text cannot reach 4 GB */
			elog(ERROR, "zp_snippet refused its arguments");
	}
	if (outlen > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("snippet is too long"),
				 errdetail("It would have %zu bytes; a text value holds at most 1 GB.", outlen),
				 errhint("Use max_fragments > 0, or shorter start_sel and stop_sel.")));
	result = (text *) palloc(outlen + VARHDRSZ);
	SET_VARSIZE(result, outlen + VARHDRSZ);
	if (outlen > 0)
		memcpy(VARDATA(result), out, outlen);
	if (out)
		pfree(out);
	PG_RETURN_TEXT_P(result);
}
