/*
 * zp_snippet.h — an exact highlighter for whole documents.
 *
 * The query is a list of terms: words separated by white space (ASCII or the
 * ideographic space U+3000), or phrases in "double" or “Chinese” quotes.  Each
 * term is found exactly as zhpolicy.contains finds it (the same bytes, no
 * folding), all terms at once by an Aho-Corasick automaton, so a document of
 * n bytes takes O(n) time whatever the number of terms.  The highlights are
 * the union of the occurrences (overlapping or adjacent ones are one
 * highlight); the fragments are the windows of `context` characters around
 * the best groups of highlights, a group being the highlights within
 * 2 x context characters of its first, and the best having the most distinct
 * terms, then the most occurrences.  No PostgreSQL headers.
 */
#ifndef ZP_SNIPPET_H
#define ZP_SNIPPET_H

#include <stddef.h>
#include <stdint.h>

#include "zp_alloc.h"

#define ZP_SNIPPET_MAX_QUERY (1024 * 1024)	/* bytes of query (a tsquery holds no more either) */
#define ZP_SNIPPET_MAX_CONTEXT 100000	/* characters of context */

/* How a snippet is made. */
typedef struct ZpSnippetOptions
{
	const char *start_sel;		/* before each highlight */
	size_t		start_len;
	const char *stop_sel;		/* after each highlight */
	size_t		stop_len;
	const char *delimiter;		/* between two fragments */
	size_t		delimiter_len;
	int			max_fragments;	/* 0: the whole document, highlighted */
	int			context;		/* characters shown before and after the highlights */
	int			html;			/* escape & < > " ' of the document's text as HTML entities */
} ZpSnippetOptions;

/* One term of a query: a byte range of the query text. */
typedef struct ZpSnippetTerm
{
	size_t		start;
	size_t		len;
} ZpSnippetTerm;

/*
 * Split a query into its terms, stored in terms (room for qlen / 2 + 1: a term
 * takes a byte and so does what separates two); returns their count (empty
 * phrases are dropped, repeated terms kept: the matcher merges them).
 */
size_t		zp_snippet_terms(const char *q, size_t qlen, ZpSnippetTerm *terms);

/* The result of zp_snippet. */
typedef enum ZpSnippetStatus
{
	ZP_SNIPPET_OK = 0,
	ZP_SNIPPET_NO_MEMORY,
	ZP_SNIPPET_BAD_OPTION,		/* max_fragments < 0, context outside [0, ZP_SNIPPET_MAX_CONTEXT] */
	ZP_SNIPPET_QUERY_TOO_LONG,	/* more than ZP_SNIPPET_MAX_QUERY bytes */
	ZP_SNIPPET_DOC_TOO_LONG		/* 4 GB or more (a text value holds at most 1 GB) */
} ZpSnippetStatus;

/*
 * The snippet of doc for query q: *out (from mem, *outlen bytes, not
 * terminated) is the fragments with the query's terms highlighted, or, when
 * no term occurs, the first 2 x context characters of the document.  mem's
 * check may longjmp out; the buffers are then mem's to free.  *nmatches (if
 * not NULL) gets the number of highlights in the whole document.
 */
ZpSnippetStatus zp_snippet(const char *doc, size_t n, const char *q, size_t qlen,
						   const ZpSnippetOptions *opt, char **out, size_t *outlen,
						   size_t *nmatches, const ZpAllocator *mem);

#endif							/* ZP_SNIPPET_H */
