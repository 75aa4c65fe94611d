/*
 * fuzz_tagger.c — libFuzzer target for the tagger: labels (one a line) before
 * the first NUL byte, the text after it.
 * The invariants are in fuzz_targets.h.  Build and run: make fuzz (or make fuzz-quick).
 * The lexicon path comes from ZHPOLICY_LEXICON (default build/zhpolicy.lex).
 */
#include "fuzz_main.h"

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_tagger(&fuzz_lex, data, size))
		abort();
	return 0;
}
