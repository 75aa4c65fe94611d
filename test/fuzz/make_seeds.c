/*
 * make_seeds.c — the seed corpora of the fuzz targets, written into
 * DIR/<target>/: the corpus articles (cut to 8 kB) with each target's framing
 * (a flag byte, labels before a NUL byte), a few hostile snippets, and for
 * the lexicon loader small valid lexicons made by the builder (compact and
 * full), their truncations and a word list.
 *
 * Usage: make_seeds DIR CORPUS_FILE...
 */
#include "zp_lexicon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Write one seed file DIR/target/name. */
static void
write_seed(const char *dir, const char *target, const char *name, const void *data, size_t len)
{
	char		path[4096];
	FILE	   *f;

	snprintf(path, sizeof(path), "%s/%s", dir, target);
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
	{
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
	{
		perror(path);
		exit(1);
	}
}

/* Write text as a seed of every text target, framed as each expects. */
static void
write_text_seeds(const char *dir, const char *name, const char *text, size_t len)
{
	static const char labels[] = "网络安全\n网络\n联合国\nAI\n数字经济\n命运共同体\n中国—东盟";
	char	   *buf = malloc(len + sizeof(labels) + 2);
	char		flagged[64];

	write_seed(dir, "clean", name, text, len);
	write_seed(dir, "engine", name, text, len);
	buf[0] = 3;					/* normalise with both flags; tokenize: compounds and user words */
	memcpy(buf + 1, text, len);
	write_seed(dir, "normalize", name, buf, len > 512 ? 513 : len + 1);
	write_seed(dir, "tokenize", name, buf, len + 1);
	buf[0] = 0;
	snprintf(flagged, sizeof(flagged), "%s.fine", name);
	write_seed(dir, "tokenize", flagged, buf, len + 1);
	memcpy(buf, labels, sizeof(labels));	/* with its NUL */
	memcpy(buf + sizeof(labels), text, len);
	write_seed(dir, "tagger", name, buf, sizeof(labels) + len);
	/* bigram: a query cut from the text, a 0xFF byte, the first 4 kB of the text */
	{
		size_t		tl = len > 4096 ? 4096 : len;
		size_t		from = tl / 2,
					ql = tl - from > 12 ? 12 : tl - from;

		while (from > 0 && (text[from] & 0xC0) == 0x80)
			from--;
		while (ql > 0 && from + ql < tl && (text[from + ql] & 0xC0) == 0x80)
			ql--;
		memcpy(buf, text + from, ql);
		buf[ql] = (char) 0xFF;
		memcpy(buf + ql + 1, text, tl);
		write_seed(dir, "bigram", name, buf, ql + 1 + tl);
	}
	free(buf);
}

/* The lexicon seeds: what the builder makes of a few words, whole and cut short. */
static void
write_lexicon_seeds(const char *dir)
{
	static const char *words[] = {"网络", "网络空间", "空间", "安全", "网络安全", "国家", "发展", "網絡"};
	static const char wordlist[] = "WORDS\n网络\n网络空间\n安全\n国家发展\n一带一路";
	int			compact;

	for (compact = 1; compact >= 0; compact--)
	{
		ZpLexBuilder *b = zp_lexbuilder_new(&zp_malloc_allocator);
		void	   *img;
		size_t		size,
					i;
		char		err[256],
					name[64];
		int			st;

		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			zp_lexbuilder_add(b, words[i], strlen(words[i]), 100.0 + (double) i);
		for (st = 0; st < 4; st++)
			zp_lexbuilder_set_emission(b, 0x7F51, st, -1.0f - (float) st);
		zp_lexbuilder_set_simplified(b, 0x7DB2, 0x7F51);	/* 網 -> 网 */
		zp_lexbuilder_set_split(b, "网络空间", strlen("网络空间"), 2);
		if (zp_lexbuilder_serialize(b, compact, &img, &size, err, sizeof(err)) != 0)
		{
			fprintf(stderr, "make_seeds: %s\n", err);
			exit(1);
		}
		snprintf(name, sizeof(name), "%s.lex", compact ? "compact" : "full");
		write_seed(dir, "lexicon", name, img, size);
		/* truncations: the header alone, and every eighth */
		for (i = 1; i < 8; i++)
		{
			snprintf(name, sizeof(name), "%s.cut%zu.lex", compact ? "compact" : "full", i);
			write_seed(dir, "lexicon", name, img, size * i / 8);
		}
		write_seed(dir, "lexicon", compact ? "compact.header.lex" : "full.header.lex", img, sizeof(ZpLexHeader));
		if (compact)
		{
			/* damaged: the edge table filled up (all but one slot, then all): the loader does not read it */
			ZpLexHeader *h = (ZpLexHeader *) img;
			ZpLexEdge  *edges = (ZpLexEdge *) ((char *) img + h->off_edges);
			size_t		slots = (size_t) 1 << h->trie_bits,
						left = 0,
						s;

			for (s = 0; s < slots; s++)
				left += edges[s].key == 0;
			for (s = 0; s < slots && left > 1; s++)
				if (edges[s].key == 0)
				{
					edges[s].key = zp_lex_edge_key(1000 + (uint32_t) s, 0x4E00 + (uint32_t) s);
					left--;
				}
			write_seed(dir, "lexicon", "compact.nearly_full_edges.lex", img, size);
			for (s = 0; s < slots; s++)
				if (edges[s].key == 0)
					edges[s].key = zp_lex_edge_key(999, 0x4E00);
			write_seed(dir, "lexicon", "compact.full_edges.lex", img, size);
		}
		free(img);
		zp_lexbuilder_free(b);
	}
	write_seed(dir, "lexicon", "words.txt", wordlist, sizeof(wordlist) - 1);
}

int
main(int argc, char **argv)
{
	static const char *snippets[] = {
		"[[[[[[[[](](](", "![a](![b](c)d)", "####### 标题\n> 引用 **粗** __斜__",
		"a.a.a.a@b.b.b.cn www.-x http://a(b(c)d) 1-1-1 a+a+a", "国发〔2023〕5号 第18届 2023年11月8日 09:11",
		"携 手 构 建\n有\n利于 马丁·查尔斯", "\xFF\xFE\xE4\xB8\xC3\x80网\xE3\x80\x80络",
	};
	int			i;

	if (argc < 2)
	{
		fprintf(stderr, "usage: make_seeds DIR CORPUS_FILE...\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) != 0 && errno != EEXIST)
	{
		perror(argv[1]);
		return 1;
	}
	for (i = 2; i < argc; i++)
	{
		FILE	   *f = fopen(argv[i], "rb");
		char	   *buf = malloc(8192);
		size_t		n = f ? fread(buf, 1, 8192, f) : 0;
		const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];

		if (f)
			fclose(f);
		write_text_seeds(argv[1], base, buf, n);
		free(buf);
	}
	for (i = 0; i < (int) (sizeof(snippets) / sizeof(snippets[0])); i++)
	{
		char		name[32];

		snprintf(name, sizeof(name), "snippet%d", i);
		write_text_seeds(argv[1], name, snippets[i], strlen(snippets[i]));
	}
	write_lexicon_seeds(argv[1]);
	return 0;
}
