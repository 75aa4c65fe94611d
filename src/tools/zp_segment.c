/*
 * zp_segment — print the tokens of standard input, one a line, for debugging
 * the engine and for the accuracy benchmark outside PostgreSQL.
 *
 * Usage: zp_segment LEXICON [-w|-c]   (-w: words only, space separated, a line per
 * input line; -c: print the cleaned text instead; -n: only count tokens and
 * bytes, for benchmarks and instruction counts)
 */
#include "../engine/zp_clean.h"
#include "../engine/zp_tokenizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

		while (zp_tokenizer_next(&tk, &tok))
			ntok++;
		printf("%zu bytes, %zu tokens\n", len, ntok);
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
