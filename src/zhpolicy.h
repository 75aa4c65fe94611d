/*
 * zhpolicy.h — what the fmgr glue files share: the backend's view of the
 * compiled lexicon and the palloc allocator for the engine.
 */
#ifndef ZHPOLICY_H
#define ZHPOLICY_H

#include "postgres.h"

#include "zp_lexicon.h"
#include "zp_tokenizer.h"

/* The mapped lexicon, opened on first use; raises an error naming the file if it cannot be. */
extern const ZpLexicon *zhpolicy_lexicon(void);

/* The user words of zhpolicy.user_word as a small lexicon, or NULL when there are none. */
extern const ZpLexicon *zhpolicy_user_lexicon(void);

/* Register the invalidation callback that keeps user words current (from _PG_init). */
extern void zhpolicy_user_dict_init(void);

/* Register the invalidation callback of the tagging vocabulary (from _PG_init). */
extern void zhpolicy_tag_init(void);

/* An engine allocator that pallocs in CurrentMemoryContext. */
extern const ZpAllocator zhpolicy_palloc_allocator;

/* Refuse to work in a database whose encoding is not UTF8. */
extern void zhpolicy_check_encoding(void);

#endif							/* ZHPOLICY_H */
