/*
 * zp_rdf.h — reading RDF (Turtle, N-Triples) into triples, for SKOS import.
 *
 * A thin, strict wrapper around Debian's libserd (serd-0): prefixes and the
 * base IRI are applied, so every IRI comes out absolute; blank nodes come out
 * as "_:" and their label; literals keep their language tag or datatype.  The
 * first syntax error stops the parse and is reported with its line and column.
 * Each triple carries the line on which it ends, so that later checks (an
 * unknown concept, a cycle) can name the line too.
 *
 * serd allocates with malloc, so the parse runs to its end without calling the
 * allocator's cancel check; the triples and their strings come from the
 * allocator (one block each) and belong to the caller.
 */
#ifndef ZP_RDF_H
#define ZP_RDF_H

#include <stddef.h>
#include <stdint.h>

#include "zp_alloc.h"

typedef enum ZpRdfSyntax
{
	ZP_RDF_TURTLE,
	ZP_RDF_NTRIPLES
} ZpRdfSyntax;

typedef enum ZpRdfKind
{
	ZP_RDF_IRI,
	ZP_RDF_BLANK,
	ZP_RDF_LITERAL
} ZpRdfKind;

/* One triple; the strings are NUL-terminated, lang and datatype may be NULL. */
typedef struct ZpTriple
{
	const char *subject;
	const char *predicate;
	const char *object;
	const char *lang;			/* literals only: the language tag as written */
	const char *datatype;		/* literals only: the datatype IRI */
	ZpRdfKind	subject_kind;
	ZpRdfKind	object_kind;
	uint32_t	line;			/* 1-based line where the triple ends */
} ZpTriple;

/* What went wrong, when zp_rdf_parse returns -1. */
typedef struct ZpRdfError
{
	uint32_t	line;			/* 1-based, 0 when unknown */
	uint32_t	col;
	char		message[256];
} ZpRdfError;

/* The triples of a document, allocated as one array from the allocator. */
typedef struct ZpTriples
{
	ZpTriple   *triples;
	size_t		n;
	char	   *strings;		/* the strings of all triples, one block */
} ZpTriples;

#define ZP_RDF_MAX_BYTES ((size_t) 256 * 1024 * 1024)	/* larger documents are refused */

/*
 * Parse text (len bytes, need not be NUL-terminated; must be valid UTF-8 for
 * a clean result: invalid bytes are a syntax error in strict mode) with base
 * IRI base (or NULL).  Returns 0 and fills out, or -1 and fills err (syntax
 * error, undefined prefix, memory).  On -1, nothing is left allocated.
 */
int			zp_rdf_parse(const char *text, size_t len, ZpRdfSyntax syntax, const char *base,
						 ZpTriples *out, ZpRdfError *err, const ZpAllocator *mem);

/* Free what zp_rdf_parse returned. */
void		zp_rdf_free(ZpTriples *t, const ZpAllocator *mem);

#endif							/* ZP_RDF_H */
