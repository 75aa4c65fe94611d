/*
 * zp_rank.h — relevance of a document to a query of phrases (zhpolicy.rank).
 *
 * BM25 over exact phrase occurrences, with three additions for Chinese policy text:
 *
 *   score = sum over phrases t of  weight_t * tf'(k1 + 1) / (tf' + k1 (1 - b + b dl / avg_len))
 *
 * - tf' counts the non-overlapping occurrences of t (bytes, as strpos finds them), each
 *   occurrence weighted: 1 when it starts and ends at word boundaries of the segmentation
 *   around it (网络 in 网络|安全), cross_weight when it cuts a word (网络 inside 互联网|络 or
 *   中国 inside 中|国家); occurrences in the title, or in the lead (the document's first
 *   line, when it is at most lead_max bytes long), count title_boost times.
 * - weight_t is supplied by the caller: idf times a weight of the phrase itself (a
 *   lexicon word above a run of single characters), see zhpolicy.rank_query.
 * - dl is the document's length in bytes (what PostgreSQL knows of a stored value without
 *   reading it), avg_len the table's mean; avg_len <= 0 turns length normalisation off.
 *
 * The segmentation of a document is not computed as a whole (that would cost far more
 * than counting): each occurrence is checked by segmenting a window of ZP_RANK_WINDOW
 * characters on either side.  Only the first align_sample occurrences of a phrase are
 * checked; the rest take the proportion of word occurrences among them (exact whenever a
 * phrase occurs at most align_sample times; BM25's tf saturates long before).
 * No PostgreSQL headers.
 */
#ifndef ZP_RANK_H
#define ZP_RANK_H

#include <stddef.h>
#include <stdint.h>

#include "zp_alloc.h"
#include "zp_lexicon.h"

/* Characters segmented on either side of an occurrence to see whether it is a word. */
#define ZP_RANK_WINDOW 12

/* A phrase of the query and its weight (idf times its word weight). */
typedef struct ZpRankTerm
{
	const char *s;
	size_t		len;
	double		weight;
} ZpRankTerm;

/* The constants of the formula. */
typedef struct ZpRankParams
{
	double		k1;				/* tf saturation (1.2) */
	double		b;				/* length normalisation (0.75) */
	double		avg_len;		/* mean document length in bytes; <= 0: no normalisation */
	double		title_boost;	/* an occurrence in the title or lead counts this many times (3) */
	double		cross_weight;	/* an occurrence that cuts a word counts this much (0.5) */
	size_t		lead_max;		/* the first line is the lead when it is at most this many bytes */
	int			align_sample;	/* occurrences of a phrase checked against the segmentation */
} ZpRankParams;

/* The defaults of zhpolicy.rank. */
extern const ZpRankParams zp_rank_defaults;

/* What was counted for one phrase in one document. */
typedef struct ZpRankTermStats
{
	size_t		tf;				/* occurrences in the document (title included) */
	size_t		in_title;		/* of which in the title or lead */
	size_t		checked;		/* of which checked against the segmentation */
	size_t		words;			/* of which were words */
	double		tf_weighted;	/* tf' */
	double		score;			/* the phrase's part of the score */
} ZpRankTermStats;

/*
 * Score doc (len bytes) against terms; title may be NULL (then the lead is used).
 * stats, when not NULL, receives nterms entries.  Returns 0, or -1 when memory is
 * short.  Calls mem's cancel check as it goes; a cancel leaves only memory from mem.
 */
extern int	zp_rank_score(const ZpLexicon *lex, const ZpLexicon *user,
						  const char *doc, size_t len, const char *title, size_t tlen,
						  const ZpRankTerm *terms, int nterms, const ZpRankParams *params,
						  const ZpAllocator *mem, double *score, ZpRankTermStats *stats);

/*
 * Number of non-overlapping occurrences of needle in hay (0 for an empty needle),
 * as zhpolicy.occurrences counts them.
 */
extern size_t zp_rank_count(const char *hay, size_t len, const char *needle, size_t nlen,
							const ZpAllocator *mem);

/*
 * How much a phrase is made of words: the share of its Han characters that belong to
 * lexicon words (user words included) of two or more characters when the phrase is
 * segmented alone (a run the lexicon does not know, such as 间命 or a name the HMM
 * joined, is not); 1 for a phrase without Han characters.  Returns -1 when memory is short.
 */
extern double zp_rank_word_share(const ZpLexicon *lex, const ZpLexicon *user,
								 const char *s, size_t len, const ZpAllocator *mem);

/*
 * Tier keys: sorted access to rows by how often they hold a key, through a GIN index on
 * zhpolicy.rank_tiers(body) beside the text index.  For every key of a document (a pair or a
 * character, as the sketch counts them) with count c, of which c_lead in the lead, the document
 * gets zp_rank_tier_key(key, j) for every tier j with zp_rank_tier_threshold(j) <= v, where
 * v = (c + (title_boost - 1) c_lead) / (1 - b + b dl / ZP_TIER_REF_LEN).  A phrase's tf' is at most
 * the boosted count of each of its keys, so a row the index does not list at tier j for every key
 * of a phrase has tf' / (1 - b + b dl / avg_len) below zp_rank_tier_threshold(j) times
 * max(1, avg_len / ZP_TIER_REF_LEN): zp_rank_part_bound of that bounds its part of the score.
 */
#define ZP_TIER_COUNT 32			/* tiers 0 .. 31: thresholds 1, 1.41, 2, ... 46341 */
#define ZP_TIER_REF_LEN 32768.0	/* the length (bytes) counts are normalised to */

/* The count (normalised as above) a row reaches at tier j (0 <= j < ZP_TIER_COUNT). */
extern double zp_rank_tier_threshold(int j);

/* The index key of (key, tier j). */
extern uint32_t zp_rank_tier_key(uint32_t key, int j);

/*
 * The tier keys of doc (len bytes), sorted and distinct, into a buffer from mem (*out, *n);
 * 0, or -1 when memory is short.  Uses params' b, title_boost and lead_max.
 */
extern int	zp_rank_tiers(const char *doc, size_t len, const ZpRankParams *params, const ZpAllocator *mem,
						  uint32_t **out, size_t *n);

/*
 * The most a phrase of weight w adds to a score when its tf' / (1 - b + b dl / avg_len) is at
 * most y (y < 0: no bound, the saturation w (k1 + 1)).
 */
extern double zp_rank_part_bound(double w, double y, const ZpRankParams *params);


/*
 * Upper bounds without reading a document: its rank sketch.
 *
 * A sketch (zhpolicy.rank_sketch, kept in a column beside the text) holds the document's
 * length, its lead, and the counts of the keys of the text index (pairs of adjacent folded
 * characters, zp_bigram.h) and of its characters: all of them exactly when they fit, else the
 * commonest exactly and the others in a Bloom filter by tiers of counts (2, 3, 4, 5, 6, 7, 8,
 * 10, 12, 15, ..., a quarter more each): a key is in the filter once for each tier it reaches,
 * so the first tier it misses bounds its count, within a tier's width and a false positive or
 * two.  A phrase occurs (without overlaps) at most as often as each of its pairs, so the sketch
 * bounds tf, hence the BM25 score: zhpolicy.rank_top scores documents exactly in the order of
 * their bounds and stops when the k-th exact score reaches the next bound, which gives the
 * exact top k after reading few rows.
 */
#define ZP_SKETCH_MAGIC 0x4B53505Au	/* "ZPSK" */
#define ZP_SKETCH_VERSION 3

/* A sketch takes 1/12 of its document's size, between these two (header and lead included). */
#define ZP_SKETCH_MIN_BYTES 1536
#define ZP_SKETCH_MAX_BYTES 32768

/*
 * The sketch of doc (len bytes) into a buffer from mem (*out, *outlen); 0, or -1 when memory is
 * short.  With lex (and user, which may be NULL) and their lex_id (zp_rank_lexicon_id), the
 * commonest pairs of two Han characters also get their word weights; lex NULL: counts only.
 */
extern int	zp_rank_sketch(const ZpLexicon *lex, const ZpLexicon *user, uint32_t lex_id,
						   const char *doc, size_t len, const ZpRankParams *params, const ZpAllocator *mem,
						   char **out, size_t *outlen);

/* An id of the lexicons (never 0): a sketch's word weights hold only under the same id. */
extern uint32_t zp_rank_lexicon_id(const ZpLexicon *lex, const ZpLexicon *user);

/* Whether buf holds a sketch this version reads. */
extern int	zp_rank_sketch_valid(const char *buf, size_t len);

/* The version of the sketch in buf (ZP_SKETCH_VERSION or an older one), or 0 when buf holds none. */
extern int	zp_rank_sketch_version(const char *buf, size_t len);

/* A phrase prepared for bounds: its keys (sorted) and, for one character, its character key. */
typedef struct ZpRankBoundTerm
{
	uint32_t   *keys;
	size_t		nkeys;			/* 0: no bound (an empty phrase, or only breaks) */
	uint32_t	pair;			/* the key of a phrase of exactly two Han characters, else 0 */
} ZpRankBoundTerm;

/* Prepare terms[0..n) for bounds into out[0..n); 0, or -1 when memory is short. */
extern int	zp_rank_bound_prepare(const ZpRankTerm *terms, int n, const ZpAllocator *mem, ZpRankBoundTerm *out);

/*
 * An upper bound of zp_rank_score(lexicons of lex_id, doc, NULL title, terms) from doc's sketch
 * (which must be valid); never below the exact score.
 */
extern double zp_rank_bound(const char *sketch, const ZpRankTerm *terms,
							const ZpRankBoundTerm *bterms, int nterms, const ZpRankParams *params,
							uint32_t lex_id);

#endif							/* ZP_RANK_H */
