/*
 * zp_normalize.c — token to lexeme (see zp_normalize.h).
 */
#include "zp_normalize.h"
#include "zp_text.h"

#include <string.h>

size_t
zp_normalize_token(const char *in, size_t len, char *out)
{
	const unsigned char *s = (const unsigned char *) in;
	size_t		i = 0,
				o = 0;

	while (i < len)
	{
		uint32_t	cp;
		int			n;

		if (s[i] < 0x80)
		{
			unsigned char c = s[i++];

			if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
				continue;
			out[o++] = (char) (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
			continue;
		}
		n = zp_utf8_decode(s + i, len - i, &cp);
		if (cp == 0x3000 || cp == 0xA0 || cp == 0x2028 || cp == 0x2029)
		{
			i += n;
			continue;
		}
		if (cp >= 0xFF01 && cp <= 0xFF5E)
		{
			uint32_t	c = zp_fold_width(cp);

			out[o++] = (char) (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
			i += n;
			continue;
		}
		memcpy(out + o, s + i, (size_t) n);
		o += (size_t) n;
		i += n;
	}
	return o;
}
