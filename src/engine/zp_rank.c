/*
 * zp_rank.c — BM25 over exact phrase occurrences, words above characters (see zp_rank.h).
 *
 * Counting is a memmem walk over the document in slices of ZP_CHECK_BYTES (so a cancel
 * is heard on a 1 GB row), one walk per phrase.  An occurrence is a word occurrence when
 * the segmentation of the text around it has token boundaries at both of its ends; the
 * tokenizer is set up once per document and pointed at each window in turn.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE				/* memmem */
#endif
#include "zp_rank.h"

#include <string.h>

#include "zp_text.h"
#include "zp_tokenizer.h"

const ZpRankParams zp_rank_defaults = {
	.k1 = 1.2,
	.b = 0.75,
	.avg_len = 0,
	.title_boost = 3.0,
	.cross_weight = 0.5,
	.lead_max = 300,
	.align_sample = 64,
};

/* First occurrence of needle in hay[from, len) at or after from, or len when there is none. */
static size_t
find_from(const char *hay, size_t len, size_t from, const char *needle, size_t nlen, const ZpAllocator *mem)
{
	while (from + nlen <= len)
	{
		size_t		end = len - from > ZP_CHECK_BYTES + nlen ? from + ZP_CHECK_BYTES + nlen - 1 : len;
		const char *hit = memmem(hay + from, end - from, needle, nlen);

		if (hit)
			return (size_t) (hit - hay);
		if (end == len)
			break;
		from = end - nlen + 1;
		zp_check(mem);
	}
	return len;
}

size_t
zp_rank_count(const char *hay, size_t len, const char *needle, size_t nlen, const ZpAllocator *mem)
{
	size_t		n = 0;
	size_t		pos = 0;
	ZpTicker	t;

	if (nlen == 0)
		return 0;
	zp_ticker_init(&t, mem);
	while ((pos = find_from(hay, len, pos, needle, nlen, mem)) < len)
	{
		n++;
		pos += nlen;
		zp_tick(&t);
	}
	return n;
}

/* Byte offset of the character start k characters before pos (or 0). */
static size_t
back_chars(const char *s, size_t pos, int k)
{
	while (pos > 0 && k > 0)
	{
		pos--;
		while (pos > 0 && ((unsigned char) s[pos] & 0xC0) == 0x80)
			pos--;
		k--;
	}
	return pos;
}

/* Byte offset k characters after pos (or len). */
static size_t
forward_chars(const char *s, size_t len, size_t pos, int k)
{
	while (pos < len && k > 0)
	{
		uint32_t	cp;

		pos += zp_utf8_decode((const unsigned char *) s + pos, len - pos, &cp);
		k--;
	}
	return pos;
}

/* Does the segmentation around [s, e) of the tokenizer's text have boundaries at s and e? */
static int
is_word_occurrence(ZpTokenizer *tk, const char *text, size_t len, size_t s, size_t e)
{
	size_t		ws = back_chars(text, s, ZP_RANK_WINDOW);
	size_t		we = forward_chars(text, len, e, ZP_RANK_WINDOW);
	int			at_s = (s == ws);
	int			at_e = (e == we);
	ZpToken		tok;

	zp_tokenizer_reset_range(tk, ws, we);
	while (zp_tokenizer_next(tk, &tok))
	{
		size_t		end = tok.start + tok.len;

		if (tok.start == s)
			at_s = 1;
		if (end == e)
			at_e = 1;
		if (end >= e)
			break;
	}
	return at_s && at_e;
}

/* Occurrences of a phrase in text: their count, how many in [0, lead_end), and their weight. */
static void
count_phrase(ZpTokenizer *tk, const char *text, size_t len, size_t lead_end, const ZpRankTerm *term,
			 const ZpRankParams *p, const ZpAllocator *mem, ZpRankTermStats *st, double boost_all)
{
	size_t		pos = 0;
	double		lead_w = 0,
				body_w = 0;		/* weights of the checked occurrences */
	size_t		lead_n = 0,
				body_n = 0;		/* occurrences, checked or not */
	size_t		lead_checked = 0,
				body_checked = 0;
	ZpTicker	t;

	zp_ticker_init(&t, mem);
	while ((pos = find_from(text, len, pos, term->s, term->len, mem)) < len)
	{
		size_t		e = pos + term->len;
		int			in_lead = boost_all > 0 || e <= lead_end;

		if (in_lead)
			lead_n++;
		else
			body_n++;
		if ((int) st->checked < p->align_sample)
		{
			int			word = is_word_occurrence(tk, text, len, pos, e);
			double		w = word ? 1.0 : p->cross_weight;

			st->checked++;
			st->words += word;
			if (in_lead)
			{
				lead_w += w;
				lead_checked++;
			}
			else
			{
				body_w += w;
				body_checked++;
			}
		}
		pos = e;
		zp_tick(&t);
	}
	st->tf += lead_n + body_n;
	st->in_title += lead_n;
	{
		/* unchecked occurrences take the mean weight of the checked ones */
		size_t		checked = lead_checked + body_checked;
		double		mean = checked ? (lead_w + body_w) / checked : 1.0;

		st->tf_weighted += p->title_boost * (lead_w + mean * (lead_n - lead_checked)) +
			body_w + mean * (body_n - body_checked);
	}
}

/* End of the lead: the first line when it is at most lead_max bytes long, else 0. */
static size_t
lead_end_of(const char *doc, size_t len, size_t lead_max)
{
	size_t		lim = len < lead_max + 1 ? len : lead_max + 1;
	const char *nl = memchr(doc, '\n', lim);

	if (nl)
		return (size_t) (nl - doc);
	return len <= lead_max ? len : 0;
}

int
zp_rank_score(const ZpLexicon *lex, const ZpLexicon *user,
			  const char *doc, size_t len, const char *title, size_t tlen,
			  const ZpRankTerm *terms, int nterms, const ZpRankParams *p,
			  const ZpAllocator *mem, double *score, ZpRankTermStats *stats)
{
	ZpTokenizer tk,
				ttk;
	ZpLayout	plain = {0, 0};
	size_t		lead_end = title ? 0 : lead_end_of(doc, len, p->lead_max);
	double		dl = (double) len + (title ? (double) tlen : 0);
	double		norm = p->avg_len > 0 ? 1 - p->b + p->b * dl / p->avg_len : 1;
	double		total = 0;
	int			i;

	*score = 0;
	if (zp_tokenizer_init_range(&tk, lex, user, doc, 0, len, &plain, mem) != 0)
		return -1;
	if (title && zp_tokenizer_init_range(&ttk, lex, user, title, 0, tlen, &plain, mem) != 0)
	{
		zp_tokenizer_free(&tk);
		return -1;
	}
	for (i = 0; i < nterms; i++)
	{
		ZpRankTermStats st;
		double		f;

		memset(&st, 0, sizeof(st));
		if (terms[i].len > 0)
		{
			if (title)
				count_phrase(&ttk, title, tlen, 0, &terms[i], p, mem, &st, 1.0);
			count_phrase(&tk, doc, len, lead_end, &terms[i], p, mem, &st, 0);
		}
		f = st.tf_weighted > 0 ? st.tf_weighted * (p->k1 + 1) / (st.tf_weighted + p->k1 * norm) : 0;
		st.score = terms[i].weight * f;
		total += st.score;
		if (stats)
			stats[i] = st;
	}
	zp_tokenizer_free(&tk);
	if (title)
		zp_tokenizer_free(&ttk);
	*score = total;
	return 0;
}

double
zp_rank_word_share(const ZpLexicon *lex, const ZpLexicon *user, const char *s, size_t len,
				   const ZpAllocator *mem)
{
	ZpTokenizer tk;
	ZpToken		tok;
	size_t		han = 0,
				covered = 0;

	if (zp_tokenizer_init(&tk, lex, user, s, len, mem) != 0)
		return -1;
	while (zp_tokenizer_next(&tk, &tok))
	{
		size_t		chars = 0,
					hans = 0,
					i = tok.start;

		while (i < tok.start + tok.len)
		{
			uint32_t	cp;

			i += zp_utf8_decode((const unsigned char *) s + i, tok.start + tok.len - i, &cp);
			chars++;
			hans += zp_is_han(cp) ? 1 : 0;
		}
		han += hans;
		if (chars >= 2 && tok.type == ZP_TOK_WORD)
			covered += hans;
	}
	zp_tokenizer_free(&tk);
	return han ? (double) covered / (double) han : 1.0;
}
