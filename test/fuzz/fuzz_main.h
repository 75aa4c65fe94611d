/*
 * fuzz_main.h — what every libFuzzer target shares: the lexicon (and a small
 * lexicon of user words), opened once in LLVMFuzzerInitialize.
 */
#ifndef FUZZ_MAIN_H
#define FUZZ_MAIN_H

#include "fuzz_targets.h"

#include <math.h>
#include <stdio.h>

static ZpLexicon fuzz_lex;
static ZpLexicon fuzz_user;

int			LLVMFuzzerInitialize(int *argc, char ***argv);
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Open the lexicon named by ZHPOLICY_LEXICON and build the user words, once. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *words[] = {"网络安全", "乡村振兴", "一带一路", "放管服", "网络空间命运共同体"};
	const char *path = getenv("ZHPOLICY_LEXICON") ? getenv("ZHPOLICY_LEXICON") : "build/zhpolicy.lex";
	char		err[256];
	ZpLexBuilder *b = zp_lexbuilder_new(&zp_malloc_allocator);
	void	   *buf;
	size_t		size,
				i;

	(void) argc;
	(void) argv;
	if (zp_lexicon_open(path, &fuzz_lex, err, sizeof(err)) != 0)
	{
		fprintf(stderr, "fuzz: %s: %s\n", path, err);
		exit(1);
	}
	zp_lexbuilder_set_total(b, exp(-(double) fuzz_lex.hdr->unknown_logp));
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		zp_lexbuilder_add(b, words[i], strlen(words[i]), 5000);
	if (zp_lexbuilder_serialize(b, 1, &buf, &size, err, sizeof(err)) != 0 ||
		zp_lexicon_open_buffer(buf, size, &fuzz_user, err, sizeof(err)) != 0)
	{
		fprintf(stderr, "fuzz: user words: %s\n", err);
		exit(1);
	}
	zp_lexbuilder_free(b);
	return 0;
}

#endif							/* FUZZ_MAIN_H */
