/*
 * fuzz_engine.c — libFuzzer target for the engine: tokenizer (tokens must
 * cover the input exactly), cleaner, normaliser and label matcher on
 * arbitrary bytes.  Build and run: make fuzz (clang, -fsanitize=fuzzer,address).
 * The lexicon path comes from ZHPOLICY_LEXICON (default build/zhpolicy.lex).
 */
#include "zp_clean.h"
#include "zp_lexicon.h"
#include "zp_normalize.h"
#include "zp_tagger.h"
#include "zp_tokenizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ZpLexicon lex;
static ZpMatcher *matcher;

/* Count matches (the callback of the matcher). */
static int
count_match(void *arg, const ZpTagMatch *m)
{
	if (m->byte_start >= m->byte_end)
		abort();
	(*(long *) arg)++;
	return 0;
}

/* Open the lexicon and build a small matcher once. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *labels[] = {"网络安全", "网络", "联合国", "AI", "关键信息基础设施", "5G网络"};
	const char *path = getenv("ZHPOLICY_LEXICON") ? getenv("ZHPOLICY_LEXICON") : "build/zhpolicy.lex";
	char		err[256];
	size_t		i;

	(void) argc;
	(void) argv;
	if (zp_lexicon_open(path, &lex, err, sizeof(err)) != 0)
	{
		fprintf(stderr, "fuzz_engine: %s: %s\n", path, err);
		exit(1);
	}
	matcher = zp_matcher_new(&lex, &zp_malloc_allocator);
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		zp_matcher_add(matcher, labels[i], strlen(labels[i]), (uint32_t) i);
	zp_matcher_build(matcher);
	return 0;
}

/* One input: every engine entry point, with its invariants checked. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ZpTokenizer tk;
	ZpToken		tok;
	size_t		at = 0,
				outlen,
				chars;
	char	   *out,
			   *norm;
	long		matches = 0;

	if (zp_tokenizer_init(&tk, &lex, NULL, (const char *) data, size, &zp_malloc_allocator) != 0)
		return 0;
	while (zp_tokenizer_next(&tk, &tok))
	{
		if (tok.start != at || tok.len == 0 || tok.len > ZP_MAX_TOKEN_BYTES)
			abort();			/* tokens must cover the input exactly */
		norm = malloc(ZP_NORM_OUT_SIZE(tok.len));
		zp_normalize_token((const char *) data + tok.start, tok.len, norm, &lex,
						   ZP_NORM_SIMPLIFY | ZP_NORM_FOLD, NULL);
		free(norm);
		at = tok.start + tok.len;
	}
	if (at != size)
		abort();
	zp_tokenizer_free(&tk);
	out = zp_clean((const char *) data, size, &outlen, &zp_malloc_allocator);
	if (!out || outlen > size)
		abort();
	free(out);
	zp_matcher_scan(matcher, (const char *) data, size, count_match, &matches, &chars, &zp_malloc_allocator);
	return 0;
}
