/*
 * zp_tokenizer.h — splitting Chinese policy text into typed tokens.
 *
 * The tokenizer covers every byte of its input with tokens, in order, so that
 * ts_headline can rebuild the text exactly.  Han runs are segmented into
 * words by the most probable path through the lexicon's word lattice; runs of
 * characters the lexicon leaves as single characters go through the HMM
 * character tagger.  Everything else (Latin words, numbers, quantities,
 * dates, URLs, e-mail, markdown images, punctuation) is recognised by small
 * scanners.  A Han run may continue across a hard line wrap or across the
 * spaces of a spaced-out title; such a token's text then holds that white
 * space, and the dictionary removes it from the lexeme.
 */
#ifndef ZP_TOKENIZER_H
#define ZP_TOKENIZER_H

#include <stddef.h>
#include <stdint.h>

#include "zp_alloc.h"
#include "zp_layout.h"
#include "zp_lexicon.h"

/*
 * Token types.  Where a meaning overlaps PostgreSQL's default parser we use
 * its id (1 asciiword, 2 word, 3 numword, 4 email, 5 url, 6 host, 12 blank,
 * 13 tag), because prsd_headline, which we use for ts_headline, decides by
 * id what is a space (12), what is markup to drop (13) and what to skip
 * (15-18, which we therefore never use).
 */
typedef enum ZpTokenType
{
	ZP_TOK_ASCIIWORD = 1,		/* Latin letters: UNGGE */
	ZP_TOK_WORD = 2,			/* Chinese word in the lexicon: 网络 */
	ZP_TOK_NUMWORD = 3,			/* letters and digits: IPv6, 5G */
	ZP_TOK_EMAIL = 4,			/* e-mail address */
	ZP_TOK_URL = 5,				/* http(s)/ftp/www URL */
	ZP_TOK_HOST = 6,			/* host name: www.gov.cn */
	ZP_TOK_NUM = 7,				/* decimal, percentage, dotted number: 39.8% */
	ZP_TOK_QUANTITY = 8,		/* number with a Chinese magnitude: 470.5万, 2.06万亿 */
	ZP_TOK_DATE = 9,			/* 2023年11月8日, 2024-05-01, 11月28日 */
	ZP_TOK_TIME = 10,			/* 09:11 */
	ZP_TOK_OOV = 11,			/* Chinese word not in the lexicon */
	ZP_TOK_BLANK = 12,			/* spaces and punctuation */
	ZP_TOK_IMAGE = 13,			/* markdown image ![alt](url): not indexed */
	ZP_TOK_FOREIGN = 14,		/* words in other scripts: kana, hangul, Cyrillic, é */
	ZP_TOK_BLOB = 19,			/* over-long run of letters or digits: not indexed */
	ZP_TOK_INT = 20,			/* integer: 2035 */
	ZP_TOK_DOCNUM = 21,			/* document number: 国发〔2023〕5号 */
	ZP_TOK_ORDINAL = 22			/* ordinal in digits: 第18 */
} ZpTokenType;

#define ZP_TOK_MAX_ID 22

/* One row of the token-type table. */
typedef struct ZpTokenTypeInfo
{
	int			id;
	const char *alias;
	const char *description;
	int			indexed;		/* mapped to a dictionary by the zhpolicy configuration */
} ZpTokenTypeInfo;

extern const ZpTokenTypeInfo zp_token_types[];
extern const int zp_n_token_types;

/* A token: a type and a byte range of the input. */
typedef struct ZpToken
{
	int			type;
	size_t		start;
	size_t		len;
} ZpToken;

/* Longest Han run segmented at once; longer runs are cut into pieces. */
#define ZP_CHUNK_CHARS 1024
/* No token is longer than this many bytes (PostgreSQL refuses words of 2047). */
#define ZP_MAX_TOKEN_BYTES 1024
/* A Latin, digit or foreign run longer than this is a blob, not a word. */
#define ZP_MAX_WORD_BYTES 128
/* How far the scanners of Latin text look ahead (longer than any URL we keep). */
#define ZP_SCAN_WINDOW 4096
/* How far a markdown image ![alt](target) may reach, and how deep its target may nest parentheses. */
#define ZP_IMAGE_MAX_BYTES 8192
#define ZP_IMAGE_MAX_DEPTH 32

/*
 * What the scanners of Latin text learnt about the text ahead, so that no
 * scan walks the same bytes again from a later token start (a run of 'a.'
 * would otherwise cost a window's walk per token).  Facts about the text, not
 * about a token: valid until the range is reset.
 */
typedef struct ZpHostWalk
{
	size_t		from;			/* a dotted host walk that began at from */
	size_t		pos;			/* has reached pos (from > pos: no walk) */
	size_t		label;			/* start of its last label */
	int			alpha;			/* that label is all letters so far */
	int			done;			/* the walk has ended at pos */
} ZpHostWalk;

typedef struct ZpScanMemo
{
	size_t		email_from;		/* [email_from, email_end) are e-mail local-part characters, */
	size_t		email_end;		/* and email_end is none (or was the window's end) */
	size_t		alnum_from;		/* [alnum_from, alnum_end) are letters and digits, */
	size_t		alnum_end;		/* alnum_end is none (or was the window's end); */
	size_t		alnum_letter;	/* the last letter and the last digit among them, + 1 (0 = none) */
	size_t		alnum_digit;
	ZpHostWalk	host[2];		/* the walk from a token start, and the one after an '@' */
	size_t		close_from;		/* no ']' or '\n' in [close_from, close_pos); */
	size_t		close_pos;		/* one is at close_pos when close_found */
	int			close_found;
	size_t		target_from;	/* the walk of an image target from target_from */
	size_t		target_pos;		/* has reached target_pos at depth target_depth; */
	int			target_depth;
	int			target_stop;	/* it has ended, at the target's end (target_end) or not */
	size_t		target_end;		/* end of the target found, or 0 */
} ZpScanMemo;

typedef struct ZpTokenizer
{
	const ZpLexicon *lex;
	const ZpLexicon *user;		/* user words (compact, in memory), or NULL */
	const unsigned char *text;
	size_t		len;
	size_t		pos;
	ZpLayout	layout;
	ZpAllocator mem;
	size_t		cap;			/* capacity of the chunk buffers, in characters */
	uint32_t   *cps;
	size_t	   *offs;
	uint8_t    *clen;
	float	   *best;
	int32_t    *next;
	uint8_t    *split;			/* fine-grained split point of the lexicon word chosen at i */
	double	   *viterbi;		/* 4 per character */
	uint8_t    *back;			/* 4 per character */
	ZpToken    *queue;
	size_t		qhead;
	size_t		qcount;
	int			compounds;		/* 1: dictionary compounds stay whole (no fine-grained split) */
	size_t		number_end;		/* end of the last number token handed out (0 = none) */
	size_t		check_at;		/* call mem.check when pos reaches this */
	ZpScanMemo	memo;
} ZpTokenizer;

/*
 * Prepare to tokenize text with a lexicon and, optionally, a lexicon of user
 * words consulted alongside it; returns 0, or -1 if memory could not be had.
 */
int			zp_tokenizer_init(ZpTokenizer *tk, const ZpLexicon *lex, const ZpLexicon *user,
							  const char *text, size_t len, const ZpAllocator *mem);

/*
 * Tokenize only text[start, end) of a larger text whose layout is known (the
 * tokens are those a whole-text parse gives there when start begins a run).
 */
int			zp_tokenizer_init_range(ZpTokenizer *tk, const ZpLexicon *lex, const ZpLexicon *user,
									const char *text, size_t start, size_t end,
									const ZpLayout *layout, const ZpAllocator *mem);

/*
 * Point an initialised tokenizer at another range [start, end) of the same
 * text, keeping its buffers (end - start must not exceed what it was set up for
 * unless the buffers hold ZP_CHUNK_CHARS characters).
 */
void		zp_tokenizer_reset_range(ZpTokenizer *tk, size_t start, size_t end);

/*
 * Log probability of the best segmentation of a run of Han characters with
 * lex alone (what a user word must beat to stay whole); 0 for empty text.
 */
float		zp_best_path_logp(const ZpLexicon *lex, const char *word, size_t len);

/*
 * Next token; returns 1, or 0 at the end of the text.  Calls mem.check once per
 * ZP_CHECK_BYTES of text; a cancelled tokenizer holds only buffers from mem.
 */
int			zp_tokenizer_next(ZpTokenizer *tk, ZpToken *tok);

/* Release the tokenizer's buffers; a second call does nothing. */
void		zp_tokenizer_free(ZpTokenizer *tk);

/* Alias of a token type, or NULL. */
const char *zp_token_type_alias(int type);

#endif							/* ZP_TOKENIZER_H */
