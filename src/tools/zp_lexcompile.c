/*
 * zp_lexcompile — compile word lists and HMM tables into a zhpolicy lexicon.
 *
 * Usage: zp_lexcompile -o OUT [-m HMM.tsv] [-t] [-g] [-w WHOLELIST]... WORDLIST...
 *
 * A word list has one entry a line: "word frequency [tag]", separated by
 * spaces or tabs; '#' starts a comment line.  The frequency "auto" means: just
 * likely enough that the word beats its own best split by the other lists
 * (the lexicon is built once without these words to find that split).  Words holding characters other
 * than CJK ideographs are counted and skipped (the segmenter only walks Han
 * runs).  The HMM file has lines "start STATE LOGP", "trans FROM TO LOGP" and
 * "emit STATE CODEPOINT LOGP" with states B, E, M, S.  Any malformed line
 * stops the build with the file name and line number.  With -t, the
 * Traditional-to-Simplified form of every CJK code point is taken from ICU's
 * "Traditional-Simplified" transliterator and stored, so that segmentation
 * and lexemes need no ICU call at run time.  A mapping is kept only when the
 * Traditional character is rare in the word lists (its words' frequencies add
 * up to under 2% of those of the Simplified one): 著 (显著) and 乾 (乾坤) are
 * Simplified characters too and must not become 着 and 干.
 *
 * With -g, words of the WORDLISTs get the split points of the fine-grained
 * convention of treebank segmentation standards (Penn Chinese Treebank, UD
 * Chinese): a numeral or demonstrative and its classifier are two words
 * (一个 -> 一 个), a verb and the preposition it takes are two words (位于 -> 位 于),
 * a derivational or place suffix or prefix is a word of its own (博物馆 -> 博物 馆,
 * 总面积 -> 总 面积), and a compound of two dictionary words of two or more
 * characters is those words (体育用品 -> 体育 用品).  Idioms (tag i), fixed
 * expressions (l) and person names (nr) stay whole, and so does every word of
 * a WHOLELIST (-w: the policy lexicon), whatever the other lists hold.
 */
#include "../engine/zp_lexicon.h"
#include "../engine/zp_text.h"
#include "../engine/zp_tokenizer.h"

#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Report a malformed line and stop. */
static void
die_at(const char *file, long line, const char *what)
{
	fprintf(stderr, "zp_lexcompile: %s:%ld: %s\n", file, line, what);
	exit(1);
}

/* State letter to index. */
static int
state_index(const char *s)
{
	if (strcmp(s, "B") == 0)
		return ZP_HMM_B;
	if (strcmp(s, "E") == 0)
		return ZP_HMM_E;
	if (strcmp(s, "M") == 0)
		return ZP_HMM_M;
	if (strcmp(s, "S") == 0)
		return ZP_HMM_S;
	return -1;
}

/* Parse a float field or stop. */
static float
parse_logp(const char *file, long line, const char *s)
{
	char	   *end;
	double		v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !(v <= 0))
		die_at(file, line, "log probability must be a number <= 0");
	return (float) (v < -1e30 ? -1e30 : v);
}

/* Read one HMM table file. */
static void
read_hmm(ZpLexBuilder *b, const char *file)
{
	FILE	   *f = fopen(file, "r");
	char		buf[1024];
	long		line = 0;
	float		start[4],
				trans[4][4];
	int			i,
				j,
				have_start = 0,
				n_emit = 0;

	if (!f)
	{
		fprintf(stderr, "zp_lexcompile: could not open %s: %s\n", file, strerror(errno));
		exit(1);
	}
	for (i = 0; i < 4; i++)
	{
		start[i] = -1e30f;
		for (j = 0; j < 4; j++)
			trans[i][j] = -1e30f;
	}
	while (fgets(buf, sizeof(buf), f))
	{
		char	   *f1,
				   *f2,
				   *f3,
				   *f4,
				   *save = NULL;

		line++;
		buf[strcspn(buf, "\r\n")] = '\0';
		if (buf[0] == '\0' || buf[0] == '#')
			continue;
		f1 = strtok_r(buf, " \t", &save);
		f2 = strtok_r(NULL, " \t", &save);
		f3 = strtok_r(NULL, " \t", &save);
		f4 = strtok_r(NULL, " \t", &save);
		if (f1 && strcmp(f1, "start") == 0 && f2 && f3 && !f4 && state_index(f2) >= 0)
		{
			start[state_index(f2)] = parse_logp(file, line, f3);
			have_start = 1;
		}
		else if (f1 && strcmp(f1, "trans") == 0 && f2 && f3 && f4 &&
				 state_index(f2) >= 0 && state_index(f3) >= 0)
			trans[state_index(f2)][state_index(f3)] = parse_logp(file, line, f4);
		else if (f1 && strcmp(f1, "emit") == 0 && f2 && f3 && f4 && state_index(f2) >= 0)
		{
			char	   *end;
			unsigned long cp = strtoul(f3, &end, 16);

			if (*end != '\0' || cp > 0x10FFFF)
				die_at(file, line, "code point must be hexadecimal, at most 10FFFF");
			zp_lexbuilder_set_emission(b, (uint32_t) cp, state_index(f2), parse_logp(file, line, f4));
			n_emit++;
		}
		else
			die_at(file, line, "expected \"start S LOGP\", \"trans S S LOGP\" or \"emit S HEX LOGP\"");
	}
	fclose(f);
	if (!have_start || n_emit == 0)
	{
		fprintf(stderr, "zp_lexcompile: %s: no start or emission probabilities\n", file);
		exit(1);
	}
	zp_lexbuilder_set_hmm(b, start, trans);
}

/* Store ICU's one-character Simplified form of each Traditional CJK code point. */
static long
add_simplified_forms(ZpLexBuilder *b)
{
	static const uint32_t ranges[][2] = {{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}};
	UErrorCode status = U_ZERO_ERROR;
	UChar		id[64];
	UTransliterator *t;
	long		added = 0;
	size_t		r;

	u_uastrcpy(id, "Traditional-Simplified");
	t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &status);
	if (U_FAILURE(status))
	{
		fprintf(stderr, "zp_lexcompile: ICU transliterator Traditional-Simplified: %s\n",
				u_errorName(status));
		exit(1);
	}
	for (r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++)
	{
		uint32_t	cp;

		for (cp = ranges[r][0]; cp <= ranges[r][1]; cp++)
		{
			UChar		buf[8];
			int32_t		len = 1,
						limit = 1;

			buf[0] = (UChar) cp;
			status = U_ZERO_ERROR;
			utrans_transUChars(t, buf, &len, 8, 0, &limit, &status);
			if (U_SUCCESS(status) && len == 1 && buf[0] != (UChar) cp &&
				zp_lexbuilder_char_usage(b, cp) < 0.02 * zp_lexbuilder_char_usage(b, buf[0]) &&
				zp_lexbuilder_set_simplified(b, cp, buf[0]) == 0)
				added++;
		}
	}
	utrans_close(t);
	return added;
}

/* realloc that stops the compiler when memory runs out. */
static void *
grow_or_die(void *p, size_t size)
{
	void	   *q = realloc(p, size);

	if (!q)
	{
		fprintf(stderr, "zp_lexcompile: out of memory\n");
		exit(1);
	}
	return q;
}

/* A copy of s, or stop. */
static char *
keep_string(const char *s)
{
	return strcpy(grow_or_die(NULL, strlen(s) + 1), s);
}

/* A growing list of strings the compiler owns. */
typedef struct StringList
{
	char	  **v;
	size_t		n,
				cap;
} StringList;

/* Append a copy of s to list. */
static void
string_list_add(StringList *list, const char *s)
{
	if (list->n == list->cap)
	{
		list->cap = list->cap ? list->cap * 2 : 256;
		list->v = grow_or_die(list->v, sizeof(char *) * list->cap);
	}
	list->v[list->n++] = keep_string(s);
}

/* Free the strings of list and the list. */
static void
string_list_free(StringList *list)
{
	size_t		i;

	for (i = 0; i < list->n; i++)
		free(list->v[i]);
	free(list->v);
	memset(list, 0, sizeof(*list));
}

/* A word of a general list and its tag, kept for the fine-grained splits (-g). */
typedef struct ListedWord
{
	char	   *word;
	char		tag[8];
} ListedWord;

static ListedWord *listed;
static size_t n_listed,
			cap_listed;
static StringList whole_words;	/* words of -w lists, sorted before use */

/* Remember a word of a general list with its tag. */
static void
remember_listed(const char *word, const char *tag)
{
	if (n_listed == cap_listed)
	{
		cap_listed = cap_listed ? cap_listed * 2 : 4096;
		listed = grow_or_die(listed, sizeof(ListedWord) * cap_listed);
	}
	listed[n_listed].word = keep_string(word);
	snprintf(listed[n_listed].tag, sizeof(listed[n_listed].tag), "%s", tag ? tag : "");
	n_listed++;
}

/* strcmp for qsort and bsearch over char pointers. */
static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Numerals and demonstratives that take a classifier, and the classifiers (一个, 这种, 每年). */
static const char numeral_det_chars[] = "一二两三四五六七八九十百千万亿几数多这那每哪该各某此另半整";
static const char classifier_chars[] = "个种座部条位名次件项家所只张本台辆架艘届期批类份篇首门句段层场支枚颗株棵块片群对双套间栋户口头匹年月日天周岁代号度";
/* Derivational suffixes and the heads of place, institution and facility names. */
static const char suffix_chars[] = "者家员手师士生工匠夫汉迷族界坛业学论性化度率型式法品物量额费税价机器仪车船舰艇"
	"站场馆院所室厅店厂局部处科系组队团会社党军省市县区乡镇村街路桥港湾山河江湖海岛峰城国州"
	"门楼宫寺庙塔期节赛案战史书报刊语文词人长商台线圈带";
static const char prefix_chars[] = "总副非反超准伪亚泛";
static const char numeral_chars[] = "一二三四五六七八九十";
static const char preposition_chars[] = "因由对为自从在于据借";

/*
 * The split point (in characters, 0 = none) of a dictionary word under the
 * fine-grained convention; the parts it names are words of the lexicon.
 */
static unsigned
fine_split(const ZpLexBuilder *b, const char *word, const char *tag)
{
	uint32_t	cps[ZP_LEX_SPLIT_MAX + 2];
	size_t		offs[ZP_LEX_SPLIT_MAX + 2];
	size_t		len = strlen(word),
				i = 0,
				n = 0,
				k;
	double		best = 0;
	unsigned	best_k = 0;

	while (i < len)
	{
		if (n > ZP_LEX_SPLIT_MAX)
			return 0;
		offs[n] = i;
		i += zp_utf8_decode((const unsigned char *) word + i, len - i, &cps[n]);
		n++;
	}
	offs[n] = len;
	if (n == 2)
	{
		if (zp_cp_in_set(numeral_det_chars, cps[0]) && zp_cp_in_set(classifier_chars, cps[1]))
			return 1;			/* 一个, 这种 */
		if ((cps[1] == 0x4E3A || cps[1] == 0x4E8E) && strcmp(tag, "v") == 0 &&
			zp_lexbuilder_freq(b, word, offs[1]) >= zp_lexbuilder_freq(b, word, len))
			return 1;			/* 为, 于 after a verb that is a word on its own: 成为, 位于 (not 认为) */
		if (cps[0] == 0x4E4B && zp_cp_in_set(numeral_chars, cps[1]))
			return 1;			/* 之一 */
		if (cps[1] == 0x6B64 && zp_cp_in_set(preposition_chars, cps[0]))
			return 1;			/* 此 after a preposition: 因此, 由此 */
		return 0;
	}
	if (n < 3)
		return 0;
	if (zp_cp_in_set(suffix_chars, cps[n - 1]) && zp_lexbuilder_freq(b, word, offs[n - 1]) > 0)
		return (unsigned) (n - 1);	/* 博物馆 -> 博物 馆 */
	if (zp_cp_in_set(prefix_chars, cps[0]) && zp_lexbuilder_freq(b, word + offs[1], len - offs[1]) > 0)
		return 1;				/* 总面积 -> 总 面积 */
	if (n < 4 || strcmp(tag, "i") == 0 || strcmp(tag, "l") == 0 || strcmp(tag, "nr") == 0)
		return 0;
	/* a compound of two words of two or more characters: the most frequent pair */
	for (k = 2; k + 2 <= n; k++)
	{
		double		fa = zp_lexbuilder_freq(b, word, offs[k]),
					fb = zp_lexbuilder_freq(b, word + offs[k], len - offs[k]);

		if (fa > 0 && fb > 0 && fa * fb > best)
		{
			best = fa * fb;
			best_k = (unsigned) k;
		}
	}
	return best_k;
}

/* Store the split points of the general lists' words (-g); returns how many words split. */
static long
add_fine_splits(ZpLexBuilder *b)
{
	size_t		i;
	long		split = 0;

	qsort(whole_words.v, whole_words.n, sizeof(char *), cmp_strp);
	for (i = 0; i < n_listed; i++)
	{
		unsigned	k;

		if (!(whole_words.n > 0 &&
			  bsearch(&listed[i].word, whole_words.v, whole_words.n, sizeof(char *), cmp_strp)))
		{
			k = fine_split(b, listed[i].word, listed[i].tag);
			if (k > 0 && zp_lexbuilder_set_split(b, listed[i].word, strlen(listed[i].word), k) == 0)
				split++;
		}
		free(listed[i].word);
	}
	free(listed);
	string_list_free(&whole_words);
	return split;
}

/* Words whose frequency is "auto", added after the first build. */
static StringList auto_words;

/*
 * Give each "auto" word the frequency that makes it beat its best split by a
 * factor of e (log probability + 1), at least 1000.
 */
static long
add_auto_words(ZpLexBuilder *b)
{
	void	   *buf;
	size_t		size,
				i;
	ZpLexicon	lex;
	char		err[256];
	double		logtotal;
	long		added = 0;

	if (auto_words.n == 0)
		return 0;
	if (zp_lexbuilder_serialize(b, 0, &buf, &size, err, sizeof(err)) != 0 ||
		zp_lexicon_open_buffer(buf, size, &lex, err, sizeof(err)) != 0)
	{
		fprintf(stderr, "zp_lexcompile: %s\n", err);
		exit(1);
	}
	logtotal = -(double) lex.hdr->unknown_logp;
	for (i = 0; i < auto_words.n; i++)
	{
		double		split = zp_best_path_logp(&lex, auto_words.v[i], strlen(auto_words.v[i]));
		double		logp = split + 1.0;

		if (logp < log(1000.0) - logtotal)
			logp = log(1000.0) - logtotal;
		if (logp > -0.01)
			logp = -0.01;
		if (zp_lexbuilder_add(b, auto_words.v[i], strlen(auto_words.v[i]), exp(logp + logtotal)) == 0)
			added++;
	}
	zp_lexicon_close(&lex);
	string_list_free(&auto_words);
	return added;
}

/* Read one word list; returns the number of words added. */
static long
read_words(ZpLexBuilder *b, const char *file, int whole, int fine, long *skipped)
{
	FILE	   *f = fopen(file, "r");
	char		buf[4096];
	long		line = 0,
				added = 0;

	if (!f)
	{
		fprintf(stderr, "zp_lexcompile: could not open %s: %s\n", file, strerror(errno));
		exit(1);
	}
	while (fgets(buf, sizeof(buf), f))
	{
		char	   *word,
				   *freq,
				   *tag,
				   *save = NULL,
				   *end;
		double		v;

		line++;
		if (strlen(buf) == sizeof(buf) - 1 && buf[sizeof(buf) - 2] != '\n')
			die_at(file, line, "line too long");
		buf[strcspn(buf, "\r\n")] = '\0';
		if (buf[0] == '\0' || buf[0] == '#')
			continue;
		word = strtok_r(buf, " \t", &save);
		freq = strtok_r(NULL, " \t", &save);
		tag = strtok_r(NULL, " \t", &save);
		if (!word || !freq)
			die_at(file, line, "expected \"word frequency [tag]\"");
		if (whole)
			string_list_add(&whole_words, word);
		else if (fine)
			remember_listed(word, tag);
		if (strcmp(freq, "auto") == 0)
		{
			size_t		k = 0;

			/* check now, so a bad word fails with its line number */
			while (word[k])
			{
				uint32_t	cp;

				k += zp_utf8_decode((const unsigned char *) word + k, strlen(word) - k, &cp);
				if (!zp_is_han(cp))
					die_at(file, line, "an \"auto\" word must be Chinese characters only");
			}
			string_list_add(&auto_words, word);
			added++;
			continue;
		}
		errno = 0;
		v = strtod(freq, &end);
		if (errno != 0 || *end != '\0' || !(v > 0) || v > 1e12)
			die_at(file, line, "frequency must be a positive number");
		if (zp_lexbuilder_add(b, word, strlen(word), v) == 0)
			added++;
		else
			(*skipped)++;
	}
	fclose(f);
	return added;
}

int
main(int argc, char **argv)
{
	const char *out = NULL,
			   *hmm = NULL;
	ZpLexBuilder *b = zp_lexbuilder_new(&zp_malloc_allocator);
	char		err[512];

	if (!b)
	{
		fprintf(stderr, "zp_lexcompile: out of memory\n");
		return 1;
	}
	long		added = 0,
				skipped = 0,
				simplified = 0;
	int			i,
				nfiles = 0,
				want_t2s = 0,
				want_fine = 0;
	long		fine_splits = 0,
				standalone = 0;

	for (i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc)
			hmm = argv[++i];
		else if (strcmp(argv[i], "-t") == 0)
			want_t2s = 1;
		else if (strcmp(argv[i], "-g") == 0)
			want_fine = 1;
		else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc)
		{
			added += read_words(b, argv[++i], 1, 0, &skipped);
			nfiles++;
		}
		else if (argv[i][0] == '-')
		{
			fprintf(stderr, "usage: zp_lexcompile -o OUT [-m HMM.tsv] [-t] [-g] [-w WHOLELIST]... WORDLIST...\n");
			return 2;
		}
		else
		{
			added += read_words(b, argv[i], 0, want_fine, &skipped);
			nfiles++;
		}
	}
	if (!out || nfiles == 0)
	{
		fprintf(stderr, "usage: zp_lexcompile -o OUT [-m HMM.tsv] [-t] [-g] [-w WHOLELIST]... WORDLIST...\n");
		return 2;
	}
	if (hmm)
		read_hmm(b, hmm);
	add_auto_words(b);
	if (want_fine)
		fine_splits = add_fine_splits(b);
	if (want_t2s)
	{
		simplified = add_simplified_forms(b);
		/* characters mostly used alone (是, 为, 的) never join an unknown word */
		standalone = zp_lexbuilder_mark_standalone(b, 0.5);
	}
	if (zp_lexbuilder_write(b, out, err, sizeof(err)) != 0)
	{
		fprintf(stderr, "zp_lexcompile: %s: %s\n", out, err);
		return 1;
	}
	{
		/* read back what was written, all of it: a lexicon a backend opens must be sound */
		ZpLexicon	check;

		if (zp_lexicon_open(out, &check, err, sizeof(err)) != 0 || zp_lexicon_verify(&check, err, sizeof(err)) != 0)
		{
			fprintf(stderr, "zp_lexcompile: %s: the file written does not verify: %s\n", out, err);
			return 1;
		}
		zp_lexicon_close(&check);
	}
	printf("zp_lexcompile: %s: %ld entries read, %ld skipped (not all Han), %ld Traditional forms, "
		   "%ld characters mostly used alone, %ld words with a fine-grained split\n",
		   out, added, skipped, simplified, standalone, fine_splits);
	zp_lexbuilder_free(b);
	return 0;
}
