/*
 * fuzz_rdf.c — libFuzzer target for the RDF reader (zp_rdf over libserd) that
 * import_skos() reads SKOS with: the first byte chooses Turtle (even) or
 * N-Triples (odd), the rest is the document.  Invariants: a parse either
 * succeeds with triples whose lines lie within the document, whose IRIs and
 * strings are NUL-terminated and whose kinds are known, or fails with a
 * message; nothing it allocated is left when it returns (a counting allocator
 * checks that; LeakSanitizer checks serd's own mallocs).
 * Seeds and kept crashes: test/fuzz/regressions/rdf/.  Build and run: make fuzz.
 */
#include "zp_rdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long live_blocks;

/* malloc, counting live blocks. */
static void *
count_alloc(void *ctx, size_t size)
{
	(void) ctx;
	live_blocks++;
	return malloc(size ? size : 1);
}

/* free, counting live blocks. */
static void
count_free(void *ctx, void *ptr)
{
	(void) ctx;
	live_blocks--;
	free(ptr);
}

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ZpAllocator mem = {count_alloc, count_free, NULL, NULL};
	ZpTriples	t;
	ZpRdfError	err;
	size_t		i,
				lines = 1;

	if (size == 0)
		return 0;
	for (i = 1; i < size; i++)
		lines += data[i] == '\n';
	live_blocks = 0;
	if (zp_rdf_parse((const char *) data + 1, size - 1, (data[0] & 1) ? ZP_RDF_NTRIPLES : ZP_RDF_TURTLE,
					 NULL, &t, &err, &mem) != 0)
	{
		if (err.message[0] == '\0' || strlen(err.message) >= sizeof(err.message) || live_blocks != 0)
			abort();
		return 0;
	}
	for (i = 0; i < t.n; i++)
	{
		const ZpTriple *tr = &t.triples[i];

		if (tr->line < 1 || tr->line > lines)
			abort();
		if (strlen(tr->subject) > size * 4 + 64 || strlen(tr->predicate) > size * 4 + 64 || strlen(tr->object) > size * 4 + 64)
			abort();
		if (tr->object_kind != ZP_RDF_IRI && tr->object_kind != ZP_RDF_BLANK && tr->object_kind != ZP_RDF_LITERAL)
			abort();
		if (tr->lang && tr->object_kind != ZP_RDF_LITERAL)
			abort();
	}
	zp_rdf_free(&t, &mem);
	if (live_blocks != 0)
		abort();
	return 0;
}
