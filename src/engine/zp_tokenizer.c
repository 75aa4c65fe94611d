/*
 * zp_tokenizer.c — the token stream (see zp_tokenizer.h for the contract).
 *
 * Design.  zp_tokenizer_next looks at the character at the current position.
 * A Han character starts a chunk: the run of Han characters from there,
 * continued across bridgeable white space (a hard wrap, or the spaces of a
 * spaced-out title), at most ZP_CHUNK_CHARS characters.  The chunk is
 * segmented at once into a queue of tokens, which later calls hand out.  Any
 * other character is handled by a scanner that returns one token directly.
 *
 * Segmentation follows the classic lattice model: every lexicon word that
 * starts at each character is an edge weighted by log P(word); a backward
 * dynamic programme picks the path of highest total log probability.  A
 * character with no word starting at it costs the lexicon's unknown-word
 * log probability.  Consecutive single characters on the best path are
 * re-read by a four-state (B/M/E/S) HMM, which joins names and other words
 * the lexicon lacks.
 */
#include "zp_tokenizer.h"
#include "zp_text.h"

#include <stdlib.h>
#include <string.h>

const ZpTokenTypeInfo zp_token_types[] = {
	{ZP_TOK_ASCIIWORD, "asciiword", "Word, all ASCII letters", 1},
	{ZP_TOK_WORD, "word", "Chinese word in the lexicon", 1},
	{ZP_TOK_NUMWORD, "numword", "Word, letters and digits", 1},
	{ZP_TOK_EMAIL, "email", "Email address", 1},
	{ZP_TOK_URL, "url", "URL", 1},
	{ZP_TOK_HOST, "host", "Host", 1},
	{ZP_TOK_NUM, "num", "Decimal number, percentage or dotted number", 1},
	{ZP_TOK_QUANTITY, "quantity", "Number with a Chinese magnitude (万, 亿)", 1},
	{ZP_TOK_DATE, "date", "Date", 1},
	{ZP_TOK_TIME, "time", "Time of day", 1},
	{ZP_TOK_OOV, "oov", "Chinese word not in the lexicon", 1},
	{ZP_TOK_BLANK, "blank", "Space or punctuation", 0},
	{ZP_TOK_IMAGE, "image", "Markdown image link", 0},
	{ZP_TOK_FOREIGN, "foreignword", "Word in another script", 1},
	{ZP_TOK_BLOB, "blob", "Over-long run of letters or digits", 0},
	{ZP_TOK_INT, "int", "Integer", 1},
	{ZP_TOK_DOCNUM, "docnum", "Document number", 1},
	{ZP_TOK_ORDINAL, "ordinal", "Ordinal number in digits", 1},
};
const int	zp_n_token_types = sizeof(zp_token_types) / sizeof(zp_token_types[0]);

const char *
zp_token_type_alias(int type)
{
	int			i;

	for (i = 0; i < zp_n_token_types; i++)
		if (zp_token_types[i].id == type)
			return zp_token_types[i].alias;
	return NULL;
}

/* Forget what the scanners learnt (the range, hence what a walk may see, changed). */
static void
zp_memo_reset(ZpScanMemo *m)
{
	int			i;

	memset(m, 0, sizeof(*m));
	/* empty intervals: from > end */
	m->email_from = 1;
	m->alnum_from = 1;
	for (i = 0; i < 2; i++)
		m->host[i].from = 1;
	m->close_from = 1;
	m->target_from = 0;
	m->target_stop = 1;
	m->target_end = 0;
}

int
zp_tokenizer_init(ZpTokenizer *tk, const ZpLexicon *lex, const ZpLexicon *user,
				  const char *text, size_t len, const ZpAllocator *mem)
{
	ZpLayout	layout;

	zp_layout_analyze(text, len, &layout, mem);
	return zp_tokenizer_init_range(tk, lex, user, text, 0, len, &layout, mem);
}

int
zp_tokenizer_init_range(ZpTokenizer *tk, const ZpLexicon *lex, const ZpLexicon *user,
						const char *text, size_t start, size_t end,
						const ZpLayout *layout, const ZpAllocator *mem)
{
	size_t		len = end;
	size_t		cap = end - start + 1 < ZP_CHUNK_CHARS ? end - start + 1 : ZP_CHUNK_CHARS;

	memset(tk, 0, sizeof(*tk));
	tk->lex = lex;
	tk->user = user;
	tk->text = (const unsigned char *) text;
	tk->len = len;
	tk->pos = start;
	tk->mem = *mem;
	tk->cap = cap;
	tk->layout = *layout;
	tk->check_at = start + ZP_CHECK_BYTES;
	zp_memo_reset(&tk->memo);
	tk->cps = mem->alloc(mem->ctx, sizeof(uint32_t) * cap);
	tk->offs = mem->alloc(mem->ctx, sizeof(size_t) * cap);
	tk->clen = mem->alloc(mem->ctx, cap);
	tk->best = mem->alloc(mem->ctx, sizeof(float) * (cap + 1));
	tk->next = mem->alloc(mem->ctx, sizeof(int32_t) * (cap + 1));
	tk->split = mem->alloc(mem->ctx, cap + 1);
	tk->viterbi = mem->alloc(mem->ctx, sizeof(double) * 4 * cap);
	tk->back = mem->alloc(mem->ctx, 4 * cap);
	tk->queue = mem->alloc(mem->ctx, sizeof(ZpToken) * (2 * cap + 2));
	if (!tk->cps || !tk->offs || !tk->clen || !tk->best || !tk->next || !tk->split || !tk->viterbi ||
		!tk->back || !tk->queue)
	{
		zp_tokenizer_free(tk);
		return -1;
	}
	return 0;
}

/* Release one buffer of the tokenizer and forget it. */
static void
zp_release_buf(ZpTokenizer *tk, void *buf)
{
	if (buf && tk->mem.release)
		tk->mem.release(tk->mem.ctx, buf);
}

void
zp_tokenizer_free(ZpTokenizer *tk)
{
	zp_release_buf(tk, tk->cps);
	tk->cps = NULL;
	zp_release_buf(tk, tk->offs);
	tk->offs = NULL;
	zp_release_buf(tk, tk->clen);
	tk->clen = NULL;
	zp_release_buf(tk, tk->best);
	tk->best = NULL;
	zp_release_buf(tk, tk->next);
	tk->next = NULL;
	zp_release_buf(tk, tk->split);
	tk->split = NULL;
	zp_release_buf(tk, tk->viterbi);
	tk->viterbi = NULL;
	zp_release_buf(tk, tk->back);
	tk->back = NULL;
	zp_release_buf(tk, tk->queue);
	tk->queue = NULL;
	tk->cap = 0;
	tk->qhead = 0;
	tk->qcount = 0;
}

/* Decode the character at byte p (p < len). */
static inline int
zp_peek(const ZpTokenizer *tk, size_t p, uint32_t *cp)
{
	return zp_utf8_decode(tk->text + p, tk->len - p, cp);
}

/* Append a token to the queue, splitting it if it is too long. */
static void
zp_queue_push(ZpTokenizer *tk, int type, size_t start, size_t end)
{
	ZpToken    *t = &tk->queue[(tk->qhead + tk->qcount)];

	t->type = type;
	t->start = start;
	t->len = end - start;
	tk->qcount++;
}

/* ---------------------------------------------------------------- Han */

#define ZP_NAME_DOT 0xB7			/* how a name dot stands in cps[] */

/* Is cp a dot that joins the parts of a transliterated name (· • ・ ･)? */
static inline int
zp_is_name_dot(uint32_t cp)
{
	return cp == 0xB7 || cp == 0x2022 || cp == 0x30FB || cp == 0xFF65 || cp == 0x2027;
}

/* Collect the Han chunk starting at tk->pos into cps/offs/clen; returns its length. */
static size_t
zp_collect_han(ZpTokenizer *tk)
{
	size_t		n = 0,
				p = tk->pos;

	while (p < tk->len && n < tk->cap)
	{
		uint32_t	cp;
		int			l = zp_peek(tk, p, &cp);

		if (zp_is_han(cp))
		{
			tk->cps[n] = zp_lex_simplify(tk->lex, cp);	/* 網絡 segments as 网络 */
			tk->offs[n] = p;
			tk->clen[n] = (uint8_t) l;
			n++;
			p += l;
			continue;
		}
		if (zp_is_name_dot(cp) && n > 0 && p + l < tk->len)
		{
			uint32_t	after;

			zp_peek(tk, p + l, &after);
			if (zp_is_han(after))
			{
				/* the dot of a transliterated name, 马丁·查尔斯: kept in the run */
				tk->cps[n] = ZP_NAME_DOT;
				tk->offs[n] = p;
				tk->clen[n] = (uint8_t) l;
				n++;
				p += l;
				continue;
			}
		}
		/* white space followed by Han may be bridged */
		{
			size_t		q = p;
			uint32_t	c2 = cp;
			int			l2 = l;

			while (q < tk->len)
			{
				ZpCharClass cls = zp_char_class(c2);

				if (cls != ZP_CC_SPACE && cls != ZP_CC_NEWLINE)
					break;
				q += l2;
				if (q >= tk->len)
					break;
				l2 = zp_peek(tk, q, &c2);
				if (q - p > 16)
					break;
			}
			if (q > p && q < tk->len && zp_is_han(c2) && zp_layout_gap_joins(&tk->layout, (const char *) tk->text, tk->len, p, q))
			{
				p = q;
				continue;
			}
		}
		break;
	}
	return n;
}

/*
 * Best path over chars [0, n): fills best[] and next[] by backward DP.  next[i]
 * is the end of the chosen edge from i, negated when that edge is no lexicon
 * word (an unknown character).
 */
#ifndef ZP_PREFETCH_AHEAD
#define ZP_PREFETCH_AHEAD 2
#endif

static void
zp_lattice_best_path(ZpTokenizer *tk, size_t n)
{
	const ZpLexicon *lex = tk->lex;
	float		unknown = lex->hdr->unknown_logp;
	size_t		i;

	tk->best[n] = 0;
	for (i = n; i-- > 0;)
	{
		uint32_t	node = 0;
		size_t		j;
		float		bestv = unknown + tk->best[i + 1];
		int32_t		bestj = -((int32_t) i + 1);
		uint8_t		bests = 0;


		/*
		 * The walk from each character is a chain of dependent loads into a
		 * table larger than the cache; the walks from different characters are
		 * independent.  Fetch the second edge of the walk ZP_PREFETCH_AHEAD
		 * characters back now, so that its cache miss overlaps these walks.
		 */
		if (i >= ZP_PREFETCH_AHEAD && lex->root)
		{
			uint32_t	cp = tk->cps[i - ZP_PREFETCH_AHEAD];

			if (cp < ZP_LEX_ROOT_SIZE && (lex->root[cp].child & ZP_LEX_HAS_CHILDREN))
				__builtin_prefetch(&lex->edges[zp_lex_hash(zp_lex_edge_key(lex->root[cp].child & ZP_LEX_NODE_MASK,
																			   tk->cps[i - ZP_PREFETCH_AHEAD + 1]),
														   lex->trie_bits)]);
		}
		for (j = i; j < n; j++)
		{
			float		lp;
			uint32_t	child = zp_lex_next(lex, node, tk->cps[j], &lp);

			if (child == 0)
				break;
			if (lp <= 0)
			{
				float		v = lp + tk->best[j + 1];

				if (bestj < 0 || v >= bestv)
				{
					bestv = v;
					bestj = (int32_t) j + 1;
					bests = (uint8_t) zp_lex_split_of(child);
				}
			}
			/* no word is longer than ZP_LEX_MAX_WORD_CHARS: a damaged trie cannot make this walk long */
			if (!(child & ZP_LEX_HAS_CHILDREN) || j - i >= ZP_LEX_MAX_WORD_CHARS - 1)
				break;
			node = child & ZP_LEX_NODE_MASK;
		}
		if (tk->user)
		{
			/* user words compete on the same scale (their frequencies use the lexicon's total) */
			node = 0;
			for (j = i; j < n; j++)
			{
				float		lp;
				uint32_t	child = zp_lex_next(tk->user, node, tk->cps[j], &lp);

				if (child == 0)
					break;
				if (lp <= 0 && (bestj < 0 || lp + tk->best[j + 1] >= bestv))
				{
					bestv = lp + tk->best[j + 1];
					bestj = (int32_t) j + 1;
				}
				if (lp <= 0 && bestj == (int32_t) j + 1)
					bests = 0;	/* a user word stays whole */
				if (!(child & ZP_LEX_HAS_CHILDREN) || j - i >= ZP_LEX_MAX_WORD_CHARS - 1)
					break;
				node = child & ZP_LEX_NODE_MASK;
			}
		}
		tk->best[i] = bestv;
		tk->next[i] = bestj;
		tk->split[i] = bests;
	}
}

/* Is chars [a, b) a word of lex? */
static int
zp_span_in(const ZpLexicon *lex, const uint32_t *cps, size_t a, size_t b)
{
	uint32_t	node = 0;
	size_t		j;
	float		lp = ZP_LEX_NOT_WORD;

	for (j = a; j < b; j++)
	{
		uint32_t	child = zp_lex_next(lex, node, cps[j], &lp);

		if (child == 0)
			return 0;
		node = child & ZP_LEX_NODE_MASK;
	}
	return lp <= 0;
}

/* Is chars [a, b) a lexicon or user word? */
static int
zp_span_is_word(const ZpTokenizer *tk, size_t a, size_t b)
{
	return zp_span_in(tk->lex, tk->cps, a, b) || (tk->user && zp_span_in(tk->user, tk->cps, a, b));
}

/* Where the fine-grained convention cuts lexicon word [a, b), in characters (0 = keep whole). */
static size_t
zp_fine_split(const ZpTokenizer *tk, size_t a, size_t b)
{
	uint32_t	node = 0,
				child = 0;
	size_t		j;
	float		lp = ZP_LEX_NOT_WORD;

	for (j = a; j < b; j++)
	{
		child = zp_lex_next(tk->lex, node, tk->cps[j], &lp);
		if (child == 0)
			return 0;
		node = child & ZP_LEX_NODE_MASK;
	}
	if (lp > 0 || (tk->user && zp_span_in(tk->user, tk->cps, a, b)))
		return 0;				/* not a lexicon word, or a user word: users' words stay whole */
	return zp_lex_split_of(child) < b - a ? zp_lex_split_of(child) : 0;
}

/* Push chars [a, b) as one token of type, with a blank before it for any gap. */
static void
zp_push_span(ZpTokenizer *tk, size_t a, size_t b, int type, size_t *emitted_to)
{
	size_t		start = tk->offs[a];
	size_t		end = tk->offs[b - 1] + tk->clen[b - 1];

	if (start > *emitted_to)
		zp_queue_push(tk, ZP_TOK_BLANK, *emitted_to, start);
	zp_queue_push(tk, type, start, end);
	*emitted_to = end;
}

static void zp_push_han_token(ZpTokenizer *tk, size_t a, size_t b, int is_word, size_t *emitted_to);

/*
 * Push lexicon word [a, b) cut after its first k characters (0 = whole; the
 * lattice or zp_fine_split gives k); each part is a lexicon word, perhaps
 * with a split of its own.
 */
static void
zp_push_word(ZpTokenizer *tk, size_t a, size_t b, size_t k, size_t *emitted_to)
{
	if (k > 0 && k < b - a && !tk->compounds)
	{
		zp_push_han_token(tk, a, a + k, 1, emitted_to);
		zp_push_han_token(tk, a + k, b, 1, emitted_to);
	}
	else
		zp_push_span(tk, a, b, ZP_TOK_WORD, emitted_to);
}

/* Push the token for chars [a, b) (a word or not), a word cut where the convention cuts it. */
static void
zp_push_han_token(ZpTokenizer *tk, size_t a, size_t b, int is_word, size_t *emitted_to)
{
	if (!is_word)
		zp_push_span(tk, a, b, ZP_TOK_OOV, emitted_to);
	else
		zp_push_word(tk, a, b, b - a >= 2 && !tk->compounds ? zp_fine_split(tk, a, b) : 0, emitted_to);
}

/* Tag chars [a, b) with the B/M/E/S HMM and push the words it finds. */
static void
zp_hmm_cut(ZpTokenizer *tk, size_t a, size_t b, size_t *emitted_to)
{
	const ZpLexHeader *h = tk->lex->hdr;
	const double impossible = -1.0e30;
	size_t		n = b - a,
				t;
	double	   *V = tk->viterbi;
	int			s,
				state;
	size_t		word_end;

	for (t = 0; t < n; t++)
	{
		const float *em = zp_lex_emission(tk->lex, tk->cps[a + t]);

		for (s = 0; s < 4; s++)
		{
			double		e = em ? em[s] : impossible;

			if (t == 0)
			{
				V[s] = h->hmm_start[s] + e;
				tk->back[s] = (uint8_t) s;
			}
			else
			{
				int			p,
							bp = 0;
				double		bv = 0;

				for (p = 0; p < 4; p++)
				{
					double		v = V[4 * (t - 1) + p] + h->hmm_trans[p][s];

					if (p == 0 || v > bv)
					{
						bv = v;
						bp = p;
					}
				}
				V[4 * t + s] = bv + e;
				tk->back[4 * t + s] = (uint8_t) bp;
			}
		}
	}
	/* a word must end: the last state is E or S */
	state = V[4 * (n - 1) + ZP_HMM_E] > V[4 * (n - 1) + ZP_HMM_S] ? ZP_HMM_E : ZP_HMM_S;
	/* trace back into back[] column 0 as the state sequence */
	for (t = n; t-- > 0;)
	{
		int			prev = tk->back[4 * t + state] & 0x0F;

		tk->back[4 * t] = (uint8_t) (tk->back[4 * t] & 0x0F) | (uint8_t) (state << 4);
		state = prev;
	}
	word_end = 0;
	for (t = 0; t < n; t++)
	{
		int			st = tk->back[4 * t] >> 4;

		if (st == ZP_HMM_S || st == ZP_HMM_E || t == n - 1)
		{
			zp_push_han_token(tk, a + word_end, a + t + 1,
							  zp_span_is_word(tk, a + word_end, a + t + 1), emitted_to);
			word_end = t + 1;
		}
		else if (st == ZP_HMM_B && t > word_end)
		{
			/* a B after an unfinished word: close that word first */
			zp_push_han_token(tk, a + word_end, a + t,
							  zp_span_is_word(tk, a + word_end, a + t), emitted_to);
			word_end = t;
		}
	}
}

/* Classifiers and measure words: after a number they are a word of their own (9512 个 村). */
static int
zp_is_classifier(uint32_t cp)
{
	static const char set[] = "个种座部条位名次件项家所只张本台辆架艘届期批类份篇首门句段层场支枚颗株棵块片群对双套间栋户口头匹天周岁代度"
		"亩元角吨斤克米升倍人例起宗笔轮股成";

	return zp_cp_in_set(set, cp);
}

/* Push the tokens of a run of single characters [a, b) on the best path. */
static void
zp_flush_singles(ZpTokenizer *tk, size_t a, size_t b, size_t *emitted_to)
{
	size_t		i;

	if (a == 0 && b - a >= 2 && tk->number_end != 0 && tk->number_end == tk->offs[0] &&
		zp_is_classifier(tk->cps[0]))
	{
		/* the classifier of the number before the run: the HMM must not join it to the run */
		zp_push_han_token(tk, 0, 1, tk->next[0] > 0, emitted_to);
		a = 1;
		if (b - a == 1)
		{
			zp_push_han_token(tk, a, b, tk->next[a] > 0, emitted_to);
			return;
		}
	}

	if (b - a >= 2 && tk->lex->hdr->n_emit > 0 && !zp_span_is_word(tk, a, b))
	{
		/* characters mostly used alone (是, 为, 的) stay single; the HMM reads what lies between */
		size_t		s = a;

		for (i = a; i <= b; i++)
		{
			if (i < b && !zp_lex_standalone(tk->lex, tk->cps[i]))
				continue;
			if (i - s >= 2 && !zp_span_is_word(tk, s, i))
				zp_hmm_cut(tk, s, i, emitted_to);
			else if (i - s >= 1)
			{
				size_t		k;

				for (k = s; k < i; k++)
					zp_push_han_token(tk, k, k + 1, tk->next[k] > 0, emitted_to);
			}
			if (i < b)
				zp_push_han_token(tk, i, i + 1, tk->next[i] > 0, emitted_to);
			s = i + 1;
		}
		return;
	}
	for (i = a; i < b; i++)
		zp_push_han_token(tk, i, i + 1, tk->next[i] > 0, emitted_to);
}

/* Count ASCII or full-width digits at p; *end gets the byte after them. */
static int zp_digits(const ZpTokenizer *tk, size_t p, size_t *end);
static int zp_digits_max(const ZpTokenizer *tk, size_t p, int max, size_t *end);
static inline uint32_t zp_fold_at(const ZpTokenizer *tk, size_t p, int *n);
static inline int zp_isalpha(uint32_t c);

/*
 * The number part of a document number after its issuer, at p:
 * 〔2023〕5号 (also with [] or 【】).  Returns its end, or p.
 */
static size_t
zp_scan_docnum_tail(const ZpTokenizer *tk, size_t p)
{
	uint32_t	open,
				close;
	size_t		q,
				r;
	int			n;

	if (p >= tk->len)
		return p;
	n = zp_peek(tk, p, &open);
	if (open == 0x3014 || open == 0x3010 || open == '[')
		close = open == 0x3014 ? 0x3015 : open == 0x3010 ? 0x3011 : ']';
	else
		return p;
	/* counts capped just past what may match: a run of digits is not walked to its end */
	if (zp_digits_max(tk, p + n, 5, &q) != 4 || q >= tk->len)
		return p;
	n = zp_peek(tk, q, &open);
	if (open != close)
		return p;
	n = zp_digits_max(tk, q + n, 6, &r);
	if (n < 1 || n > 5 || r >= tk->len)
		return p;
	n = zp_peek(tk, r, &open);
	return open == 0x53F7 ? r + n : p;	/* 号 */
}

/* Single characters that never begin or end an issuer's abbreviation. */
static const char zp_function_chars[] = "和及与或的在对按据以为于由是了并等从向将把被给跟同至见";

/*
 * If a document number's number part follows the chunk just queued, take the
 * issuer from the end of the chunk (trailing single characters such as 国 发,
 * or one short word such as 工信部) and queue the whole as one docnum token.
 */
static void
zp_merge_docnum(ZpTokenizer *tk)
{
	size_t		end,
				k = 0,
				bytes = 0;

	if (tk->qcount == 0)
		return;
	end = zp_scan_docnum_tail(tk, tk->pos);
	if (end == tk->pos)
		return;
	while (k < tk->qcount)
	{
		const ZpToken *t = &tk->queue[tk->qhead + tk->qcount - 1 - k];
		uint32_t	cp;

		if ((t->type != ZP_TOK_WORD && t->type != ZP_TOK_OOV) || t->len > 4 || bytes + t->len > 15)
			break;
		zp_peek(tk, t->start, &cp);
		if (cp < 0x10000 && zp_cp_in_set(zp_function_chars, cp))
			break;				/* 和, 及, 根据 ... are not part of an issuer */
		bytes += t->len;
		k++;
	}
	if (k == 0)
	{
		const ZpToken *t = &tk->queue[tk->qhead + tk->qcount - 1];

		/* one word of at least three characters, as 工信部 or 财政部 */
		if ((t->type != ZP_TOK_WORD && t->type != ZP_TOK_OOV) || t->len < 9 || t->len > 12)
			return;
		k = 1;
	}
	{
		size_t		start = tk->queue[tk->qhead + tk->qcount - k].start;

		tk->qcount -= k;
		zp_queue_push(tk, ZP_TOK_DOCNUM, start, end);
		tk->pos = end;
	}
}

/*
 * Join each name dot with the tokens right before and after it into one
 * unknown word: 马丁 · 查尔斯 -> 马丁·查尔斯 (repeatedly, for names of three parts).
 */
static void
zp_merge_name_dots(ZpTokenizer *tk)
{
	size_t		r,
				w = tk->qhead,
				end = tk->qhead + tk->qcount;
	ZpToken    *q = tk->queue;

	for (r = tk->qhead; r < end; r++)
	{
		uint32_t	cp;
		int			is_dot = q[r].type == ZP_TOK_OOV &&
			zp_peek(tk, q[r].start, &cp) == (int) q[r].len && zp_is_name_dot(cp);

		if (is_dot && w > tk->qhead && r + 1 < end &&
			(q[w - 1].type == ZP_TOK_WORD || q[w - 1].type == ZP_TOK_OOV) &&
			q[w - 1].start + q[w - 1].len == q[r].start &&
			(q[r + 1].type == ZP_TOK_WORD || q[r + 1].type == ZP_TOK_OOV) &&
			q[r + 1].start == q[r].start + q[r].len)
		{
			q[w - 1].type = ZP_TOK_OOV;
			q[w - 1].len = q[r + 1].start + q[r + 1].len - q[w - 1].start;
			r++;				/* the token after the dot is taken in too */
			continue;
		}
		q[w] = q[r];
		if (is_dot)
			q[w].type = ZP_TOK_BLANK;	/* a dot that joins nothing is punctuation */
		w++;
	}
	tk->qcount = w - tk->qhead;
}

/* If the chunk ends with 第 and digits follow, make 第 and the digits one ordinal token: 第18. */
static void
zp_merge_ordinal(ZpTokenizer *tk)
{
	ZpToken    *last;
	uint32_t	cp;
	size_t		end;

	if (tk->qcount == 0)
		return;
	last = &tk->queue[tk->qhead + tk->qcount - 1];
	if (last->start + last->len != tk->pos || zp_peek(tk, last->start, &cp) != (int) last->len ||
		cp != 0x7B2C /* 第 */ )
		return;
	if (zp_digits_max(tk, tk->pos, 33, &end) == 0 || end - tk->pos > 32)
		return;
	{
		int			n;
		uint32_t	after = zp_fold_at(tk, end, &n);

		if (after == '.' || zp_isalpha(after))
			return;				/* 第3.5 or 第5G: leave to the number scanners */
	}
	last->type = ZP_TOK_ORDINAL;
	last->len = end - last->start;
	tk->pos = end;
}

/* Segment the Han chunk at tk->pos and queue its tokens. */
static void
zp_segment_chunk(ZpTokenizer *tk)
{
	size_t		n = zp_collect_han(tk);
	size_t		i = 0,
				singles = 0;
	size_t		emitted_to = tk->pos;
	int			in_singles = 0;

	zp_lattice_best_path(tk, n);
	tk->qhead = 0;
	tk->qcount = 0;
	while (i < n)
	{
		size_t		j = (size_t) (tk->next[i] > 0 ? tk->next[i] : -tk->next[i]);

		if (tk->cps[i] == ZP_NAME_DOT)
		{
			if (in_singles)
				zp_flush_singles(tk, singles, i, &emitted_to);
			in_singles = 0;
			zp_push_han_token(tk, i, i + 1, 0, &emitted_to);
			i++;
			continue;
		}
		if (j - i == 1)
		{
			if (!in_singles)
			{
				singles = i;
				in_singles = 1;
			}
		}
		else
		{
			if (in_singles)
				zp_flush_singles(tk, singles, i, &emitted_to);
			in_singles = 0;
			/* the split point came with the lattice edge: no second walk of the trie */
			zp_push_word(tk, i, j, tk->split[i], &emitted_to);
		}
		i = j;
	}
	if (in_singles)
		zp_flush_singles(tk, singles, n, &emitted_to);
	tk->pos = emitted_to;
	zp_merge_name_dots(tk);
	zp_merge_docnum(tk);
	zp_merge_ordinal(tk);
}

/* ---------------------------------------------------------------- scanners */

/* Folded (full-width to ASCII) code point at p, or 0 past the end; *n gets its length. */
static inline uint32_t
zp_fold_at(const ZpTokenizer *tk, size_t p, int *n)
{
	uint32_t	cp;

	if (p >= tk->len)
	{
		*n = 0;
		return 0;
	}
	*n = zp_peek(tk, p, &cp);
	return zp_fold_width(cp);
}

/* ASCII digit after folding? */
static inline int
zp_isdigit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

/* ASCII letter after folding? */
static inline int
zp_isalpha(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Count folded digits from p; *end gets the byte after them. */
static int
zp_digits(const ZpTokenizer *tk, size_t p, size_t *end)
{
	int			count = 0,
				n;

	while (zp_isdigit(zp_fold_at(tk, p, &n)))
	{
		p += n;
		count++;
	}
	*end = p;
	return count;
}

/* Count folded digits from p, at most max of them; *end gets the byte after those counted. */
static int
zp_digits_max(const ZpTokenizer *tk, size_t p, int max, size_t *end)
{
	int			count = 0,
				n;

	while (count < max && zp_isdigit(zp_fold_at(tk, p, &n)))
	{
		p += n;
		count++;
	}
	*end = p;
	return count;
}

/* If text at p is the code point cp (after folding), return its length, else 0. */
static int
zp_match_cp(const ZpTokenizer *tk, size_t p, uint32_t cp)
{
	int			n;

	return zp_fold_at(tk, p, &n) == cp ? n : 0;
}

/* Skip at most one ASCII space at p. */
static size_t
zp_skip_one_space(const ZpTokenizer *tk, size_t p)
{
	return p < tk->len && tk->text[p] == ' ' ? p + 1 : p;
}

/* Case-insensitive ASCII prefix match at p. */
static int
zp_prefix_ci(const ZpTokenizer *tk, size_t p, const char *prefix)
{
	size_t		k = strlen(prefix),
				i;

	if (tk->len - p < k)
		return 0;
	for (i = 0; i < k; i++)
	{
		unsigned char c = tk->text[p + i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char) (c - 'A' + 'a');
		if (c != (unsigned char) prefix[i])
			return 0;
	}
	return 1;
}

/* Is c a character that may appear in a URL? */
static int
zp_url_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		(c != 0 && strchr("-._~:/?#[]@!$&'()*+,;=%", c) != NULL);
}

/* Scan a URL at p; returns its end, or p if there is none. */
static size_t
zp_scan_url(const ZpTokenizer *tk, size_t p)
{
	size_t		q,
				body;
	int			depth = 0;

	if (zp_prefix_ci(tk, p, "https://"))
		body = p + 8;
	else if (zp_prefix_ci(tk, p, "http://"))
		body = p + 7;
	else if (zp_prefix_ci(tk, p, "ftp://"))
		body = p + 6;
	else if (zp_prefix_ci(tk, p, "www."))
		body = p + 4;
	else
		return p;
	/* decided before the walk: a failed URL must not cost a walk of the window */
	if (body >= tk->len || !(zp_isalpha(tk->text[body]) || zp_isdigit(tk->text[body])))
		return p;
	q = body;
	while (q < tk->len && zp_url_char(tk->text[q]))
	{
		if (tk->text[q] == '(')
			depth++;
		else if (tk->text[q] == ')')
		{
			if (depth == 0)
				break;			/* closes a markdown link around the URL */
			depth--;
		}
		q++;
	}
	while (q > body && strchr(".,;:!?'\"([", tk->text[q - 1]) != NULL && tk->text[q - 1] != 0)
		q--;
	if (q - body < 3 || !(zp_isalpha(tk->text[body]) || zp_isdigit(tk->text[body])))
		return p;
	return q;
}

/* Is c allowed in a host label? */
static int
zp_label_char(unsigned char c)
{
	return zp_isalpha(c) || zp_isdigit(c) || c == '-';
}

/* Take the walk of a dotted host as far as the window lets it go. */
static void
zp_host_advance(const ZpTokenizer *tk, ZpHostWalk *w)
{
	const unsigned char *t = tk->text;

	while (!w->done)
	{
		while (w->pos < tk->len && zp_label_char(t[w->pos]))
		{
			if (!zp_isalpha(t[w->pos]))
				w->alpha = 0;
			w->pos++;
		}
		if (w->pos >= tk->len)
			return;				/* the window ends inside a label: it may go on */
		if (t[w->pos] == '.')
		{
			if (w->pos + 1 >= tk->len)
				return;			/* what follows the dot is beyond the window */
			if (zp_label_char(t[w->pos + 1]))
			{
				w->pos++;
				w->label = w->pos;
				w->alpha = 1;
				continue;
			}
		}
		w->done = 1;
	}
}

/*
 * Scan a dotted host name at p (ASCII only): labels of letters, digits and
 * hyphens, at least two, the last all letters and at least two long.
 * Returns its end or p.  From any start inside one dotted run the walk meets
 * the same labels, so the walk is kept in w and a later start inside it only
 * takes it further (a run of a.a.a.a costs one walk, not one per token).
 */
static size_t
zp_scan_host_walk(const ZpTokenizer *tk, ZpHostWalk *w, size_t p)
{
	if (p >= tk->len || !zp_label_char(tk->text[p]))
		return p;
	if (!(w->from <= p && p <= w->pos && !(w->done && p == w->pos)))
	{
		w->from = p;
		w->pos = p;
		w->label = p;
		w->alpha = 1;
		w->done = 0;
	}
	zp_host_advance(tk, w);
	/* two labels or more from p, the last all letters and at least two long */
	return p < w->label && w->alpha && w->pos - w->label >= 2 ? w->pos : p;
}

/* Scan a dotted host name at a token start p; returns its end or p. */
static size_t
zp_scan_host(ZpTokenizer *tk, size_t p)
{
	return zp_scan_host_walk(tk, &tk->memo.host[0], p);
}

/* Is c a character of the local part of an e-mail address? */
static inline int
zp_local_char(unsigned char c)
{
	return zp_isalpha(c) || zp_isdigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* Scan an e-mail address at p; returns its end or p. */
static size_t
zp_scan_email(ZpTokenizer *tk, size_t p)
{
	ZpScanMemo *m = &tk->memo;
	size_t		q,
				h;

	/* the run of local-part characters from p ends where the one remembered ends */
	if (m->email_from <= p && p <= m->email_end)
		q = m->email_end;
	else
	{
		m->email_from = p;
		q = p;
	}
	while (q < tk->len && zp_local_char(tk->text[q]))
		q++;
	m->email_end = q;
	if (q == p || q >= tk->len || tk->text[q] != '@')
		return p;
	h = zp_scan_host_walk(tk, &m->host[1], q + 1);
	return h > q + 1 ? h : p;
}

/* Chinese magnitude characters that make a number a quantity. */
static int
zp_is_magnitude(uint32_t c)
{
	return c == 0x4E07 /* 万 */ || c == 0x4EBF /* 亿 */ || c == 0x5343 /* 千 */ ||
		c == 0x767E /* 百 */ || c == 0x5146 /* 兆 */ ;
}

/* Scan a date or time at p (digits); returns the end and sets *type, or p. */
static size_t
zp_scan_date(const ZpTokenizer *tk, size_t p, int *type)
{
	size_t		q,
				r,
				s;
	int			nd = zp_digits(tk, p, &q),
				n,
				m;
	uint32_t	c = zp_fold_at(tk, q, &n);

	/* ISO 2024-05-01, 2024/05/01 */
	if (nd == 4 && (c == '-' || c == '/'))
	{
		m = zp_digits(tk, q + n, &r);
		if (m >= 1 && m <= 2 && zp_fold_at(tk, r, &n) == c && (m = zp_digits(tk, r + n, &s)) >= 1 &&
			m <= 2)
		{
			*type = ZP_TOK_DATE;
			return s;
		}
	}
	/* 09:11, 09:11:30 */
	if (nd >= 1 && nd <= 2 && c == ':')
	{
		m = zp_digits(tk, q + n, &r);
		if (m == 2)
		{
			if (zp_fold_at(tk, r, &n) == ':' && zp_digits(tk, r + n, &s) == 2)
				r = s;
			*type = ZP_TOK_TIME;
			return r;
		}
	}
	/* 2023年11月8日, 2023年11月, 2023年 (a four-digit year), 11月28日, 11月 */
	if (nd == 4)
	{
		size_t		y = zp_skip_one_space(tk, q);
		int			l = zp_match_cp(tk, y, 0x5E74);	/* 年 */

		if (l)
		{
			size_t		end = y + l;
			size_t		mstart = zp_skip_one_space(tk, end);

			m = zp_digits(tk, mstart, &r);
			if (m >= 1 && m <= 2 && (l = zp_match_cp(tk, zp_skip_one_space(tk, r), 0x6708)))	/* 月 */
			{
				end = zp_skip_one_space(tk, r) + l;
				m = zp_digits(tk, zp_skip_one_space(tk, end), &s);
				if (m >= 1 && m <= 2)
				{
					size_t		dend = zp_skip_one_space(tk, s);

					if ((l = zp_match_cp(tk, dend, 0x65E5)) || (l = zp_match_cp(tk, dend, 0x53F7)))	/* 日 号 */
						end = dend + l;
				}
			}
			*type = ZP_TOK_DATE;
			return end;
		}
	}
	if (nd >= 1 && nd <= 2 && (m = zp_match_cp(tk, q, 0x6708)))	/* 月 */
	{
		size_t		end = q + m;
		int			d = zp_digits(tk, end, &s),
					l;

		if (d >= 1 && d <= 2 && ((l = zp_match_cp(tk, s, 0x65E5)) || (l = zp_match_cp(tk, s, 0x53F7))))
			end = s + l;
		*type = ZP_TOK_DATE;
		return end;
	}
	return p;
}

/* Scan a number (int, decimal, percentage, quantity) or alphanumeric word at p. */
static size_t
zp_scan_alnum(ZpTokenizer *tk, size_t p, int *type)
{
	size_t		q = p,
				r;
	int			n,
				letters = 0,
				digits = 0,
				dotted = 0;
	uint32_t	c;

	/* a number: digits, thousands groups, decimal or dotted parts, percent */
	if (zp_isdigit(zp_fold_at(tk, q, &n)))
	{
		zp_digits(tk, q, &q);
		for (;;)
		{
			c = zp_fold_at(tk, q, &n);
			if (c == ',' && zp_digits(tk, q + n, &r) == 3 && !zp_isdigit(zp_fold_at(tk, r, &n)))
				q = r;
			else if (c == '.' && zp_digits(tk, q + n, &r) > 0)
			{
				q = r;
				dotted = 1;
			}
			else
				break;
		}
		c = zp_fold_at(tk, q, &n);
		if (c == '%' || c == 0x2030 /* ‰ */ )
		{
			*type = ZP_TOK_NUM;
			return q + n;
		}
		if (zp_is_magnitude(c))
		{
			do
				q += n;
			while (zp_is_magnitude(zp_fold_at(tk, q, &n)));
			*type = ZP_TOK_QUANTITY;
			return q;
		}
		if (!zp_isalpha(c))
		{
			*type = dotted ? ZP_TOK_NUM : ZP_TOK_INT;
			return q;
		}
		if (dotted)
		{
			*type = ZP_TOK_NUM;
			return q;
		}
		q = p;					/* digits then letters: a word such as 5G */
	}
	/* letters and digits: the run from p ends where the one remembered ends */
	{
		ZpScanMemo *m = &tk->memo;

		if (!(m->alnum_from <= q && q <= m->alnum_end))
		{
			m->alnum_from = q;
			m->alnum_end = q;
			m->alnum_letter = 0;
			m->alnum_digit = 0;
		}
		r = m->alnum_end;
		for (;;)
		{
			c = zp_fold_at(tk, r, &n);
			if (zp_isalpha(c))
				m->alnum_letter = r + 1;
			else if (zp_isdigit(c))
				m->alnum_digit = r + 1;
			else
				break;
			r += n;
		}
		m->alnum_end = r;
		letters = m->alnum_letter > q;
		digits = m->alnum_digit > q;
		q = r;
	}
	*type = digits > 0 ? (letters > 0 ? ZP_TOK_NUMWORD : ZP_TOK_INT) : ZP_TOK_ASCIIWORD;
	return q;
}

/*
 * The first ']' or '\n' in [from, limit), or limit.  What a search found is
 * kept: the next image start inside the same alt text finds it at once.
 */
static size_t
zp_find_alt_end(ZpTokenizer *tk, size_t from, size_t limit)
{
	ZpScanMemo *m = &tk->memo;
	size_t		q;

	if (m->close_from <= from && from <= m->close_pos)
	{
		if (m->close_found)
			return m->close_pos < limit ? m->close_pos : limit;
		q = m->close_pos;
	}
	else
	{
		m->close_from = from;
		q = from;
	}
	while (q < limit && tk->text[q] != ']' && tk->text[q] != '\n')
		q++;
	m->close_pos = q;
	m->close_found = q < limit;
	return q;
}

/*
 * Scan a markdown image ![alt](target) at p; returns its end or p.  The
 * target ends at the ')' that closes its '(' (parentheses nest, at most
 * ZP_IMAGE_MAX_DEPTH deep), before a line break and within
 * ZP_IMAGE_MAX_BYTES of p.  The depth limit keeps a run of failed images
 * linear: each failed target walk nests one level deeper than the one
 * before it, so at most ZP_IMAGE_MAX_DEPTH + 1 walks cross any byte.  Image
 * starts that share a target (![![x](y)) share its walk.
 */
static size_t
zp_scan_image(ZpTokenizer *tk, size_t p)
{
	ZpScanMemo *m = &tk->memo;
	size_t		q,
				limit = tk->len - p > ZP_IMAGE_MAX_BYTES ? p + ZP_IMAGE_MAX_BYTES : tk->len;

	q = zp_find_alt_end(tk, p + 2, limit);
	if (q + 1 >= limit || tk->text[q] != ']' || tk->text[q + 1] != '(')
		return p;
	q += 2;
	if (m->target_from != q)
	{
		m->target_from = q;
		m->target_pos = q;
		m->target_depth = 0;
		m->target_stop = 0;
		m->target_end = 0;
	}
	if (!m->target_stop)
	{
		size_t		r = m->target_pos;
		int			depth = m->target_depth;

		while (r < limit)
		{
			unsigned char c = tk->text[r];

			if (c == '\n')
			{
				m->target_stop = 1;
				break;
			}
			if (c == '(' && ++depth > ZP_IMAGE_MAX_DEPTH)
			{
				m->target_stop = 1;
				break;
			}
			if (c == ')')
			{
				if (depth == 0)
				{
					m->target_end = r + 1;
					m->target_stop = 1;
					break;
				}
				depth--;
			}
			r++;
		}
		m->target_pos = r;
		m->target_depth = depth;
	}
	return m->target_end != 0 && m->target_end <= limit ? m->target_end : p;
}

/* Does a token start at p (so a blank run must stop)? */
static int
zp_starts_token(const ZpTokenizer *tk, size_t p, uint32_t cp)
{
	ZpCharClass cls = zp_char_class(cp);

	if (cls == ZP_CC_HAN || cls == ZP_CC_LATIN || cls == ZP_CC_DIGIT || cls == ZP_CC_LETTER)
		return 1;
	return cp == '!' && p + 1 < tk->len && tk->text[p + 1] == '[';
}

/* Emit [start, end) as one token of type, or as pieces if it is too long. */
static void
zp_emit_span(ZpTokenizer *tk, ZpToken *tok, int type, size_t start, size_t end)
{
	size_t		len = end - start;

	if (len > ZP_MAX_TOKEN_BYTES)
	{
		/* cut at a character boundary; the rest is scanned again as the same kind */
		len = ZP_MAX_TOKEN_BYTES;
		while (len > 1 && (tk->text[start + len] & 0xC0) == 0x80)
			len--;
	}
	tok->type = type;
	tok->start = start;
	tok->len = len;
	tk->pos = start + len;
}

/* Scan a word of letters (and accented or other-script letters) at p: foreignword or blob. */
static void
zp_scan_foreign(ZpTokenizer *tk, ZpToken *tok, size_t p)
{
	size_t		q = p;
	uint32_t	cp;

	while (q < tk->len && q - p <= ZP_MAX_WORD_BYTES)
	{
		int			l = zp_peek(tk, q, &cp);
		ZpCharClass c2 = zp_char_class(cp);

		if (c2 != ZP_CC_LETTER && c2 != ZP_CC_LATIN && c2 != ZP_CC_DIGIT)
			break;
		q += l;
	}
	zp_emit_span(tk, tok, q - p > ZP_MAX_WORD_BYTES ? ZP_TOK_BLOB : ZP_TOK_FOREIGN, p, q);
}

/*
 * Scan a token that starts with a Latin letter or a digit: URL, e-mail, host,
 * date or time, number, word, or blob.  The caller limits tk->len to a window.
 */
static void
zp_scan_latin(ZpTokenizer *tk, ZpToken *tok, size_t p, ZpCharClass cls)
{
	size_t		q;
	uint32_t	cp;
	int			type;

	if ((q = zp_scan_url(tk, p)) > p)
	{
		zp_emit_span(tk, tok, q - p > 2000 ? ZP_TOK_BLOB : ZP_TOK_URL, p, q);
		return;
	}
	if ((q = zp_scan_email(tk, p)) > p)
	{
		zp_emit_span(tk, tok, ZP_TOK_EMAIL, p, q);
		return;
	}
	if ((q = zp_scan_host(tk, p)) > p)
	{
		/* a host followed by a path is a URL */
		if (q < tk->len && tk->text[q] == '/')
		{
			while (q < tk->len && zp_url_char(tk->text[q]) && tk->text[q] != ')')
				q++;
			while (q > p && tk->text[q - 1] != 0 && strchr(".,;:!?'\"", tk->text[q - 1]) != NULL)
				q--;
			zp_emit_span(tk, tok, ZP_TOK_URL, p, q);
		}
		else
			zp_emit_span(tk, tok, ZP_TOK_HOST, p, q);
		return;
	}
	if (cls == ZP_CC_DIGIT && (q = zp_scan_date(tk, p, &type)) > p)
	{
		zp_emit_span(tk, tok, type, p, q);
		return;
	}
	q = zp_scan_alnum(tk, p, &type);
	if (q < tk->len && (type == ZP_TOK_ASCIIWORD || type == ZP_TOK_NUMWORD) &&
		(zp_peek(tk, q, &cp), zp_char_class(cp) == ZP_CC_LETTER))
	{
		zp_scan_foreign(tk, tok, p);	/* accented or other letters follow: café */
		return;
	}
	zp_emit_span(tk, tok, q - p > ZP_MAX_WORD_BYTES ? ZP_TOK_BLOB : type, p, q);
}

/* Scan one non-Han token at tk->pos. */
static void
zp_scan_other(ZpTokenizer *tk, ZpToken *tok)
{
	size_t		p = tk->pos,
				q;
	uint32_t	cp;
	int			n = zp_peek(tk, p, &cp);
	ZpCharClass cls = zp_char_class(cp);

	if ((q = zp_scan_docnum_tail(tk, p)) > p)
	{
		zp_emit_span(tk, tok, ZP_TOK_DOCNUM, p, q);	/* 〔2023〕5号 without an issuer */
		return;
	}
	if (cp == '!' && p + 1 < tk->len && tk->text[p + 1] == '[')
	{
		q = zp_scan_image(tk, p);
		if (q > p)
		{
			zp_emit_span(tk, tok, ZP_TOK_IMAGE, p, q);
			return;
		}
	}
	if (cls == ZP_CC_LATIN || cls == ZP_CC_DIGIT || cls == ZP_CC_LETTER)
	{
		/*
		 * The scanners look at most ZP_SCAN_WINDOW bytes ahead: a run longer
		 * than that is a blob whatever it holds, and looking further would
		 * make a long run cost quadratic time (one look per piece).
		 */
		size_t		full_len = tk->len;

		if (tk->len - p > ZP_SCAN_WINDOW)
			tk->len = p + ZP_SCAN_WINDOW;
		if (cls == ZP_CC_LETTER)
			zp_scan_foreign(tk, tok, p);
		else
			zp_scan_latin(tk, tok, p, cls);
		tk->len = full_len;
		return;
	}
	/* blank: spaces, punctuation, symbols, up to the next token */
	q = p + n;
	while (q < tk->len && q - p < ZP_MAX_TOKEN_BYTES)
	{
		int			l = zp_peek(tk, q, &cp);

		if (zp_starts_token(tk, q, cp))
			break;
		q += l;
	}
	zp_emit_span(tk, tok, ZP_TOK_BLANK, p, q);
}


void
zp_tokenizer_reset_range(ZpTokenizer *tk, size_t start, size_t end)
{
	tk->pos = start;
	tk->len = end;
	tk->qhead = 0;
	tk->qcount = 0;
	tk->check_at = start + ZP_CHECK_BYTES;
	zp_memo_reset(&tk->memo);
}

float
zp_best_path_logp(const ZpLexicon *lex, const char *word, size_t len)
{
	ZpTokenizer tk;
	float		score = 0;
	size_t		n;

	if (len == 0 || zp_tokenizer_init(&tk, lex, NULL, word, len, &zp_malloc_allocator) != 0)
		return 0;
	n = zp_collect_han(&tk);
	if (n > 0)
	{
		zp_lattice_best_path(&tk, n);
		score = tk.best[0];
	}
	zp_tokenizer_free(&tk);
	return score;
}

int
zp_tokenizer_next(ZpTokenizer *tk, ZpToken *tok)
{
	uint32_t	cp;

	if (tk->pos >= tk->check_at)
	{
		/* a cancel may longjmp from here: the tokenizer holds only buffers from mem */
		tk->check_at = tk->pos + ZP_CHECK_BYTES;
		zp_check(&tk->mem);
	}
	if (tk->qcount == 0 && tk->pos < tk->len)
	{
		zp_peek(tk, tk->pos, &cp);
		if (!zp_is_han(cp))
		{
			zp_scan_other(tk, tok);
			if (tok->type == ZP_TOK_INT || tok->type == ZP_TOK_NUM || tok->type == ZP_TOK_QUANTITY)
				tk->number_end = tok->start + tok->len;
			return 1;
		}
		zp_segment_chunk(tk);
	}
	if (tk->qcount > 0)
	{
		*tok = tk->queue[tk->qhead++];
		tk->qcount--;
		return 1;
	}
	return 0;
}
