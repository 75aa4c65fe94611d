/*
 * fuzz_bigram.c — libFuzzer target for the whole-document text index's keys:
 * a query (as substring, LIKE and ILIKE pattern) and a text; whenever the text
 * matches, the query's keys are among the text's, and keys that decide alone
 * decide right (the invariants are in fuzz_targets.h).  Build and run: make fuzz.
 */
#include "fuzz_main.h"

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_bigram(data, size))
		abort();
	return 0;
}
