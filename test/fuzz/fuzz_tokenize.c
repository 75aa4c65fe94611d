/*
 * fuzz_tokenize.c — libFuzzer target for the segmenter and tokenizer: flags
 * from the first byte (compounds, user words), tokens cover the text.
 * The invariants are in fuzz_targets.h.  Build and run: make fuzz (or make fuzz-quick).
 * The lexicon path comes from ZHPOLICY_LEXICON (default build/zhpolicy.lex).
 */
#include "fuzz_main.h"

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_tokenize_with(&fuzz_lex, &fuzz_user, data, size))
		abort();
	return 0;
}
