/*
 * fuzz_snippet.c — libFuzzer target for the exact snippet highlighter: the markers nest, fragments are text of the
 * document, the whole-document form is the document once unmarked.
 * The invariants are in fuzz_targets.h.  Build and run: make fuzz (or make fuzz-quick).
 */
#include "fuzz_main.h"

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_snippet(data, size))
		abort();
	return 0;
}
