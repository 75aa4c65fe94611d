/*
 * zp_alloc.h — the engine's context: where its memory comes from, and how a
 * long call hears that it should stop.
 *
 * Every engine loop whose trip count grows with its input calls check (when
 * it is not NULL) at least once per ZP_CHECK_EVERY iterations or
 * ZP_CHECK_BYTES bytes of progress.  In a backend check is
 * CHECK_FOR_INTERRUPTS(), which may longjmp out of the engine.  So wherever
 * check may be called, every buffer the engine holds comes from alloc (a
 * memory context releases it), nothing is malloc'd behind the allocator's
 * back, and no long-lived object is left half changed: a cancelled call
 * either leaves an object as it was or leaves it to be freed (the comment of
 * each call says which).
 */
#ifndef ZP_ALLOC_H
#define ZP_ALLOC_H

#include <stddef.h>
#include <stdint.h>

/* Memory and a cancel check for the engine (palloc and CHECK_FOR_INTERRUPTS in a backend). */
typedef struct ZpAllocator
{
	void	   *(*alloc) (void *ctx, size_t size);	/* NULL when memory is short */
	void		(*release) (void *ctx, void *ptr);
	void	   *ctx;
	void		(*check) (void *ctx);	/* cancel check, or NULL; it may not return */
} ZpAllocator;

/* The allocator that uses malloc and free, without a cancel check. */
extern const ZpAllocator zp_malloc_allocator;

/* (The fuzz targets build with small values, so that small inputs are cancelled everywhere.) */
#ifndef ZP_CHECK_EVERY
#define ZP_CHECK_EVERY 4096		/* iterations between two checks */
#endif
#ifndef ZP_CHECK_BYTES
#define ZP_CHECK_BYTES 65536	/* bytes of progress between two checks */
#endif

/* Call the cancel check of mem, if it has one. */
static inline void
zp_check(const ZpAllocator *mem)
{
	if (mem && mem->check)
		mem->check(mem->ctx);
}

/* A countdown that calls the cancel check once per ZP_CHECK_EVERY ticks. */
typedef struct ZpTicker
{
	const ZpAllocator *mem;
	uint32_t	left;
} ZpTicker;

/* Start a countdown for mem (which may be NULL: no checks). */
static inline void
zp_ticker_init(ZpTicker *t, const ZpAllocator *mem)
{
	t->mem = mem && mem->check ? mem : NULL;
	t->left = ZP_CHECK_EVERY;
}

/* One iteration of a loop that grows with the input. */
static inline void
zp_tick(ZpTicker *t)
{
	if (--t->left == 0)
	{
		t->left = ZP_CHECK_EVERY;
		zp_check(t->mem);
	}
}

#endif							/* ZP_ALLOC_H */
