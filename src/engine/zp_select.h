/*
 * zp_select.h — what the two fragment choosers (zp_headline.c, zp_snippet.c)
 * share: a merge sort that checks for a cancel as it goes (qsort cannot), and
 * a Fenwick tree that says whether a range holds an item already taken.
 */
#ifndef ZP_SELECT_H
#define ZP_SELECT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "zp_alloc.h"

/* Sort n elements of size bytes best first, stable; tmp has room for n of them. */
static inline void
zp_select_sort(void *base, void *tmp, size_t n, size_t size,
			 int (*better) (const void *a, const void *b), ZpTicker *tick)
{
	char	   *c = base,
			   *t = tmp;
	size_t		width;

	for (width = 1; width < n; width *= 2)
	{
		size_t		lo;

		for (lo = 0; lo < n; lo += 2 * width)
		{
			size_t		mid = lo + width < n ? lo + width : n,
						hi = lo + 2 * width < n ? lo + 2 * width : n,
						x = lo,
						y = mid,
						k = lo;

			while (x < mid || y < hi)
			{
				size_t		from = (y >= hi || (x < mid && !better(c + y * size, c + x * size))) ? x++ : y++;

				zp_tick(tick);
				memcpy(t + (k++) * size, c + from * size, size);
			}
		}
		memcpy(c, t, n * size);
	}
}

/* Fenwick tree over n items (fen has n + 1 zeroed counters): take item i. */
static inline void
zp_fenwick_add(uint32_t *fen, size_t n, size_t i)
{
	for (i++; i <= n; i += i & (~i + 1))
		fen[i]++;
}

/* How many items in [0, i) are taken. */
static inline uint32_t
zp_fenwick_prefix(const uint32_t *fen, size_t i)
{
	uint32_t	s = 0;

	for (; i > 0; i -= i & (~i + 1))
		s += fen[i];
	return s;
}

#endif							/* ZP_SELECT_H */
