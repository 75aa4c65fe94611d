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
 *
 * prsd_headline finds its covers on lexeme positions, which stop at 16,383
 * (MAXENTRYPOS): on a longer document every later word has the same
 * position, each cover it tries spans the rest of the text, and each try
 * allocates arrays of that length (2 s and about 1 GB for 1 MB; 100 MB was
 * killed by the OOM killer).  So a document whose positions reached the cap
 * gets its fragments from the engine's linear selector (zp_headline.c), with
 * the same options; prsd_headline only parses and checks them there.
 */
#include "zhpolicy.h"

#include "commands/defrem.h"
#include "fmgr.h"
#include "tsearch/ts_public.h"
#include "tsearch/ts_type.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "zp_headline.h"
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

/* Is entry w a printed highlight that may be joined to the one before it? */
static inline bool
joinable(const HeadlineWordEntry *w)
{
	return w->selected && w->in && !w->repeated && !w->skip && w->type != ZP_TOK_BLANK && w->len > 0;
}

/*
 * One highlight for adjacent highlighted tokens: 地球村 is the tokens 地球 and
 * 村, and reads better as <b>地球村</b> than as <b>地球</b><b>村</b>.  The entries
 * are copies of the tokens, so the first of a run becomes their concatenation
 * (at most 65,535 bytes, the length field's limit) and the others are skipped
 * (generateHeadline prints no skipped entry).  Each run is found in one pass
 * and copied once, so a document that is one long run stays linear.
 */
static void
merge_adjacent_highlights(HeadlineParsedText *prs)
{
	int			i = 0;

	while (i < prs->curwords)
	{
		HeadlineWordEntry *w = &prs->words[i];
		int			k = i + 1,
					last = i,
					t;
		size_t		total = w->len;
		char	   *joined,
				   *out;

		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
		if (!(w->selected && w->in && !w->repeated && !w->skip && w->type != ZP_TOK_BLANK))
		{
			i++;
			continue;
		}
		for (;;)
		{
			while (k < prs->curwords && (prs->words[k].repeated || prs->words[k].skip))
				k++;			/* never printed: entries of a token's other operands, merged tokens */
			if (k < prs->curwords && joinable(&prs->words[k]) && total + prs->words[k].len <= 0xFFFF)
			{
				total += prs->words[k].len;
				last = k++;
				continue;
			}
			break;
		}
		if (last > i)
		{
			out = joined = palloc(total);
			memcpy(out, w->word, w->len);
			out += w->len;
			for (t = i + 1; t <= last; t++)
			{
				HeadlineWordEntry *x = &prs->words[t];

				if (x->repeated || x->skip)
					continue;
				memcpy(out, x->word, x->len);
				out += x->len;
				x->skip = 1;
				x->selected = 0;
				x->type = ZP_TOK_BLANK;
			}
			w->word = joined;
			w->len = total;
		}
		i = k;
	}
}

/* PostgreSQL's default parser's token ids, which prsd_headline decides by (our ids follow them). */
#define PRSD_SPACE 12
#define PRSD_TAG 13
#define PRSD_IGNORED(x) ((x) == PRSD_TAG || (x) == 14 || (x) == PRSD_SPACE || (x) == 23)
#define PRSD_REPLACE(x) ((x) == PRSD_TAG)
#define PRSD_SKIP(x) ((x) == 5 || (x) == 15 || (x) == 16 || (x) == 17)
#define PRSD_NONWORD(x) ((x) == PRSD_SPACE || PRSD_REPLACE(x) || PRSD_SKIP(x))
#define PRSD_NOEND(x) (PRSD_NONWORD(x) || ((x) >= 7 && (x) <= 8) || ((x) >= 20 && (x) <= 22) || PRSD_IGNORED(x))

/* Did the document's positions reach MAXENTRYPOS (so that prsd_headline's covers are meaningless)? */
static bool
positions_capped(HeadlineParsedText *prs)
{
	int			i;

	for (i = prs->curwords - 1; i >= 0; i--)
		if (prs->words[i].pos >= MAXENTRYPOS - 1)
			return true;
	return false;
}

/* The index of the needle the normalised token text contains, or -1. */
static int
token_needle(HeadlineWordEntry *w, const Needle *needles, int nneedles, char **buf, size_t *bufcap,
			 const ZpLexicon *lex)
{
	size_t		need = ZP_NORM_OUT_SIZE((size_t) w->len),
				n;
	int			j;

	if (need > *bufcap)
	{
		*buf = *buf ? repalloc(*buf, need) : palloc(need);
		*bufcap = need;
	}
	n = zp_normalize_token(w->word, w->len, *buf, lex, ZP_NORM_SIMPLIFY | ZP_NORM_FOLD,
						   &zhpolicy_palloc_allocator);
	for (j = 0; j < nneedles; j++)
		if (needles[j].used && contains(*buf, n, needles[j].s, needles[j].len))
			return j;
	return -1;
}

/*
 * The headline of a document longer than the positions reach: prsd_headline
 * parses and checks the options on one blank word (so errors and defaults
 * are PostgreSQL's), the engine chooses the fragments, and the marks are set
 * as prsd_headline's mark_fragment sets them.
 */
static void
long_headline(FunctionCallInfo fcinfo, HeadlineParsedText *prs, const Needle *needles, int nneedles)
{
	List	   *prsoptions = (List *) PG_GETARG_POINTER(1);
	HeadlineParsedText probe;
	ZpHlOptions opt = {35, 15, 0, nneedles};
	int			shortword = 3;
	bool		highlightall = false;
	ListCell   *l;
	ZpHlToken  *tok;
	int32	   *entry;
	size_t		n = 0,
				k;
	int			i;
	char	   *buf = NULL;
	size_t		bufcap = 0;
	const ZpLexicon *lex = zhpolicy_lexicon();

	memset(&probe, 0, sizeof(probe));
	probe.lenwords = 2;
	probe.curwords = 1;
	probe.words = palloc0(sizeof(HeadlineWordEntry) * 2);
	probe.words[0].type = PRSD_SPACE;
	probe.words[0].len = 1;
	probe.words[0].word = pstrdup(" ");
	DirectFunctionCall3(prsd_headline, PointerGetDatum(&probe), PG_GETARG_DATUM(1), PG_GETARG_DATUM(2));
	prs->startsel = probe.startsel;
	prs->stopsel = probe.stopsel;
	prs->fragdelim = probe.fragdelim;
	prs->startsellen = probe.startsellen;
	prs->stopsellen = probe.stopsellen;
	prs->fragdelimlen = probe.fragdelimlen;
	foreach(l, prsoptions)
	{
		DefElem    *defel = (DefElem *) lfirst(l);
		char	   *val = defGetString(defel);

		if (pg_strcasecmp(defel->defname, "MaxWords") == 0)
			opt.max_words = pg_strtoint32(val);
		else if (pg_strcasecmp(defel->defname, "MinWords") == 0)
			opt.min_words = pg_strtoint32(val);
		else if (pg_strcasecmp(defel->defname, "ShortWord") == 0)
			shortword = pg_strtoint32(val);
		else if (pg_strcasecmp(defel->defname, "MaxFragments") == 0)
			opt.max_fragments = pg_strtoint32(val);
		else if (pg_strcasecmp(defel->defname, "HighlightAll") == 0)
			highlightall = (pg_strcasecmp(val, "1") == 0 || pg_strcasecmp(val, "on") == 0 ||
							pg_strcasecmp(val, "true") == 0 || pg_strcasecmp(val, "t") == 0 ||
							pg_strcasecmp(val, "y") == 0 || pg_strcasecmp(val, "yes") == 0);
	}

	/* one engine token per printed entry (entries of a token's other operands are never printed) */
	tok = palloc(sizeof(ZpHlToken) * (size_t) Max(prs->curwords, 1));
	entry = palloc(sizeof(int32) * (size_t) Max(prs->curwords, 1));
	for (i = 0; i < prs->curwords; i++)
	{
		HeadlineWordEntry *w = &prs->words[i];

		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
		if (w->repeated)
			continue;
		entry[n] = i;
		tok[n].hit = w->item ? token_needle(w, needles, nneedles, &buf, &bufcap, lex) : -1;
		tok[n].word = !PRSD_NONWORD(w->type);
		tok[n].good_end = !(PRSD_NOEND(w->type) || w->len <= shortword);
		tok[n].in = highlightall;
		tok[n].pad = 0;
		n++;
	}
	if (!highlightall &&
		zp_headline_select(tok, n, &opt, &zhpolicy_palloc_allocator) != 0)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));

	for (k = 0; k < n; k++)
	{
		HeadlineWordEntry *w = &prs->words[entry[k]];

		if ((k & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
		if (!tok[k].in)
			continue;
		w->in = 1;
		w->selected = tok[k].hit >= 0;
		if (!highlightall && PRSD_REPLACE(w->type))
			w->replace = 1;
		else if (PRSD_SKIP(w->type))
			w->skip = 1;
	}
	pfree(tok);
	pfree(entry);
	if (buf)
		pfree(buf);
}

/* Keep highlights on needles only (prsd_headline) or choose the fragments (long documents). */
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
	needles = query_needles(query, &nneedles);
	if (positions_capped(prs))
		long_headline(fcinfo, prs, needles, nneedles);
	else
	{
		DirectFunctionCall3(prsd_headline, PG_GETARG_DATUM(0), PG_GETARG_DATUM(1), PG_GETARG_DATUM(2));
		for (i = 0; i < prs->curwords; i++)
		{
			HeadlineWordEntry *w = &prs->words[i];

			if (!w->repeated && w->selected)
				w->selected = token_needle(w, needles, nneedles, &buf, &bufcap, lex) >= 0;
		}
	}

	for (i = 0; i < prs->curwords; i++)
	{
		HeadlineWordEntry *w = &prs->words[i];
		int			j;

		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
		if (w->repeated)
			continue;
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
