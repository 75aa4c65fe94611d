/*
 * zp_headline.c — the fragments of a headline, chosen in linear time on token
 * indexes (see zp_headline.h for why positions cannot be used).
 *
 * 1. Candidates: one per match token i, the tokens from i to the last match
 *    that still leaves at most MaxWords words; a two-pointer sweep keeps the
 *    count of each query term in the window, so all candidates take O(n).
 * 2. One fragment (MaxFragments = 0): the best candidate, stretched forward
 *    (then backward at the end of the text) to MinWords words and a good end,
 *    as prsd_headline's mark_hl_words does.
 * 3. Fragments: candidates best first (merge sort), each taken unless it
 *    touches a fragment already taken (a Fenwick tree of the tokens in the
 *    headline answers that in O(log n)), then stretched by half the words it
 *    lacks on each side without entering another fragment, and trimmed to
 *    good ends, as mark_hl_fragments does.
 * The best candidate has the most distinct query terms, then the most
 * matches, then the fewest words, then comes first.
 */
#include "zp_headline.h"

#include <string.h>

#include "zp_select.h"

/* A candidate fragment: tokens [start, end], both matches. */
typedef struct HlCand
{
	uint32_t	start;
	uint32_t	end;
	uint32_t	distinct;
	uint32_t	hits;
	uint32_t	words;
} HlCand;

/* Is candidate a better than b? */
static int
cand_better(const HlCand *a, const HlCand *b)
{
	if (a->distinct != b->distinct)
		return a->distinct > b->distinct;
	if (a->hits != b->hits)
		return a->hits > b->hits;
	if (a->words != b->words)
		return a->words < b->words;
	return a->start < b->start;
}

/* cand_better for zp_select_sort. */
static int
cand_better_v(const void *a, const void *b)
{
	return cand_better(a, b);
}



/* Put tokens [s, e] into the headline. */
static void
mark_range(ZpHlToken *tok, uint32_t *fen, size_t n, size_t s, size_t e, ZpTicker *tick)
{
	size_t		i;

	for (i = s; i <= e && i < n; i++)
	{
		zp_tick(tick);
		if (!tok[i].in)
		{
			tok[i].in = 1;
			if (fen)
				zp_fenwick_add(fen, n, i);
		}
	}
}

/* The candidates of the document (one per match), in order; returns their count. */
static size_t
find_candidates(const ZpHlToken *tok, size_t n, const ZpHlOptions *opt, uint32_t *count,
				HlCand *cand, ZpTicker *tick)
{
	size_t		ncand = 0,
				i = 0,
				j = 0;			/* window [i, j) */
	uint32_t	words = 0,		/* words in the window */
				distinct = 0,
				hits = 0;
	size_t		lasthit = 0;

	memset(count, 0, sizeof(uint32_t) * (size_t) opt->nterms);
	while (i < n)
	{
		size_t		t,
					next;

		zp_tick(tick);
		if (tok[i].hit < 0)
		{
			i++;
			continue;
		}
		if (j < i)
		{
			j = i;
			words = distinct = hits = 0;
		}
		while (j < n && words + tok[j].word <= (uint32_t) opt->max_words)
		{
			zp_tick(tick);
			words += tok[j].word;
			if (tok[j].hit >= 0)
			{
				if (count[tok[j].hit]++ == 0)
					distinct++;
				hits++;
				lasthit = j;
			}
			j++;
		}
		if (j == i)				/* a single token over MaxWords cannot happen (max_words >= 2) */
		{
			i++;
			continue;
		}
		cand[ncand].start = (uint32_t) i;
		cand[ncand].end = (uint32_t) lasthit;
		cand[ncand].distinct = distinct;
		cand[ncand].hits = hits;
		cand[ncand].words = 0;	/* from the prefix sums, by the caller */
		ncand++;
		/* drop tokens up to the next match from the window */
		next = i + 1;
		while (next < j && tok[next].hit < 0)
			next++;
		for (t = i; t < next && t < j; t++)
		{
			words -= tok[t].word;
			if (tok[t].hit >= 0)
			{
				if (--count[tok[t].hit] == 0)
					distinct--;
				hits--;
			}
		}
		i = next;
	}
	return ncand;
}

/* Choose the single fragment (MaxFragments = 0), as mark_hl_words does. */
static void
select_one(ZpHlToken *tok, size_t n, const ZpHlOptions *opt, const HlCand *best,
		   const uint32_t *wpre, ZpTicker *tick)
{
	size_t		p = best->start,
				q = best->end,
				walk = ZP_HL_WALK(opt->max_words),
				b = p,
				e = q,
				i;
	uint32_t	curlen = wpre[q + 1] - wpre[p];

	if (curlen < (uint32_t) opt->min_words)
	{
		/* forward to MinWords words at a good end */
		for (i = q + 1; i < n && curlen < (uint32_t) opt->max_words && i - q <= walk; i++)
		{
			zp_tick(tick);
			curlen += tok[i].word;
			e = i;
			if (!tok[i].good_end)
				continue;
			if (curlen >= (uint32_t) opt->min_words)
				break;
		}
		if (curlen < (uint32_t) opt->min_words)
		{
			/* the end of the text: backward instead */
			size_t		k;

			for (k = p; k > 0 && p - k < walk; k--)
			{
				zp_tick(tick);
				curlen += tok[k - 1].word;
				b = k - 1;
				if (curlen >= (uint32_t) opt->max_words)
					break;
				if (!tok[k - 1].good_end)
					continue;
				if (curlen >= (uint32_t) opt->min_words)
					break;
			}
		}
	}
	mark_range(tok, NULL, n, b, e, tick);
}

/* Stretch a chosen candidate by half the words it lacks on each side, and mark it. */
static void
stretch_and_mark(ZpHlToken *tok, size_t n, const ZpHlOptions *opt, const HlCand *c,
				 uint32_t *fen, ZpTicker *tick)
{
	size_t		s = c->start,
				e = c->end,
				walk = ZP_HL_WALK(opt->max_words),
				marker,
				i;
	uint32_t	curlen = c->words;

	if (curlen < (uint32_t) opt->max_words)
	{
		uint32_t	maxstretch = ((uint32_t) opt->max_words - curlen) / 2,
					stretch = 0;

		marker = s;
		for (i = s; i > 0 && stretch < maxstretch && !tok[i - 1].in && s - i < walk; i--)
		{
			zp_tick(tick);
			if (tok[i - 1].word)
			{
				curlen++;
				stretch++;
			}
			marker = i - 1;
		}
		for (i = marker; i < s && !tok[i].good_end; i++)
			curlen -= tok[i].word;
		s = i;

		marker = e;
		for (i = e + 1; i < n && curlen < (uint32_t) opt->max_words && !tok[i].in && i - e <= walk; i++)
		{
			zp_tick(tick);
			curlen += tok[i].word;
			marker = i;
		}
		for (i = marker; i > e && !tok[i].good_end; i--)
			curlen -= tok[i].word;
		e = i;
	}
	mark_range(tok, fen, n, s, e, tick);
}

/* Choose the headline's tokens; see zp_headline.h. */
int
zp_headline_select(ZpHlToken *tok, size_t n, const ZpHlOptions *opt, const ZpAllocator *mem)
{
	ZpTicker	tick;
	uint32_t   *count = NULL,
			   *wpre = NULL,
			   *fen = NULL;
	HlCand	   *cand = NULL,
			   *tmp = NULL;
	size_t		nhits = 0,
				ncand,
				i;
	int			rc = -1;

	zp_ticker_init(&tick, mem);
	if (n == 0)
		return 0;
	if (n >= UINT32_MAX || opt->max_words < 2 || opt->min_words < 1 || opt->nterms < 0)
		return -1;
	for (i = 0; i < n; i++)
	{
		zp_tick(&tick);
		tok[i].in = 0;
		if (tok[i].hit >= opt->nterms)
			tok[i].hit = -1;
		if (tok[i].hit >= 0)
		{
			tok[i].good_end = 1;
			nhits++;
		}
	}

	if (nhits == 0)
	{
		/* nothing matches: the first MinWords words */
		uint32_t	curlen = 0;

		for (i = 0; i < n && curlen < (uint32_t) opt->min_words; i++)
		{
			zp_tick(&tick);
			curlen += tok[i].word;
			tok[i].in = 1;
		}
		return 0;
	}

	count = mem->alloc(mem->ctx, sizeof(uint32_t) * ((size_t) opt->nterms + 1));
	wpre = mem->alloc(mem->ctx, sizeof(uint32_t) * (n + 1));
	cand = mem->alloc(mem->ctx, sizeof(HlCand) * nhits);
	if (!count || !wpre || !cand)
		goto done;
	wpre[0] = 0;
	for (i = 0; i < n; i++)
	{
		zp_tick(&tick);
		wpre[i + 1] = wpre[i] + tok[i].word;
	}
	ncand = find_candidates(tok, n, opt, count, cand, &tick);
	for (i = 0; i < ncand; i++)
		cand[i].words = wpre[cand[i].end + 1] - wpre[cand[i].start];

	if (opt->max_fragments <= 0)
	{
		size_t		best = 0;

		for (i = 1; i < ncand; i++)
		{
			zp_tick(&tick);
			if (cand_better(&cand[i], &cand[best]))
				best = i;
		}
		if (ncand > 0)
			select_one(tok, n, opt, &cand[best], wpre, &tick);
		rc = 0;
		goto done;
	}

	tmp = mem->alloc(mem->ctx, sizeof(HlCand) * ncand);
	fen = mem->alloc(mem->ctx, sizeof(uint32_t) * (n + 1));
	if (!tmp || !fen)
		goto done;
	memset(fen, 0, sizeof(uint32_t) * (n + 1));
	zp_select_sort(cand, tmp, ncand, sizeof(HlCand), cand_better_v, &tick);
	{
		size_t		taken = 0;

		for (i = 0; i < ncand && taken < (size_t) opt->max_fragments; i++)
		{
			zp_tick(&tick);
			if (zp_fenwick_prefix(fen, (size_t) cand[i].end + 1) != zp_fenwick_prefix(fen, cand[i].start))
				continue;		/* touches a fragment already taken */
			stretch_and_mark(tok, n, opt, &cand[i], fen, &tick);
			taken++;
		}
	}
	rc = 0;

done:
	if (fen)
		mem->release(mem->ctx, fen);
	if (tmp)
		mem->release(mem->ctx, tmp);
	if (cand)
		mem->release(mem->ctx, cand);
	if (wpre)
		mem->release(mem->ctx, wpre);
	if (count)
		mem->release(mem->ctx, count);
	return rc;
}
