/*
 * headline.c — ts_headline for zhpolicy: PostgreSQL's prsd_headline, then two
 * corrections for character lexemes.
 *
 * Every Chinese word is also indexed as its characters, so the query of
 * 数字经济 holds the operands 数字, 数, 字, 经济, 经, 济.  prsd_headline marks
 * every token that matches any operand, which would highlight 总数 (数) and
 * 已经 (经).  We keep a mark only on a token whose text contains a "needle":
 * a query operand that is a word, or a single character that is not part of
 * a word of the query (a one-character query such as 网).  And a token that
 * matches several operands is followed by "repeated" entries, which made
 * prsd_headline end a fragment before the punctuation after the token; we
 * take that punctuation back in, and we give those entries the type of a
 * space so that MaxWords and MinWords count tokens, not operands.
 */
#include "zhpolicy.h"

#include "fmgr.h"
#include "tsearch/ts_public.h"
#include "tsearch/ts_type.h"
#include "utils/fmgrprotos.h"
#include "zp_normalize.h"
#include "zp_text.h"

PG_FUNCTION_INFO_V1(zhpolicy_prs_headline);

/* A query operand as a string, with what kind it is. */
typedef struct Needle
{
	const char *s;
	int			len;
	bool		single_han;		/* one Chinese character */
	bool		used;			/* still a needle after removing derived characters */
} Needle;

/* Does haystack contain needle? */
static bool
contains(const char *hay, size_t haylen, const char *needle, size_t nlen)
{
	size_t		i;

	if (nlen == 0 || nlen > haylen)
		return false;
	for (i = 0; i + nlen <= haylen; i++)
		if (memcmp(hay + i, needle, nlen) == 0)
			return true;
	return false;
}

/* The needles of a query: its operands, less characters that come from its words. */
static Needle *
query_needles(TSQuery query, int *count)
{
	QueryItem  *item = GETQUERY(query);
	char	   *operands = GETOPERAND(query);
	Needle	   *needles = palloc0(sizeof(Needle) * Max(query->size, 1));
	int			n = 0,
				i,
				j;

	for (i = 0; i < query->size; i++)
	{
		size_t		offs[2];

		if (item[i].type != QI_VAL)
			continue;
		needles[n].s = operands + item[i].qoperand.distance;
		needles[n].len = item[i].qoperand.length;
		needles[n].single_han = zp_han_char_offsets(needles[n].s, needles[n].len, offs, 1) == 1;
		needles[n].used = true;
		n++;
	}
	for (i = 0; i < n; i++)
	{
		if (!needles[i].single_han)
			continue;
		for (j = 0; j < n; j++)
			if (!needles[j].single_han && needles[j].len > needles[i].len &&
				contains(needles[j].s, needles[j].len, needles[i].s, needles[i].len))
			{
				needles[i].used = false;	/* a character of a query word */
				break;
			}
	}
	*count = n;
	return needles;
}

/*
 * One highlight for adjacent highlighted tokens: 地球村 is the tokens 地球 and
 * 村, and reads better as <b>地球村</b> than as <b>地球</b><b>村</b>.  The entries
 * are copies of the tokens, so the first becomes their concatenation and the
 * second is skipped (generateHeadline prints no skipped entry).
 */
static void
merge_adjacent_highlights(HeadlineParsedText *prs)
{
	int			i = 0;

	while (i < prs->curwords)
	{
		HeadlineWordEntry *w = &prs->words[i];
		int			k = i + 1;

		if (!w->selected || !w->in || w->repeated || w->skip || w->type == ZP_TOK_BLANK)
		{
			i++;
			continue;
		}
		while (k < prs->curwords && (prs->words[k].repeated || prs->words[k].skip))
			k++;				/* never printed: entries of a token's other operands, merged tokens */
		if (k < prs->curwords && prs->words[k].selected && prs->words[k].in && !prs->words[k].skip &&
			prs->words[k].type != ZP_TOK_BLANK && prs->words[k].len > 0 &&
			(int) w->len + (int) prs->words[k].len <= 0xFFFF)
		{
			HeadlineWordEntry *x = &prs->words[k];
			char	   *joined = palloc(w->len + x->len);

			memcpy(joined, w->word, w->len);
			memcpy(joined + w->len, x->word, x->len);
			w->word = joined;
			w->len += x->len;
			x->skip = 1;
			x->selected = 0;
			x->type = ZP_TOK_BLANK;
			continue;			/* w may join the token after x too */
		}
		i = k;
	}
}

/* Call prsd_headline, then keep highlights on needles only and keep trailing punctuation. */
Datum
zhpolicy_prs_headline(PG_FUNCTION_ARGS)
{
	HeadlineParsedText *prs = (HeadlineParsedText *) PG_GETARG_POINTER(0);
	TSQuery		query = PG_GETARG_TSQUERY(2);
	Needle	   *needles;
	int			nneedles,
				i;
	char	   *buf = NULL;
	size_t		bufcap = 0;
	const ZpLexicon *lex = zhpolicy_lexicon();

	/*
	 * A token that matches several operands (a word and its characters) is
	 * followed by "repeated" entries; prsd_headline counts them as words, which
	 * made MaxWords fragments a few tokens long.  Give them the type of a space
	 * (they are never printed) so that they are not counted.
	 */
	for (i = 0; i < prs->curwords; i++)
		if (prs->words[i].repeated)
			prs->words[i].type = ZP_TOK_BLANK;
	DirectFunctionCall3(prsd_headline, PG_GETARG_DATUM(0), PG_GETARG_DATUM(1), PG_GETARG_DATUM(2));
	needles = query_needles(query, &nneedles);

	for (i = 0; i < prs->curwords; i++)
	{
		HeadlineWordEntry *w = &prs->words[i];
		int			j;

		if (w->repeated)
			continue;
		if (w->selected)
		{
			size_t		need = ZP_NORM_OUT_SIZE((size_t) w->len),
						n;
			bool		hit = false;

			if (need > bufcap)
			{
				buf = buf ? repalloc(buf, need) : palloc(need);
				bufcap = need;
			}
			n = zp_normalize_token(w->word, w->len, buf, lex, ZP_NORM_SIMPLIFY | ZP_NORM_FOLD,
								   &zhpolicy_palloc_allocator);
			for (j = 0; j < nneedles && !hit; j++)
				hit = needles[j].used && contains(buf, n, needles[j].s, needles[j].len);
			w->selected = hit;
		}
		/* punctuation right after a word in a fragment belongs to the fragment */
		if (w->in && w->type != ZP_TOK_BLANK)
		{
			j = i + 1;
			while (j < prs->curwords && prs->words[j].repeated)
				j++;
			while (j < prs->curwords && prs->words[j].type == ZP_TOK_BLANK && !prs->words[j].in &&
				   !prs->words[j].repeated && memchr(prs->words[j].word, '\n', prs->words[j].len) == NULL)
			{
				prs->words[j].in = 1;
				j++;
			}
		}
	}
	merge_adjacent_highlights(prs);
	PG_RETURN_POINTER(prs);
}
