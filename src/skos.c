/*
 * skos.c — zhpolicy.rdf_triples(): the triples of a Turtle or N-Triples
 * document, for import_skos() to read SKOS from.  The parse is libserd's,
 * through the engine's zp_rdf; this file turns its result into rows and its
 * errors into ereports that name the line.
 */
#include "zhpolicy.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "zp_rdf.h"

PG_FUNCTION_INFO_V1(zhpolicy_rdf_triples);

/* Allocate for the RDF reader in the caller's memory context, without a longjmp on failure. */
static void *
rdf_alloc(void *ctx, size_t size)
{
	return MemoryContextAllocExtended(CurrentMemoryContext, size, MCXT_ALLOC_HUGE | MCXT_ALLOC_NO_OOM);
}

/* Free for rdf_alloc. */
static void
rdf_free(void *ctx, void *ptr)
{
	pfree(ptr);
}

/* The name of a node kind, as rdf_triples returns it. */
static const char *
kind_name(ZpRdfKind k)
{
	return k == ZP_RDF_IRI ? "iri" : k == ZP_RDF_BLANK ? "blank" : "literal";
}

/*
 * zhpolicy.rdf_triples(doc, syntax): one row per triple, with the line it ends
 * on; a syntax error is an error that names its line and column.
 */
Datum
zhpolicy_rdf_triples(PG_FUNCTION_ARGS)
{
	text	   *doc = PG_GETARG_TEXT_PP(0);
	char	   *syntax = text_to_cstring(PG_GETARG_TEXT_PP(1));
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ZpAllocator mem = {rdf_alloc, rdf_free, NULL, NULL};	/* serd mallocs: no cancel inside */
	ZpRdfSyntax syn;
	ZpTriples	t;
	ZpRdfError	err;
	size_t		i;

	if (strcmp(syntax, "turtle") == 0)
		syn = ZP_RDF_TURTLE;
	else if (strcmp(syntax, "ntriples") == 0)
		syn = ZP_RDF_NTRIPLES;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown RDF syntax \"%s\"", syntax),
				 errhint("Use 'turtle' (which reads N-Triples too) or 'ntriples'.")));
	zhpolicy_check_encoding();
	InitMaterializedSRF(fcinfo, 0);
	if (zp_rdf_parse(VARDATA_ANY(doc), VARSIZE_ANY_EXHDR(doc), syn, NULL, &t, &err, &mem) != 0)
	{
		if (err.line > 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid %s at line %u, column %u: %s", syn == ZP_RDF_TURTLE ? "Turtle" : "N-Triples",
							err.line, err.col, err.message),
					 errhint("Nothing was loaded; fix the document and load it again.")));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid %s: %s", syn == ZP_RDF_TURTLE ? "Turtle" : "N-Triples", err.message)));
	}
	for (i = 0; i < t.n; i++)
	{
		const ZpTriple *tr = &t.triples[i];
		Datum		values[7];
		bool		nulls[7] = {false, false, false, false, false, false, false};

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = Int32GetDatum((int32) tr->line);
		values[1] = CStringGetTextDatum(tr->subject);
		values[2] = CStringGetTextDatum(tr->predicate);
		values[3] = CStringGetTextDatum(tr->object);
		values[4] = CStringGetTextDatum(kind_name(tr->object_kind));
		if (tr->lang)
			values[5] = CStringGetTextDatum(tr->lang);
		else
			nulls[5] = true;
		if (tr->datatype)
			values[6] = CStringGetTextDatum(tr->datatype);
		else
			nulls[6] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	zp_rdf_free(&t, &mem);
	return (Datum) 0;
}
