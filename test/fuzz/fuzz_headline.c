/*
 * fuzz_headline.c — libFuzzer target for the linear headline selector: at most MaxFragments runs of tokens.
 * The invariants are in fuzz_targets.h.  Build and run: make fuzz (or make fuzz-quick).
 */
#include "fuzz_main.h"

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_headline(data, size))
		abort();
	return 0;
}
