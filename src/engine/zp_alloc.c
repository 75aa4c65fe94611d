/*
 * zp_alloc.c — the malloc allocator for the engine outside a backend.
 */
#include "zp_alloc.h"

#include <stdlib.h>

/* malloc for the engine outside a backend. */
static void *
zp_std_alloc(void *ctx, size_t size)
{
	(void) ctx;
	return malloc(size ? size : 1);
}

/* free for the engine outside a backend. */
static void
zp_std_release(void *ctx, void *ptr)
{
	(void) ctx;
	free(ptr);
}

const ZpAllocator zp_malloc_allocator = {zp_std_alloc, zp_std_release, NULL, NULL};
