/*
 * dict.c — the zhpolicy dictionary template: token to lexeme, with stop words.
 *
 * Options: StopWords = name of a file NAME.stop in $SHAREDIR/tsearch_data
 * (default none); Simplify = Traditional to Simplified Chinese (default true);
 * Fold = Unicode NFKC and case folding (default true); Chars = also index each
 * character of a Chinese word (default true).  The dictionary recognises
 * every token: it is meant to be the last (or only) dictionary of a mapping,
 * like simple.
 *
 * Chars is what makes a search find every text that LIKE '%词%' finds.  A word
 * of n Chinese characters gives n + 1 lexemes: the word and its first
 * character at the word's position, then each further character one position
 * on (TSL_ADDPOS).  A token that holds Chinese characters or digits among
 * other characters (2023年11月8日, 470.5万, IPv6) is split the same way, each
 * digit and each run of other characters being one piece (2, 0, 2, 3, 年, 1,
 * 1, 月, 8, 日; ipv, 6), so 11月, and 1月 inside it, find it as LIKE does.
 * Positions are thus those of characters, so a phrase of
 * characters matches exactly where the characters stand side by side, whatever
 * the words: 共同体 is found inside 命运共同体, 间命 across 网络空间|命运.  On
 * the query side to_tsquery turns the same lexemes into (共同体 | 共) <-> 同 <-> 体:
 * the word and its first character are variants of one position.
 *
 * The template zhpolicy_gap gives no lexeme but takes a position (like a stop
 * word); the configuration maps spaces and punctuation to it, so a phrase of
 * characters never matches across punctuation.
 */
#include "zhpolicy.h"

#include "commands/defrem.h"
#include "fmgr.h"
#include "tsearch/ts_locale.h"
#include "tsearch/ts_public.h"
#include "zp_normalize.h"
#include "zp_text.h"

PG_FUNCTION_INFO_V1(zhpolicy_dict_init);
PG_FUNCTION_INFO_V1(zhpolicy_dict_lexize);
PG_FUNCTION_INFO_V1(zhpolicy_gap_lexize);


/*
 * A dictionary's state, in the dictionary's own memory context.  Stop words
 * are kept in an open-addressing hash set: lexize runs once per token, and a
 * binary search with strcmp over the list showed up in profiles.
 */
typedef struct ZhpolicyDict
{
	char	  **stop_slots;		/* NULL = empty */
	uint32		stop_mask;		/* slots - 1, or 0 when there are no stop words */
	int			norm_flags;		/* ZP_NORM_* */
	bool		chars;			/* also one lexeme per Chinese character */
} ZhpolicyDict;

/* FNV-1a hash of a byte string. */
static inline uint32
stop_hash(const char *s, size_t len)
{
	uint32		h = 2166136261u;
	size_t		i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char) s[i]) * 16777619u;
	return h;
}

/* Build the hash set of a stop list. */
static void
build_stop_set(ZhpolicyDict *d, StopList *list)
{
	uint32		size = 16;
	int			i;

	if (list->len == 0)
		return;
	while (size < (uint32) list->len * 2)
		size *= 2;
	d->stop_slots = palloc0(sizeof(char *) * size);
	d->stop_mask = size - 1;
	for (i = 0; i < list->len; i++)
	{
		char	   *w = list->stop[i];
		uint32		h = stop_hash(w, strlen(w)) & d->stop_mask;

		while (d->stop_slots[h] != NULL && strcmp(d->stop_slots[h], w) != 0)
			h = (h + 1) & d->stop_mask;
		d->stop_slots[h] = w;
	}
}

/* Is word (len bytes, NUL-terminated) a stop word? */
static inline bool
is_stop_word(const ZhpolicyDict *d, const char *word, size_t len)
{
	uint32		h;

	if (d->stop_mask == 0)
		return false;
	h = stop_hash(word, len) & d->stop_mask;
	while (d->stop_slots[h] != NULL)
	{
		if (strcmp(d->stop_slots[h], word) == 0)
			return true;
		h = (h + 1) & d->stop_mask;
	}
	return false;
}

/* Parse the dictionary's options; unknown ones are an error. */
Datum
zhpolicy_dict_init(PG_FUNCTION_ARGS)
{
	List	   *options = (List *) PG_GETARG_POINTER(0);
	ZhpolicyDict *d = palloc0(sizeof(ZhpolicyDict));
	bool		stoploaded = false;
	ListCell   *l;

	d->norm_flags = ZP_NORM_SIMPLIFY | ZP_NORM_FOLD;
	d->chars = true;

	foreach(l, options)
	{
		DefElem    *defel = (DefElem *) lfirst(l);

		if (strcmp(defel->defname, "stopwords") == 0)
		{
			StopList	list;

			if (stoploaded)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("multiple StopWords parameters")));
			readstoplist(defGetString(defel), &list, NULL);
			build_stop_set(d, &list);
			stoploaded = true;
		}
		else if (strcmp(defel->defname, "simplify") == 0)
		{
			if (defGetBoolean(defel))
				d->norm_flags |= ZP_NORM_SIMPLIFY;
			else
				d->norm_flags &= ~ZP_NORM_SIMPLIFY;
		}
		else if (strcmp(defel->defname, "chars") == 0)
			d->chars = defGetBoolean(defel);
		else if (strcmp(defel->defname, "fold") == 0)
		{
			if (defGetBoolean(defel))
				d->norm_flags |= ZP_NORM_FOLD;
			else
				d->norm_flags &= ~ZP_NORM_FOLD;
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unrecognized zhpolicy dictionary parameter: \"%s\"", defel->defname),
					 errhint("The zhpolicy dictionary accepts StopWords, Simplify, Fold and Chars.")));
	}
	PG_RETURN_POINTER(d);
}

size_t
zhpolicy_dict_normalize(const void *dict_data, const char *in, size_t len, char *word,
						size_t *starts, size_t *ends, size_t *npieces)
{
	const ZhpolicyDict *d = (const ZhpolicyDict *) dict_data;
	const ZpLexicon *lex = (d->norm_flags & ZP_NORM_SIMPLIFY) ? zhpolicy_lexicon() : NULL;
	size_t		n = zp_normalize_token(in, len, word, lex, d->norm_flags, &zhpolicy_palloc_allocator);

	word[n] = '\0';
	*npieces = 0;
	if (n == 0 || is_stop_word(d, word, n))
		return 0;
	if (d->chars)
	{
		size_t		k = zp_index_pieces(word, n, starts, ends, ZHPOLICY_MAX_CHARS);

		if (k >= 2)				/* a Han character or a digit among other characters */
			*npieces = k;
	}
	return n;
}

/* Normalise a token; a stop word or a token of nothing but white space gives no lexeme. */
Datum
zhpolicy_dict_lexize(PG_FUNCTION_ARGS)
{
	void	   *d = PG_GETARG_POINTER(0);
	char	   *in = (char *) PG_GETARG_POINTER(1);
	int32		len = PG_GETARG_INT32(2);
	char	   *word = palloc(ZP_NORM_OUT_SIZE((size_t) len) + 1);
	size_t		starts[ZHPOLICY_MAX_CHARS],
				ends[ZHPOLICY_MAX_CHARS];
	size_t		npieces,
				i;
	size_t		n = zhpolicy_dict_normalize(d, in, (size_t) len, word, starts, ends, &npieces);
	TSLexeme   *res = palloc0(sizeof(TSLexeme) * (npieces + 2));

	if (n == 0)
	{
		pfree(word);
		PG_RETURN_POINTER(res);
	}
	res[0].lexeme = word;
	if (npieces > 0)
	{
		res[0].nvariant = 1;
		for (i = 0; i < npieces; i++)
		{
			res[i + 1].lexeme = pnstrdup(word + starts[i], ends[i] - starts[i]);
			res[i + 1].nvariant = 2;
			res[i + 1].flags = i > 0 ? TSL_ADDPOS : 0;
		}
	}
	PG_RETURN_POINTER(res);
}

/* The gap dictionary: no lexeme, but a position, like a stop word. */
Datum
zhpolicy_gap_lexize(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(palloc0(sizeof(TSLexeme)));
}
