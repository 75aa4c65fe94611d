/*
 * zp_tagger.h — finding the labels of a vocabulary in a text.
 *
 * All labels are matched at once by an Aho–Corasick automaton over code
 * points.  Text and labels are read through the same normaliser (zp_tag_fold):
 * full-width forms and ASCII case folded, Traditional characters read as
 * Simplified, white space that the parser reads through (hard wraps, spaced-out
 * titles) skipped, other white space runs read as one space.  A match counts
 * only where it respects word boundaries: a label of Chinese characters of up
 * to ZP_TAG_CHECKED_CHARS characters must cover whole words of the zhpolicy
 * segmentation of that run of text, or lie inside one word (so 联合国 is not
 * found inside 联合国家 = 联合 + 国家, but 网络 is found in 网络安全); longer
 * Chinese labels are specific enough to match anywhere; a label that begins or
 * ends with a Latin letter or digit needs a character that is not one next to
 * it (so AI is not found inside MAIL).
 */
#ifndef ZP_TAGGER_H
#define ZP_TAGGER_H

#include <stddef.h>
#include <stdint.h>

#include "zp_layout.h"
#include "zp_lexicon.h"
#include "zp_tokenizer.h"

#define ZP_TAG_MAX_LABEL_CHARS 128	/* longer labels are refused */
#define ZP_TAG_CHECKED_CHARS 3	/* Chinese labels up to this long must respect word boundaries */

typedef struct ZpMatcher ZpMatcher;

/* One match: which label, and where in the original text. */
typedef struct ZpTagMatch
{
	uint32_t	label;			/* the id given to zp_matcher_add */
	size_t		byte_start;
	size_t		byte_end;
	size_t		char_start;		/* 0-based code point offsets */
	size_t		char_end;
} ZpTagMatch;

/* Called for each accepted match, in order of its end; return nonzero to stop the scan. */
typedef int (*ZpTagCallback) (void *arg, const ZpTagMatch *match);

/*
 * A new, empty matcher using lex for Traditional→Simplified folding and
 * segmentation; its memory comes from mem, which it keeps (and whose check
 * zp_matcher_add and zp_matcher_build call: after a cancel, free the matcher).
 */
ZpMatcher  *zp_matcher_new(const ZpLexicon *lex, const ZpAllocator *mem);

/*
 * Add a label with an id; returns 0, or -1 when the label is empty after
 * normalisation, longer than ZP_TAG_MAX_LABEL_CHARS, or memory failed.
 */
int			zp_matcher_add(ZpMatcher *m, const char *label, size_t len, uint32_t id);

/*
 * Build the automaton from the labels added; after this, only zp_matcher_scan
 * (a matcher never built matches nothing).  Returns 0, or -1 without memory.
 * A build cancelled by the allocator's check may be done again.
 */
int			zp_matcher_build(ZpMatcher *m);

/*
 * Scan text and report accepted matches.  Returns the number reported, or
 * -1 without memory.  *chars gets the text's length in code points.  All the
 * memory of the scan comes from scratch (a per-call allocator: palloc in the
 * caller's memory context in a backend, not the matcher's long-lived one),
 * and scratch's check is called as the scan goes: a cancelled scan leaves the
 * matcher untouched and its scratch memory to scratch's owner.
 */
long		zp_matcher_scan(const ZpMatcher *m, const char *text, size_t len,
							ZpTagCallback cb, void *arg, size_t *chars, const ZpAllocator *scratch);

/* Free a matcher. */
void		zp_matcher_free(ZpMatcher *m);

/*
 * A built matcher as one flat image (no pointers), to be written to a file
 * and read by other processes: zp_matcher_image_size bytes, which
 * zp_matcher_write_image fills (0; -1 if m is not built or len is wrong).
 */
size_t		zp_matcher_image_size(const ZpMatcher *m);
int			zp_matcher_write_image(const ZpMatcher *m, void *buf, size_t len);

/*
 * A matcher that scans with the image at buf (8-byte aligned, len bytes,
 * kept unchanged while the matcher lives: it is read, never copied).  The
 * image is checked first: every index it holds in range, every chain it
 * follows finite, every label id below max_labels, so that a damaged image
 * can never make a scan read out of bounds or loop.  Returns NULL with *why
 * set when it is not a valid image, NULL with *why NULL without memory.
 */
ZpMatcher  *zp_matcher_open_image(const void *buf, size_t len, uint32_t max_labels,
								  const ZpLexicon *lex, const ZpAllocator *mem, const char **why);

#endif							/* ZP_TAGGER_H */
