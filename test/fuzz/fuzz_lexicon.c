/*
 * fuzz_lexicon.c — libFuzzer target for the lexicon loader: the input as a
 * lexicon image (or, after "WORDS\n", a word list for the builder).
 * The invariants are in fuzz_targets.h.  Build and run: make fuzz (or make fuzz-quick).
 * The lexicon path comes from ZHPOLICY_LEXICON (default build/zhpolicy.lex).
 */
#include "fuzz_main.h"

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_lexicon(&fuzz_lex, data, size))
		abort();
	return 0;
}
