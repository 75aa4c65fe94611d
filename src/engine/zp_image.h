/*
 * zp_image.h — laying out flat images (files read in place by other
 * processes): tables one after another, each starting at a multiple of 8
 * bytes, so that every table of 8-byte (or smaller) entries is aligned when
 * the image is.  The matcher's image (zp_tagger.c) and the vocabulary file
 * that holds it (src/tag.c) are laid out with these.
 */
#ifndef ZP_IMAGE_H
#define ZP_IMAGE_H

#include <stdint.h>

/* Round up to a multiple of 8. */
static inline uint64_t
zp_image_align(uint64_t n)
{
	return (n + 7) & ~(uint64_t) 7;
}

/*
 * Place a table of size bytes at the end of an image of *end bytes: returns
 * where it starts (*end rounded up to 8) and moves *end past it.  The image's
 * length is zp_image_align(*end) after the last table.
 */
static inline uint64_t
zp_image_place(uint64_t *end, uint64_t size)
{
	uint64_t	at = zp_image_align(*end);

	*end = at + size;
	return at;
}

#endif							/* ZP_IMAGE_H */
