/*
 * fuzz_normalize.c — libFuzzer target for the normaliser: flags from the
 * first byte, the rest one token, written within ZP_NORM_OUT_SIZE.
 * The invariants are in fuzz_targets.h.  Build and run: make fuzz (or make fuzz-quick).
 * The lexicon path comes from ZHPOLICY_LEXICON (default build/zhpolicy.lex).
 */
#include "fuzz_main.h"

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_normalize(&fuzz_lex, data, size))
		abort();
	return 0;
}
