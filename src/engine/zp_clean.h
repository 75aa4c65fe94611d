/*
 * zp_clean.h — repairing real documents into readable running text.
 *
 * Input comes as PDF extraction (hard wraps inside words, spaced-out titles),
 * WeChat markdown (YAML front matter, image links, UI strings) or scraped web
 * pages (navigation menus, breadcrumbs, share buttons).  zp_clean keeps the
 * text's meaning and drops the rest; see zp_clean.c for each rule.
 */
#ifndef ZP_CLEAN_H
#define ZP_CLEAN_H

#include <stddef.h>

#include "zp_tokenizer.h"

/*
 * Clean text; returns a new NUL-terminated buffer from mem (length in
 * *outlen), or NULL if memory could not be had.  The result is never longer
 * than the input.
 */
char	   *zp_clean(const char *text, size_t len, size_t *outlen, const ZpAllocator *mem);

/* Length of YAML front matter ("---" ... "---") at the start of text, or 0. */
size_t		zp_front_matter_length(const char *text, size_t len);

#endif							/* ZP_CLEAN_H */
