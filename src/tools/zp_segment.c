/*
 * zp_segment — print the tokens of standard input, one a line, for debugging
 * the engine and for the accuracy benchmark outside PostgreSQL.
 *
 * Usage: zp_segment LEXICON [-w|-c]   (-w: words only, space separated, a line per
 * input line; -c: print the cleaned text instead; -n: only count tokens and
 * bytes, for benchmarks and instruction counts; -t LABELS: tag with the labels of a
 * file, one a line, and print the throughput of the tagger; -x: only open the
 * lexicon and read the input, the baseline of instruction counts)
 */
#include "../engine/zp_clean.h"
#include "../engine/zp_tagger.h"
#include "../engine/zp_tokenizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Count a match (for -t). */
static int
count_match(void *arg, const ZpTagMatch *match)
{
	(void) match;
	(*(long *) arg)++;
	return 0;
}

/* Read all of a stream into memory. */
static char *
read_all(FILE *f, size_t *len)
{
	size_t		cap = 1 << 16,
				n = 0,
				r;
	char	   *buf = malloc(cap);

	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0)
	{
		n += r;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	*len = n;
	return buf;
}

int
main(int argc, char **argv)
{
	ZpLexicon	lex;
	ZpTokenizer tk;
	ZpToken		tok;
	char		err[256];
	size_t		len;
	char	   *text;
	int			words_only = argc > 2 && strcmp(argv[2], "-w") == 0;

	if (argc < 2)
	{
		fprintf(stderr, "usage: zp_segment LEXICON [-w] < text\n");
		return 2;
	}
	if (zp_lexicon_open(argv[1], &lex, err, sizeof(err)) != 0)
	{
		fprintf(stderr, "zp_segment: %s: %s\n", argv[1], err);
		return 1;
	}
	text = read_all(stdin, &len);
	if (text && argc > 2 && strcmp(argv[2], "-x") == 0)
	{
		/* the baseline of instruction counts: the lexicon opened, the input read */
		free(text);
		zp_lexicon_close(&lex);
		return 0;
	}
	if (text && argc > 3 && strcmp(argv[2], "-t") == 0)
	{
		FILE	   *lf = fopen(argv[3], "r");
		ZpMatcher  *m = zp_matcher_new(&lex, &zp_malloc_allocator);
		char		line[4096];
		long		labels = 0,
					matches = 0;
		int			rep,
					reps = 0;
		clock_t		t0;
		double		secs;
		size_t		chars;

		if (!lf || !m)
			return 1;
		while (fgets(line, sizeof(line), lf))
		{
			line[strcspn(line, "\r\n")] = '\0';
			if (zp_matcher_add(m, line, strlen(line), (uint32_t) labels) == 0)
				labels++;
		}
		fclose(lf);
		zp_matcher_build(m);
		t0 = clock();
		/* repeat until at least 200 MB have been scanned (ZP_TAG_ONCE: once, for counting) */
		for (rep = 0; rep < 1 || (!getenv("ZP_TAG_ONCE") && (double) rep * len < 200.0 * 1048576); rep++)
		{
			matches = 0;
			zp_matcher_scan(m, text, len, count_match, &matches, &chars, &zp_malloc_allocator);
			reps++;
		}
		secs = (double) (clock() - t0) / CLOCKS_PER_SEC;
		printf("%ld labels, %zu bytes x %d, %ld matches a pass, %.1f MB/s\n", labels, len, reps, matches,
			   secs > 0 ? (double) reps * len / 1048576 / secs : 0);
		zp_matcher_free(m);
		free(text);
		zp_lexicon_close(&lex);
		return 0;
	}
	if (text && argc > 2 && strcmp(argv[2], "-c") == 0)
	{
		size_t		n;
		char	   *c = zp_clean(text, len, &n, &zp_malloc_allocator);

		fwrite(c, 1, n, stdout);
		putchar('\n');
		free(c);
		free(text);
		zp_lexicon_close(&lex);
		return 0;
	}
	if (!text || zp_tokenizer_init(&tk, &lex, NULL, text, len, &zp_malloc_allocator) != 0)
		return 1;
	if (argc > 2 && strcmp(argv[2], "-n") == 0)
	{
		size_t		ntok = 0;
		clock_t		t0 = clock();
		double		secs;

		while (zp_tokenizer_next(&tk, &tok))
			ntok++;
		secs = (double) (clock() - t0) / CLOCKS_PER_SEC;
		printf("%zu bytes, %zu tokens, %.1f MB/s\n", len, ntok, secs > 0 ? (double) len / 1048576 / secs : 0);
	}
	else
		while (zp_tokenizer_next(&tk, &tok))
	{
		if (words_only)
		{
			if (tok.type == ZP_TOK_BLANK && memchr(text + tok.start, '\n', tok.len))
				putchar('\n');
			else if (tok.type != ZP_TOK_BLANK)
				printf("%.*s ", (int) tok.len, text + tok.start);
		}
		else
			printf("%s\t%.*s\n", zp_token_type_alias(tok.type), (int) tok.len, text + tok.start);
	}
	zp_tokenizer_free(&tk);
	zp_lexicon_close(&lex);
	free(text);
	return 0;
}
