/*
 * fuzz_clean.c — libFuzzer target for the cleaner: the result is no longer
 * than the input, NUL-terminated, nothing kept.
 * The invariants are in fuzz_targets.h.  Build and run: make fuzz (or make fuzz-quick).
 * The lexicon path comes from ZHPOLICY_LEXICON (default build/zhpolicy.lex).
 */
#include "fuzz_main.h"

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_clean(&fuzz_lex, data, size))
		abort();
	return 0;
}
