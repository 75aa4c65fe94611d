/*
 * fuzz_engine.c — libFuzzer target for every engine entry point on one
 * input: the cleaner, the tokenizer (tokens must cover the input exactly),
 * the normaliser and a matcher of a few labels (the bodies and their
 * invariants are in fuzz_targets.h).  Build and run: make fuzz.
 * The lexicon path comes from ZHPOLICY_LEXICON (default build/zhpolicy.lex).
 */
#include "fuzz_main.h"

/* One input: every engine entry point, with its invariants checked. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char labels[] = "网络安全\n网络\n联合国\nAI\n关键信息基础设施\n5G网络";
	uint8_t    *tagged = malloc(sizeof(labels) + size);

	/* the tagger's input: the fixed labels, a NUL byte, the input */
	memcpy(tagged, labels, sizeof(labels));
	memcpy(tagged + sizeof(labels), data, size);
	if (fuzz_clean(&fuzz_lex, data, size) || fuzz_tokenize_with(&fuzz_lex, &fuzz_user, data, size) ||
		fuzz_normalize(&fuzz_lex, data, size) || fuzz_tagger(&fuzz_lex, tagged, sizeof(labels) + size))
		abort();
	free(tagged);
	return 0;
}
