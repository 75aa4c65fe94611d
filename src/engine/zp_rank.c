/*
 * zp_rank.c — BM25 over exact phrase occurrences, words above characters (see zp_rank.h).
 *
 * Counting is a memmem walk (find_bytes) over the document in slices of ZP_CHECK_BYTES (so a cancel
 * is heard on a 1 GB row), one walk per phrase.  An occurrence is a word occurrence when
 * the segmentation of the text around it has token boundaries at both of its ends; the
 * tokenizer is set up once per document and pointed at each window in turn.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE				/* memmem */
#endif
#include "zp_rank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "zp_bigram.h"
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

/*
 * memmem: the first occurrence of needle (nlen bytes) in hay[0, n), or NULL.  With SSE2, 16
 * places at a time are tested for the needle's first and last bytes together (in Chinese
 * UTF-8 each alone is common, both at once rare) and only those are compared in full.
 */
static const char *
find_bytes(const char *hay, size_t n, const char *needle, size_t nlen)
{
#ifdef __SSE2__
	size_t		i = 0;

	if (nlen >= 2 && n >= nlen + 15)
	{
		const __m128i first = _mm_set1_epi8(needle[0]);
		const __m128i last = _mm_set1_epi8(needle[nlen - 1]);

		for (; i + nlen - 1 + 16 <= n; i += 16)
		{
			__m128i		f = _mm_loadu_si128((const __m128i *) (hay + i));
			__m128i		l = _mm_loadu_si128((const __m128i *) (hay + i + nlen - 1));
			unsigned	mask = (unsigned) _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(f, first),
																		   _mm_cmpeq_epi8(l, last)));

			while (mask)
			{
				int			bit = __builtin_ctz(mask);

				if (memcmp(hay + i + bit + 1, needle + 1, nlen - 2) == 0)
					return hay + i + bit;
				mask &= mask - 1;
			}
		}
		return memmem(hay + i, n - i, needle, nlen);
	}
#endif
	return memmem(hay, n, needle, nlen);
}

/* First occurrence of needle in hay[from, len) at or after from, or len when there is none. */
static size_t
find_from(const char *hay, size_t len, size_t from, const char *needle, size_t nlen, const ZpAllocator *mem)
{
	while (from + nlen <= len)
	{
		size_t		end = len - from > ZP_CHECK_BYTES + nlen ? from + ZP_CHECK_BYTES + nlen - 1 : len;
		const char *hit = find_bytes(hay + from, end - from, needle, nlen);

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

/*
 * The fixed part of a sketch; then the lead (padded to 4 bytes), keys[nkeys], counts[nkeys]
 * (the heavy keys, exact), then two rows of nbuckets one-byte codes (see bucket_code), each
 * bucket keeping the largest count of the light keys hashed to it (a count-max sketch: a key's
 * count is at most the smaller of its two buckets, exact for a key that dominates its buckets),
 * then a Bloom filter of nbits bits holding the light keys by tiers (see tier_next): a key of count c is in it as (key, i) for every tier i whose threshold is
 * at most c, so the first tier that misses bounds c from above.  A false positive only lifts
 * a bound to the next tier (two in a row, by two), so light keys get bounds close to their
 * counts, where BM25 decides which rows make the top k.  A light key's bound is the smaller of
 * the two.  With a lexicon, the commonest heavy keys that are two Han characters also get the
 * tf' that zp_rank_score counts for that two-character phrase (occurrences that cut a word
 * weigh cross_weight, the lead's count title_boost times): a query phrase of those two
 * characters then has its exact part of the score, where a cut word (联网 inside 互联网) would
 * otherwise count in full.  The weights hold only for the lexicons they were found with
 * (lex_id, see zp_rank_lexicon_id); under others the bound falls back to the counts.
 */
typedef struct ZpSketchHeader
{
	uint32_t	magic;
	uint32_t	version;
	uint64_t	dl;				/* the document's length in bytes */
	uint32_t	lead_len;		/* bytes of the lead */
	uint32_t	nkeys;			/* heavy keys listed with their counts */
	uint32_t	cap;			/* a key not listed occurs at most this often */
	uint32_t	nbits;			/* 0, or a multiple of 32: bits of the filter */
	uint32_t	tier0;			/* the first tier's threshold (>= 2): a key below it is not in the filter */
	uint32_t	nhash;			/* bits set for each (key, tier), 1 to ZP_SKETCH_MAX_HASH */
	uint32_t	nbuckets;		/* 0, or a multiple of 4: buckets in each of the two rows */
	uint32_t	nwords;			/* pairs with a word weight: wkeys[nwords], float wvals[nwords] follow the counts */
	uint32_t	lex_id;			/* the lexicons the word weights were found with (0 when nwords is 0) */
	uint32_t	pad;
} ZpSketchHeader;

#define SKETCH_LEAD_SPACE(n) (((n) + 3) & ~(size_t) 3)
#define CHAR_KEY(k) ((k) | 0xFFFFu)	/* the key of a character: its 16 bits, then 0xFFFF */
#define ZP_SKETCH_MAX_HASH 8
#define ZP_SKETCH_MAX_TIERS 255

/* Bytes of a sketch with these parts. */
static size_t
sketch_size(size_t lead_len, size_t nkeys, size_t nwords, size_t nbuckets, size_t nbits)
{
	return sizeof(ZpSketchHeader) + SKETCH_LEAD_SPACE(lead_len) + 2 * (nkeys + nwords) * sizeof(uint32_t) +
		2 * nbuckets + nbits / 8;
}

/* The bucket of key in row 0 or 1 (two hashes, mapped onto [0, nbuckets) by a multiply). */
static inline uint32_t
bucket_of(uint32_t key, int row, uint32_t nbuckets)
{
	uint32_t	h = key ^ (row ? 0x5bd1e995u : 0u);

	h ^= h >> 16;
	h *= row ? 0x85ebca6bu : 0x9e3779b1u;
	h ^= h >> 13;
	h *= row ? 0xc2b2ae35u : 0x27d4eb2fu;
	h ^= h >> 16;
	return (uint32_t) (((uint64_t) h * nbuckets) >> 32);
}

/*
 * Counts in one byte, never below the count: up to ZP_SKETCH_EXACT_CODE as they are, then
 * a geometric scale (6% a step), and 255 for "at most cap".
 */
#define ZP_SKETCH_EXACT_CODE 200

/* The largest count a bucket code stands for (255: cap). */
static uint32_t
bucket_decode(uint8_t code, uint32_t cap)
{
	double		v;

	if (code <= ZP_SKETCH_EXACT_CODE)
		return code;
	if (code == 255)
		return cap;
	v = ceil(ZP_SKETCH_EXACT_CODE * pow(1.06, code - ZP_SKETCH_EXACT_CODE));
	return v < cap ? (uint32_t) v : cap;
}

/* The smallest code that stands for at least count (from the logarithm, then checked). */
static uint8_t
bucket_code(uint32_t count)
{
	int			code;

	if (count <= ZP_SKETCH_EXACT_CODE)
		return (uint8_t) count;
	code = ZP_SKETCH_EXACT_CODE + (int) floor(log((double) count / ZP_SKETCH_EXACT_CODE) / log(1.06));
	if (code <= ZP_SKETCH_EXACT_CODE)
		code = ZP_SKETCH_EXACT_CODE + 1;
	while (code < 255 && bucket_decode((uint8_t) code, UINT32_MAX) < count)
		code++;
	return (uint8_t) code;
}

/* The threshold after tier threshold t: a quarter more, at least one more. */
static inline uint32_t
tier_next(uint32_t t)
{
	uint32_t	n = t + t / 4;

	return n > t ? n : t + 1;
}

/* The hash of (key, tier): two 32-bit halves for double hashing. */
static inline uint64_t
tier_hash(uint32_t key, uint32_t tier)
{
	uint64_t	x = ((uint64_t) key << 8 | tier) * 0x9E3779B97F4A7C15ull;

	x ^= x >> 33;
	x *= 0xFF51AFD7ED558CCDull;
	x ^= x >> 33;
	x *= 0xC4CEB9FE1A85EC53ull;
	x ^= x >> 33;
	return x;
}

/* The j-th bit of (key, tier) in a filter of nbits bits. */
static inline uint32_t
tier_bit(uint64_t h, int j, uint32_t nbits)
{
	uint32_t	g = (uint32_t) h + (uint32_t) j * ((uint32_t) (h >> 32) | 1u);

	return (uint32_t) (((uint64_t) g * nbits) >> 32);
}

/* Put (key, tier) into the filter. */
static void
filter_add(uint8_t *bits, uint32_t nbits, int nhash, uint32_t key, uint32_t tier)
{
	uint64_t	h = tier_hash(key, tier);

	for (int j = 0; j < nhash; j++)
	{
		uint32_t	b = tier_bit(h, j, nbits);

		bits[b >> 3] |= (uint8_t) (1u << (b & 7));
	}
}

/* Whether (key, tier) may be in the filter (never 0 when it was put in). */
static int
filter_has(const uint8_t *bits, uint32_t nbits, int nhash, uint32_t key, uint32_t tier)
{
	uint64_t	h = tier_hash(key, tier);

	for (int j = 0; j < nhash; j++)
	{
		uint32_t	b = tier_bit(h, j, nbits);

		if (!(bits[b >> 3] & (1u << (b & 7))))
			return 0;
	}
	return 1;
}

/* How many (key, tier) entries counts below heavy_min give from first tier t0 on. */
static size_t
filter_entries(const uint32_t *counts, size_t n, uint32_t heavy_min, uint32_t t0)
{
	size_t		total = 0;

	for (size_t i = 0; i < n; i++)
	{
		uint32_t	c = counts[i];
		int			tiers = 0;

		if (c >= heavy_min)
			continue;
		for (uint32_t t = t0; t <= c && tiers < ZP_SKETCH_MAX_TIERS; t = tier_next(t))
			tiers++;
		total += tiers;
	}
	return total;
}

#define ZP_SKETCH_WORD_KEYS 64	/* pairs of Han characters given their word weight */
#define ZP_SKETCH_WORD_SCREEN 256	/* commonest pairs of Han characters looked at for cut words */
#define ZP_SKETCH_WORD_PROBE 8	/* occurrences of each looked at first */

/* Whether key is a pair of two Han characters of the BMP (written to out, 6 bytes). */
static int
han_pair(uint32_t key, char *out)
{
	uint32_t	a = key >> 16,
				b = key & 0xFFFFu;

	if (!zp_is_han(a) || !zp_is_han(b))
		return 0;
	zp_utf8_encode(a, out);
	zp_utf8_encode(b, out + 3);
	return 1;
}

/* qsort: ascending 64-bit values. */
static int
by_key64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *) a,
				y = *(const uint64_t *) b;

	return x < y ? -1 : x > y;
}

/*
 * The word weights of a document's pairs of two Han characters that cut words (of keys[0..n),
 * counts[0..n), sorted by key): of its ZP_SKETCH_WORD_SCREEN commonest such pairs, those whose
 * first ZP_SKETCH_WORD_PROBE occurrences are not all words get the tf' zp_rank_score counts for
 * that phrase (rounded up to a float), at most ZP_SKETCH_WORD_KEYS of them, the commonest first,
 * into wkeys (sorted) and wvals.  Returns how many, or -1 when memory is short.
 */
static int
sketch_weights(const ZpLexicon *lex, const ZpLexicon *user, const char *doc, size_t len, size_t lead_end,
			   const ZpRankParams *p, const ZpAllocator *mem, const uint32_t *keys, const uint32_t *counts,
			   size_t n, uint32_t *wkeys, float *wvals)
{
	uint64_t   *idx = mem->alloc(mem->ctx, (n + 1) * sizeof(uint64_t));
	uint64_t	found[ZP_SKETCH_WORD_KEYS];
	size_t		nh = 0;
	int			done = 0;
	ZpTokenizer tk;
	ZpLayout	plain = {0, 0};
	ZpRankParams probe = *p;
	char		pair[8];

	if (!idx)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (counts[i] >= 2 && han_pair(keys[i], pair))
			idx[nh++] = (uint64_t) (UINT32_MAX - counts[i]) << 32 | i;	/* commonest first */
	if (nh == 0)
	{
		mem->release(mem->ctx, idx);
		return 0;
	}
	qsort(idx, nh, sizeof(uint64_t), by_key64);
	if (nh > ZP_SKETCH_WORD_SCREEN)
		nh = ZP_SKETCH_WORD_SCREEN;
	if (zp_tokenizer_init_range(&tk, lex, user, doc, 0, len, &plain, mem) != 0)
	{
		mem->release(mem->ctx, idx);
		return -1;
	}
	probe.align_sample = ZP_SKETCH_WORD_PROBE;
	for (size_t j = 0; j < nh && done < ZP_SKETCH_WORD_KEYS; j++)
	{
		uint32_t	i = (uint32_t) idx[j];
		ZpRankTerm	term;
		ZpRankTermStats st;
		float		w;

		han_pair(keys[i], pair);
		term.s = pair;
		term.len = 6;
		term.weight = 1;
		memset(&st, 0, sizeof(st));
		count_phrase(&tk, doc, len, lead_end, &term, &probe, mem, &st, 0);
		if (st.words == st.checked)
			continue;			/* words as far as it was looked at: the counts bound it */
		memset(&st, 0, sizeof(st));
		count_phrase(&tk, doc, len, lead_end, &term, p, mem, &st, 0);
		w = (float) st.tf_weighted;
		if ((double) w < st.tf_weighted)
			w = nextafterf(w, INFINITY);
		/* key in the high half, the float's bits in the low half: sorted by key below */
		{
			uint32_t	wb;

			memcpy(&wb, &w, sizeof(wb));
			found[done++] = (uint64_t) keys[i] << 32 | wb;
		}
		zp_check(mem);
	}
	zp_tokenizer_free(&tk);
	mem->release(mem->ctx, idx);
	qsort(found, (size_t) done, sizeof(uint64_t), by_key64);
	for (int k = 0; k < done; k++)
	{
		uint32_t	wb = (uint32_t) found[k];

		wkeys[k] = (uint32_t) (found[k] >> 32);
		memcpy(&wvals[k], &wb, sizeof(float));
	}
	return done;
}

/*
 * A sketch's size: 1/12 of the document's, at least ZP_SKETCH_MIN_BYTES and at most
 * ZP_SKETCH_MAX_BYTES (which stays in the row, in one page, with STORAGE MAIN), header and
 * lead included.  Every key is listed with its count when they fit; else the commonest keys
 * get a quarter of the room, the buckets ZP_SKETCH_BUCKET_SHARE of the rest and the filter
 * what is left, with as many bits set an entry as its size makes best for false positives.
 */
/*
 * Distinct keys of sorted keys[0..n) with their counts, and after the pairs of each character
 * the character's own key (CHAR_KEY) with the sum of their counts, as the sketch counts them;
 * ukeys and ucounts need room for 2n + 1.  Returns how many.
 */
static size_t
count_keys(const uint32_t *keys, size_t n, uint32_t *ukeys, uint32_t *ucounts, ZpTicker *t)
{
	size_t		nu = 0;

	for (size_t i = 0; i < n;)
	{
		size_t		j = i;
		uint32_t	hi = keys[i] & 0xFFFF0000u,
					chars = 0;

		while (j < n && (keys[j] & 0xFFFF0000u) == hi)
		{
			size_t		r = j;

			while (r < n && keys[r] == keys[j])
				r++;
			ukeys[nu] = keys[j];
			ucounts[nu++] = (uint32_t) (r - j);
			chars += (uint32_t) (r - j);
			j = r;
			zp_tick(t);
		}
		if (ukeys[nu - 1] == CHAR_KEY(hi))
			ucounts[nu - 1] += chars;	/* the pair (c, U+FFFF) shares the key: the sum bounds both */
		else
		{
			ukeys[nu] = CHAR_KEY(hi);
			ucounts[nu++] = chars;
		}
		i = j;
	}
	return nu;
}

/* Sorted keys of text[0..len) counted by count_keys into fresh buffers; -1 when memory is short. */
static int
counted_keys(const char *text, size_t len, const ZpAllocator *mem, ZpTicker *t,
			 uint32_t **ukeys, uint32_t **ucounts, size_t *nu)
{
	uint32_t   *keys = mem->alloc(mem->ctx, (len + 1) * sizeof(uint32_t));
	size_t		n;

	*ukeys = *ucounts = NULL;
	*nu = 0;
	if (!keys)
		return -1;
	n = zp_bigram_text_keys(text, len, keys, mem);
	if (zp_bigram_sort(keys, n, mem) != 0)
	{
		mem->release(mem->ctx, keys);
		return -1;
	}
	*ukeys = mem->alloc(mem->ctx, (2 * n + 1) * sizeof(uint32_t));
	*ucounts = mem->alloc(mem->ctx, (2 * n + 1) * sizeof(uint32_t));
	if (!*ukeys || !*ucounts)
	{
		mem->release(mem->ctx, keys);
		return -1;
	}
	*nu = count_keys(keys, n, *ukeys, *ucounts, t);
	mem->release(mem->ctx, keys);
	return 0;
}

#define ZP_SKETCH_HEAVY_SHARE 1 / 8	/* of the room, for the commonest keys */
#define ZP_SKETCH_BUCKET_SHARE 0.2	/* of the room after the heavy keys */

int
zp_rank_sketch(const ZpLexicon *lex, const ZpLexicon *user, uint32_t lex_id,
			   const char *doc, size_t len, const ZpRankParams *p, const ZpAllocator *mem,
			   char **out, size_t *outlen)
{
	size_t		lead = lead_end_of(doc, len, p->lead_max);
	uint32_t   *ukeys = NULL,
			   *ucounts = NULL,
			   *sorted = NULL;
	size_t		nu = 0,
				i,
				kept = 0,
				nheavy = 0;
	uint32_t	cap = 0,
				nbits = 0,
				nbuckets = 0,
				heavy_min = 0,
				tier0 = 2,
				nhash = 1;
	ZpSketchHeader h;
	char	   *buf;
	uint8_t    *rows,
			   *bits;
	uint32_t	wkeys[ZP_SKETCH_WORD_KEYS];
	float		wvals[ZP_SKETCH_WORD_KEYS];
	size_t		nw = 0;
	ZpTicker	t;

	*out = NULL;
	zp_ticker_init(&t, mem);
	/* distinct pairs with their counts, and after the pairs of each character its own count */
	if (counted_keys(doc, len, mem, &t, &ukeys, &ucounts, &nu) != 0)
		goto oom;
	{
		size_t		budget = len / 12,
					avail;

		budget = budget < ZP_SKETCH_MIN_BYTES ? ZP_SKETCH_MIN_BYTES : budget > ZP_SKETCH_MAX_BYTES ? ZP_SKETCH_MAX_BYTES : budget;
		if (lex && lex_id != 0)
		{
			int			r = sketch_weights(lex, user, doc, len, lead, p, mem, ukeys, ucounts, nu, wkeys, wvals);

			if (r < 0)
				goto oom;
			nw = (size_t) r;
		}
		avail = budget - sizeof(h) - SKETCH_LEAD_SPACE(lead) - nw * 2 * sizeof(uint32_t);
		if (nu * 2 * sizeof(uint32_t) <= avail)
			nheavy = nu;		/* every key, exactly: nothing else occurs */
		else
		{
			size_t		entries = 0;

			nheavy = avail * ZP_SKETCH_HEAVY_SHARE / (2 * sizeof(uint32_t));
			/* heavy: the nheavy commonest keys (ties at the edge go to the filter) */
			sorted = mem->alloc(mem->ctx, nu * sizeof(uint32_t));
			if (!sorted)
				goto oom;
			memcpy(sorted, ucounts, nu * sizeof(uint32_t));
			if (zp_bigram_sort(sorted, nu, mem) != 0)
				goto oom;
			cap = sorted[nu - 1 - nheavy];
			heavy_min = cap + 1;
			mem->release(mem->ctx, sorted);
			sorted = NULL;
			{
				size_t		rest = avail - nheavy * 2 * sizeof(uint32_t);

				nbuckets = (uint32_t) (rest * ZP_SKETCH_BUCKET_SHARE / 2) & ~(uint32_t) 3;
				nbits = (uint32_t) ((rest - 2 * (size_t) nbuckets) * 8) & ~(uint32_t) 31;
			}
			entries = filter_entries(ucounts, nu, heavy_min, tier0);
			if (tier0 > cap || nbits == 0)
				nbits = 0;		/* no light key reaches a tier: cap bounds them all */
			else
			{
				double		per = entries ? (double) nbits / (double) entries : ZP_SKETCH_MAX_HASH;
				int			k = (int) (per * 0.6931 + 0.5);

				nhash = (uint32_t) (k < 1 ? 1 : k > ZP_SKETCH_MAX_HASH ? ZP_SKETCH_MAX_HASH : k);
			}
		}
	}
	*outlen = sketch_size(lead, nheavy, nw, nbuckets, nbits);
	buf = mem->alloc(mem->ctx, *outlen);
	if (!buf)
		goto oom;
	memset(buf, 0, *outlen);
	memcpy(buf + sizeof(h), doc, lead);
	{
		uint32_t   *okeys = (uint32_t *) (buf + sizeof(h) + SKETCH_LEAD_SPACE(lead));
		uint32_t   *ocounts = okeys + nheavy;

		memcpy(ocounts + nheavy, wkeys, nw * sizeof(uint32_t));
		memcpy(ocounts + nheavy + nw, wvals, nw * sizeof(float));
		rows = (uint8_t *) (ocounts + nheavy + 2 * nw);
		bits = rows + 2 * (size_t) nbuckets;
		for (i = 0; i < nu; i++)
		{
			if (ucounts[i] >= heavy_min && kept < nheavy)
			{
				okeys[kept] = ukeys[i];
				ocounts[kept++] = ucounts[i];
			}
			else
			{
				uint32_t	ti = 0;
				uint8_t		code = bucket_code(ucounts[i]);

				for (int r = 0; r < 2 && nbuckets > 0; r++)
				{
					uint8_t    *b = &rows[r * (size_t) nbuckets + bucket_of(ukeys[i], r, nbuckets)];

					if (*b < code)
						*b = code;
				}
				for (uint32_t th = tier0; nbits > 0 && th <= ucounts[i] && ti < ZP_SKETCH_MAX_TIERS; th = tier_next(th))
					filter_add(bits, nbits, (int) nhash, ukeys[i], ti++);
			}
			zp_tick(&t);
		}
	}
	memset(&h, 0, sizeof(h));
	h.magic = ZP_SKETCH_MAGIC;
	h.version = ZP_SKETCH_VERSION;
	h.dl = len;
	h.lead_len = (uint32_t) lead;
	h.nkeys = (uint32_t) kept;
	h.cap = cap;
	h.nbits = nbits;
	h.tier0 = tier0;
	h.nhash = nhash;
	h.nbuckets = nbuckets;
	h.nwords = (uint32_t) nw;
	h.lex_id = nw ? lex_id : 0;
	if (kept < nheavy)
	{
		/* fewer heavy keys than room for (ties): move the counts, word weights and filter up */
		char	   *kbase = buf + sizeof(h) + SKETCH_LEAD_SPACE(lead);

		memmove(kbase + kept * sizeof(uint32_t), kbase + nheavy * sizeof(uint32_t), kept * sizeof(uint32_t));
		memmove(kbase + 2 * kept * sizeof(uint32_t), kbase + 2 * nheavy * sizeof(uint32_t),
				2 * nw * sizeof(uint32_t) + 2 * (size_t) nbuckets + nbits / 8);
		*outlen = sketch_size(lead, kept, nw, nbuckets, nbits);
	}
	memcpy(buf, &h, sizeof(h));
	mem->release(mem->ctx, ukeys);
	mem->release(mem->ctx, ucounts);
	*out = buf;
	return 0;
oom:
	if (ukeys)
		mem->release(mem->ctx, ukeys);
	if (ucounts)
		mem->release(mem->ctx, ucounts);
	if (sorted)
		mem->release(mem->ctx, sorted);
	return -1;
}

int
zp_rank_sketch_valid(const char *buf, size_t len)
{
	ZpSketchHeader h;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, buf, sizeof(h));
	return h.magic == ZP_SKETCH_MAGIC && h.version == ZP_SKETCH_VERSION &&
		h.lead_len <= len && h.nkeys <= len && h.nbits / 8 <= len && h.nbits % 32 == 0 &&
		h.nbuckets <= len && h.nbuckets % 4 == 0 && h.nwords <= ZP_SKETCH_WORD_KEYS &&
		(h.nwords == 0) == (h.lex_id == 0) &&
		h.tier0 >= 2 && h.nhash >= 1 && h.nhash <= ZP_SKETCH_MAX_HASH &&
		len == sketch_size(h.lead_len, h.nkeys, h.nwords, h.nbuckets, h.nbits);
}

int
zp_rank_sketch_version(const char *buf, size_t len)
{
	uint32_t	w[2];

	if (len < sizeof(w))
		return 0;
	memcpy(w, buf, sizeof(w));
	return w[0] == ZP_SKETCH_MAGIC && w[1] > 0 && w[1] < 1000 ? (int) w[1] : 0;
}

int
zp_rank_bound_prepare(const ZpRankTerm *terms, int n, const ZpAllocator *mem, ZpRankBoundTerm *out)
{
	for (int i = 0; i < n; i++)
	{
		ZpBigramQuery q;

		out[i].keys = NULL;
		out[i].nkeys = 0;
		if (zp_bigram_query(terms[i].s, terms[i].len, ZP_BIGRAM_SUBSTRING, mem, &q) != 0)
			return -1;
		if (q.prefix && q.nkeys == 1)
			q.keys[0] = CHAR_KEY(q.keys[0] & 0xFFFF0000u);	/* one character: its own count */
		out[i].keys = q.keys;
		out[i].nkeys = q.nkeys;
		out[i].pair = 0;
		if (q.nkeys == 1 && !q.prefix && terms[i].len == 6)
		{
			char		pair[8];

			if (han_pair(q.keys[0], pair) && memcmp(pair, terms[i].s, 6) == 0)
				out[i].pair = q.keys[0];	/* exactly two Han characters: a word weight may be known */
		}
	}
	return 0;
}

/*
 * The count a sketch gives key: listed exactly, else the smaller of its two buckets and of the
 * count below the first tier it misses (at most cap).
 */
static uint32_t
sketch_count(const ZpSketchHeader *h, const uint32_t *keys, const uint32_t *counts, const uint8_t *rows,
			 const uint8_t *bits, uint32_t key)
{
	size_t		lo = 0,
				hi = h->nkeys;
	uint32_t	th = h->tier0,
				ti = 0,
				m = h->cap;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < h->nkeys && keys[lo] == key)
		return counts[lo];
	if (h->nbuckets > 0)
	{
		uint32_t	a = bucket_decode(rows[bucket_of(key, 0, h->nbuckets)], h->cap),
					b = bucket_decode(rows[h->nbuckets + bucket_of(key, 1, h->nbuckets)], h->cap);

		m = a < b ? a : b;
	}
	if (h->nbits == 0)
		return m;
	for (; th <= m && ti < ZP_SKETCH_MAX_TIERS; th = tier_next(th))
		if (!filter_has(bits, h->nbits, (int) h->nhash, key, ti++))
			return th - 1;
	return m;
}

/* FNV-1a over len bytes, on from h. */
static uint32_t
fnv1a(uint32_t h, const void *data, size_t len)
{
	const unsigned char *c = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ c[i]) * 16777619u;
	return h;
}

uint32_t
zp_rank_lexicon_id(const ZpLexicon *lex, const ZpLexicon *user)
{
	uint32_t	h = 2166136261u;

	if (lex && lex->hdr)
		h = fnv1a(h, lex->hdr, sizeof(ZpLexHeader));
	h = fnv1a(h, "|", 1);
	if (user && user->hdr)
		h = fnv1a(h, user->hdr, (size_t) user->hdr->file_size);
	return h ? h : 1;
}

/* The word weight a sketch holds for a pair (wkeys[nwords], then their weights), or -1. */
static double
sketch_weight(const ZpSketchHeader *h, const uint32_t *wkeys, uint32_t key)
{
	size_t		lo = 0,
				hi = h->nwords;
	float		w;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (wkeys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= h->nwords || wkeys[lo] != key)
		return -1;
	memcpy(&w, wkeys + h->nwords + lo, sizeof(float));
	return w;
}

double
zp_rank_bound(const char *sk, const ZpRankTerm *terms, const ZpRankBoundTerm *bterms,
			  int nterms, const ZpRankParams *p, uint32_t lex_id)
{
	ZpSketchHeader h;
	const char *lead;
	const uint32_t *keys,
			   *counts;
	const uint8_t *rows,
			   *bits;
	double		norm,
				total = 0;

	memcpy(&h, sk, sizeof(h));
	lead = sk + sizeof(h);
	keys = (const uint32_t *) (sk + sizeof(h) + SKETCH_LEAD_SPACE((size_t) h.lead_len));
	counts = keys + h.nkeys;
	rows = (const uint8_t *) (counts + h.nkeys + 2 * (size_t) h.nwords);
	bits = rows + 2 * (size_t) h.nbuckets;
	norm = p->avg_len > 0 ? 1 - p->b + p->b * (double) h.dl / p->avg_len : 1;
	for (int i = 0; i < nterms; i++)
	{
		double		tf,
					in_lead,
					x;

		if (terms[i].len == 0 || terms[i].weight <= 0)
			continue;
		if (bterms[i].pair && h.lex_id != 0 && h.lex_id == lex_id &&
			(x = sketch_weight(&h, counts + h.nkeys, bterms[i].pair)) >= 0)
		{
			/* the phrase's tf' itself */
			if (x > 0)
				total += terms[i].weight * x * (p->k1 + 1) / (x + p->k1 * norm);
			continue;
		}
		if (bterms[i].nkeys == 0)
			tf = (double) h.dl / (double) terms[i].len;	/* no key: every possible place */
		else
		{
			uint32_t	m = UINT32_MAX;

			for (size_t j = 0; j < bterms[i].nkeys; j++)
			{
				uint32_t	c = sketch_count(&h, keys, counts, rows, bits, bterms[i].keys[j]);

				m = c < m ? c : m;
			}
			tf = m;
		}
		if (tf <= 0)
			continue;
		in_lead = (double) zp_rank_count(lead, h.lead_len, terms[i].s, terms[i].len, NULL);
		in_lead = in_lead < tf ? in_lead : tf;
		x = tf + (p->title_boost - 1) * in_lead;
		total += terms[i].weight * x * (p->k1 + 1) / (x + p->k1 * norm);
	}
	return total;
}

/* ---------------------------------------------------------------- tier keys */

double
zp_rank_tier_threshold(int j)
{
	/* 2^(j/2): tiers a factor of sqrt 2 apart */
	return j <= 0 ? 1.0 : ldexp(j % 2 ? 1.4142135623730951 : 1.0, j / 2);
}

uint32_t
zp_rank_tier_key(uint32_t key, int j)
{
	/* a 32-bit mix of the key and its tier: a collision only lists a row at a tier it lacks */
	uint64_t	h = ((uint64_t) key << 8 | (uint32_t) (j + 1)) * 0x9E3779B97F4A7C15ull;

	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ull;
	h ^= h >> 32;
	return (uint32_t) h;
}

double
zp_rank_part_bound(double w, double y, const ZpRankParams *p)
{
	if (w <= 0 || y == 0)
		return 0;
	if (y < 0)
		return w * (p->k1 + 1);
	return w * y * (p->k1 + 1) / (y + p->k1);
}

int
zp_rank_tiers(const char *doc, size_t len, const ZpRankParams *p, const ZpAllocator *mem,
			  uint32_t **out, size_t *nout)
{
	size_t		lead = lead_end_of(doc, len, p->lead_max);
	uint32_t   *ukeys = NULL,
			   *ucounts = NULL,
			   *lkeys = NULL,
			   *lcounts = NULL,
			   *res = NULL;
	size_t		nu = 0,
				nl = 0,
				li = 0,
				nres = 0,
				room = 0;
	double		norm = 1 - p->b + p->b * (double) len / ZP_TIER_REF_LEN;
	double		thr[ZP_TIER_COUNT];
	ZpTicker	t;

	*out = NULL;
	*nout = 0;
	zp_ticker_init(&t, mem);
	for (int j = 0; j < ZP_TIER_COUNT; j++)
		thr[j] = zp_rank_tier_threshold(j) * norm;	/* boosted counts a tier needs in this row */
	if (counted_keys(doc, len, mem, &t, &ukeys, &ucounts, &nu) != 0 ||
		(lead > 0 && counted_keys(doc, lead, mem, &t, &lkeys, &lcounts, &nl) != 0))
		goto oom;
	for (size_t i = 0; i < nu; i++)
	{
		double		c = ucounts[i];
		int			tiers = 0;

		while (li < nl && lkeys[li] < ukeys[i])
			li++;
		if (li < nl && lkeys[li] == ukeys[i])
			c += (p->title_boost - 1) * (lcounts[li] < ucounts[i] ? lcounts[li] : ucounts[i]);
		while (tiers < ZP_TIER_COUNT && thr[tiers] <= c)
			tiers++;
		if (nres + (size_t) tiers > room)
		{
			size_t		nroom = room ? 2 * room : 1024;
			uint32_t   *r;

			while (nroom < nres + (size_t) tiers)
				nroom *= 2;
			r = mem->alloc(mem->ctx, nroom * sizeof(uint32_t));
			if (!r)
				goto oom;
			if (res)
			{
				memcpy(r, res, nres * sizeof(uint32_t));
				mem->release(mem->ctx, res);
			}
			res = r;
			room = nroom;
		}
		for (int j = 0; j < tiers; j++)
			res[nres++] = zp_rank_tier_key(ukeys[i], j);
		zp_tick(&t);
	}
	if (nres > 0 && (nres = zp_bigram_sort_unique(res, nres, mem)) == SIZE_MAX)
		goto oom;
	mem->release(mem->ctx, ukeys);
	mem->release(mem->ctx, ucounts);
	if (lkeys)
	{
		mem->release(mem->ctx, lkeys);
		mem->release(mem->ctx, lcounts);
	}
	*out = res;
	*nout = nres;
	return 0;
oom:
	if (ukeys)
		mem->release(mem->ctx, ukeys);
	if (ucounts)
		mem->release(mem->ctx, ucounts);
	if (lkeys)
		mem->release(mem->ctx, lkeys);
	if (lcounts)
		mem->release(mem->ctx, lcounts);
	if (res)
		mem->release(mem->ctx, res);
	return -1;
}
