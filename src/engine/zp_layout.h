/*
 * zp_layout.h — telling hard line wraps from paragraph breaks.
 *
 * Text extracted from PDFs breaks lines at the page margin, often inside a
 * word (有\n利于).  Such a document has many lines of one display width (the
 * margin); a break after a line that reaches the margin is a wrap, a break
 * after a shorter line ends a paragraph or a heading.  The tokenizer and
 * zp_clean both ask this module, so search and cleaning repair text alike.
 */
#ifndef ZP_LAYOUT_H
#define ZP_LAYOUT_H

#include <stddef.h>

#include "zp_alloc.h"

typedef struct ZpLayout
{
	int			wrapped;		/* does the text look hard-wrapped at a margin? */
	int			margin;			/* display width of a full line (CJK = 2) */
} ZpLayout;

/* Find whether text is hard-wrapped, and at which width (mem: its cancel check, or NULL). */
void		zp_layout_analyze(const char *text, size_t len, ZpLayout *out, const ZpAllocator *mem);

/*
 * Is the white space [gap_start, gap_end), which holds at least one line
 * break, a wrap inside a paragraph?  True when the text is hard-wrapped, the
 * gap holds at most two line breaks, and the line before it reaches the margin.
 */
int			zp_layout_is_wrap(const ZpLayout *layout, const char *text, size_t len,
							  size_t gap_start, size_t gap_end);

/*
 * Is the white space [gap, gap_end) between two Han characters part of the
 * running text, to be read through: a hard wrap (zp_layout_is_wrap), or at
 * most 3 bytes of spaces next to a Han character that stands alone (the
 * spaces of a spaced-out title, 携 手 构 建)?
 */
int			zp_layout_gap_joins(const ZpLayout *layout, const char *text, size_t len,
								size_t gap, size_t gap_end);

/* Display width of the line that ends at byte end (trailing blanks ignored). */
int			zp_layout_line_width(const char *text, size_t end);

/* Display width of s[0..n) with leading and trailing blanks ignored (capped at 400); mem: the
 * cancel check, or NULL. */
int			zp_layout_text_width(const char *s, size_t n, const ZpAllocator *mem);

#endif							/* ZP_LAYOUT_H */
