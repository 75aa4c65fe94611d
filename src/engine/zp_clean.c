/*
 * zp_clean.c — document repair (see zp_clean.h).
 *
 * The text is read line by line.  Each line is first rewritten:
 *   - markdown images ![alt](url) are removed, links [text](url) keep text;
 *   - heading marks (#), quote marks (>), emphasis (** and __) are removed;
 *   - spaces between Han characters of a spaced-out title are removed
 *     (携 手 构 建 -> 携手构建; the rule is the tokenizer's: a space goes when
 *     a neighbouring Han character stands alone);
 *   - leading and trailing white space is trimmed.
 * Then each line is kept or dropped:
 *   - a line with no letter, digit or Han character is dropped (rules, stray
 *     punctuation), as is a line that only held markup;
 *   - a line that is a known interface string of news sites and WeChat
 *     (分享到, 返回顶部, 阅读原文, ...) is dropped;
 *   - a navigation line (three or more short items separated by spaces, no
 *     sentence punctuation) and a breadcrumb (首页> ... >) are dropped;
 *   - a run of at most four short lines between dropped lines (menu headings
 *     such as 新闻 or 财经) is dropped too; markdown headings never are.
 * Last, kept lines are joined: a break after a line that reaches the page
 * margin of a hard-wrapped text (zp_layout) is removed, so 有\n利于 becomes
 * 有利于, unless the next line is a heading of at most four characters without
 * punctuation (前言); other breaks are kept as a line break or a blank line.
 */
#include "zp_clean.h"
#include "zp_layout.h"
#include "zp_text.h"

#include <string.h>

typedef enum
{
	LINE_EMPTY,					/* blank in the input */
	LINE_TEXT,					/* kept */
	LINE_DROP					/* markup, interface text or navigation */
} LineKind;

typedef struct Line
{
	size_t		start;			/* in the work buffer */
	size_t		len;
	int			width;			/* display width after rewriting */
	LineKind	kind;
	int			short_plain;	/* short and without sentence punctuation */
} Line;

/* Interface strings of news sites and WeChat pages, matched as whole lines. */
static const char *const boilerplate_lines[] = {
	"分享到", "链接已复制", "字体", "返回顶部", "打印", "关闭窗口", "纠错", "举报",
	"微信扫一扫", "关注该公众号", "阅读原文", "轻触阅读原文", "预览时标签不可点",
	"继续滑动看下一个", "向上滑动看下一个", "知道了", "使用小程序", "取消", "允许",
	"分析", "微信扫一扫可打开此内容", "使用完整服务", "视频", "小程序", "赞", "在看",
	"轻点两下取消赞", "轻点两下取消在看", "分享", "留言", "收藏", "听过", "写留言",
	"扫码关注", "长按识别二维码", "点击蓝字关注我们", "点击上方蓝字关注我们",
	"上一篇", "下一篇", "相关新闻", "相关阅读", "推荐阅读", "扫一扫在手机打开当前页",
	"languages", "english", "首页", "分享到微信", "分享到微博", "我要纠错",
};

/* Sentence punctuation: a line holding one is prose, not a menu. */
static int
is_sentence_punct(uint32_t cp)
{
	return cp == 0x3002 || cp == 0xFF0C || cp == 0x3001 || cp == 0xFF1B || cp == 0xFF1A ||
		cp == 0xFF01 || cp == 0xFF1F || cp == 0x201C || cp == 0x201D || cp == ',' ||
		cp == '.' || cp == ';' || cp == '!' || cp == '?' || cp == '"';
}

/* Length of the front matter block, or 0. */
size_t
zp_front_matter_length(const char *text, size_t len)
{
	size_t		p = 0;

	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		p = 3;
	if (len - p < 4 || memcmp(text + p, "---", 3) != 0 ||
		(text[p + 3] != '\n' && text[p + 3] != '\r'))
		return 0;
	p += 3;
	while (p < len && p < 65536)
	{
		const char *nl = memchr(text + p, '\n', len - p);

		if (!nl)
			return 0;
		p = (size_t) (nl - text) + 1;
		if (len - p >= 3 && memcmp(text + p, "---", 3) == 0)
		{
			size_t		q = p + 3;

			while (q < len && (text[q] == ' ' || text[q] == '\r'))
				q++;
			if (q == len)
				return len;
			if (text[q] == '\n')
				return q + 1;
		}
	}
	return 0;
}

#define MD_NONE UINT32_MAX		/* no matching bracket */

/*
 * Pair the brackets and the parentheses of s[0..n) (n < MD_NONE) in one pass:
 * pair[i] of a '[' or '(' becomes the index of its matching ']' or ')', or
 * MD_NONE; other entries are left undefined.  A stack of open brackets is
 * threaded through pair[] itself.  This replaces a scan from every '[' to the
 * end of the line, which made a line of 250,000 '[' take 17 s.
 */
static void
md_pair(const char *s, size_t n, uint32_t *pair, ZpTicker *tick)
{
	uint32_t	open_b = MD_NONE,
				open_p = MD_NONE,
				i,
				prev;

	for (i = 0; i < (uint32_t) n; i++)
	{
		char		c = s[i];

		if (c == '[')
		{
			pair[i] = open_b;
			open_b = i;
		}
		else if (c == ']' && open_b != MD_NONE)
		{
			prev = pair[open_b];
			pair[open_b] = i;
			open_b = prev;
		}
		else if (c == '(')
		{
			pair[i] = open_p;
			open_p = i;
		}
		else if (c == ')' && open_p != MD_NONE)
		{
			prev = pair[open_p];
			pair[open_p] = i;
			open_p = prev;
		}
		zp_tick(tick);
	}
	for (; open_b != MD_NONE; open_b = prev)
	{
		prev = pair[open_b];
		pair[open_b] = MD_NONE;
	}
	for (; open_p != MD_NONE; open_p = prev)
	{
		prev = pair[open_p];
		pair[open_p] = MD_NONE;
	}
}

/*
 * End of a markdown "[...](...)" starting with '[' at s[i], or 0; *text_end
 * gets the ']'.  The ']' is the one matching the '[' (brackets nest), the ')'
 * the one matching the '(' right after it (parentheses nest): pair[] from
 * md_pair.
 */
static size_t
md_link_end(const char *s, size_t n, const uint32_t *pair, size_t i, size_t *text_end)
{
	uint32_t	close = pair[i],
				paren_end;

	if (close == MD_NONE || (size_t) close + 1 >= n || s[close + 1] != '(')
		return 0;
	paren_end = pair[close + 1];
	if (paren_end == MD_NONE)
		return 0;
	*text_end = close;
	return (size_t) paren_end + 1;
}

/*
 * Remove images, then unwrap links, then emphasis marks, in place; returns the
 * new length.  pair has room for n entries, or is NULL when the text holds no
 * '[' (then there is no image and no link).
 */
static size_t
strip_markdown(char *s, size_t n, uint32_t *pair, ZpTicker *tick)
{
	size_t		i,
				o = 0,
				text_end,
				end;

	if (pair && n < MD_NONE && memchr(s, '[', n) != NULL)
	{
		/* images (the pairs stay valid: the copy never overtakes the reading position) */
		md_pair(s, n, pair, tick);
		for (i = 0; i < n;)
		{
			if (s[i] == '!' && i + 1 < n && s[i + 1] == '[' &&
				(end = md_link_end(s, n, pair, i + 1, &text_end)) > 0)
			{
				i = end;
				continue;
			}
			s[o++] = s[i++];
			zp_tick(tick);
		}
		n = o;
		/* links: keep the text (the pairs of what the images left) */
		md_pair(s, n, pair, tick);
		o = 0;
		for (i = 0; i < n;)
		{
			if (s[i] == '[' && (end = md_link_end(s, n, pair, i, &text_end)) > 0)
			{
				memmove(s + o, s + i + 1, text_end - i - 1);
				o += text_end - i - 1;
				i = end;
				continue;
			}
			s[o++] = s[i++];
			zp_tick(tick);
		}
		n = o;
	}
	/* emphasis */
	o = 0;
	for (i = 0; i < n;)
	{
		zp_tick(tick);
		if (i + 1 < n && ((s[i] == '*' && s[i + 1] == '*') || (s[i] == '_' && s[i + 1] == '_')))
		{
			i += 2;
			continue;
		}
		s[o++] = s[i++];
	}
	return o;
}

/* Trim white space at both ends of s[0..n); returns the new start offset, sets *n. */
static size_t
trim(const char *s, size_t *n, ZpTicker *tick)
{
	size_t		a = 0,
				b = *n;

	while (a < b)
	{
		uint32_t	cp;
		int			l = zp_utf8_decode((const unsigned char *) s + a, b - a, &cp);
		ZpCharClass c = zp_char_class(cp);

		if (c != ZP_CC_SPACE && c != ZP_CC_NEWLINE)
			break;
		a += l;
		zp_tick(tick);
	}
	while (b > a)
	{
		size_t		k = b - 1;
		uint32_t	cp;
		ZpCharClass c;

		while (k > a && (((unsigned char) s[k]) & 0xC0) == 0x80)
			k--;
		zp_utf8_decode((const unsigned char *) s + k, b - k, &cp);
		c = zp_char_class(cp);
		if (c != ZP_CC_SPACE && c != ZP_CC_NEWLINE)
			break;
		b = k;
		zp_tick(tick);
	}
	*n = b - a;
	return a;
}

/* Remove spaces between Han characters when a neighbour stands alone; in place. */
static size_t
collapse_spaced_han(char *s, size_t n, ZpTicker *tick)
{
	size_t		i = 0,
				o = 0;
	uint32_t	prev2 = 0,
				prev1 = 0;		/* the two code points before i in the output */

	while (i < n)
	{
		uint32_t	cp;
		int			l = zp_utf8_decode((const unsigned char *) s + i, n - i, &cp);
		ZpCharClass c = zp_char_class(cp);

		if (c == ZP_CC_SPACE && zp_is_han(prev1))
		{
			size_t		j = i;
			uint32_t	nx = 0,
						nx2 = 0;

			while (j < n)
			{
				int			l2 = zp_utf8_decode((const unsigned char *) s + j, n - j, &nx);

				if (zp_char_class(nx) != ZP_CC_SPACE)
					break;
				j += l2;
				zp_tick(tick);
			}
			if (j < n && j - i <= 3 && zp_is_han(nx))
			{
				int			l3 = zp_utf8_decode((const unsigned char *) s + j, n - j, &nx);

				if (j + l3 < n)
					zp_utf8_decode((const unsigned char *) s + j + l3, n - j - l3, &nx2);
				if (!zp_is_han(prev2) || !zp_is_han(nx2))
				{
					i = j;		/* drop the spaces */
					continue;
				}
			}
		}
		memmove(s + o, s + i, (size_t) l);
		o += l;
		i += l;
		prev2 = prev1;
		prev1 = cp;
		zp_tick(tick);
	}
	return o;
}

/* Does the line match an interface string (ignoring surrounding punctuation and case)? */
static int
is_boilerplate(const char *s, size_t n, ZpTicker *tick)
{
	char		buf[128];
	size_t		a = 0,
				b = n,
				i,
				k;

	/* strip leading and trailing punctuation and spaces */
	while (a < b)
	{
		uint32_t	cp;
		int			l = zp_utf8_decode((const unsigned char *) s + a, b - a, &cp);
		ZpCharClass c = zp_char_class(cp);

		if (c == ZP_CC_HAN || c == ZP_CC_LATIN || c == ZP_CC_DIGIT || c == ZP_CC_LETTER)
			break;
		a += l;
		zp_tick(tick);
	}
	while (b > a)
	{
		size_t		q = b - 1;
		uint32_t	cp;
		ZpCharClass c;

		while (q > a && (((unsigned char) s[q]) & 0xC0) == 0x80)
			q--;
		zp_utf8_decode((const unsigned char *) s + q, b - q, &cp);
		c = zp_char_class(cp);
		if (c == ZP_CC_HAN || c == ZP_CC_LATIN || c == ZP_CC_DIGIT || c == ZP_CC_LETTER)
			break;
		b = q;
		zp_tick(tick);
	}
	if (b - a >= sizeof(buf))
		return 0;
	for (i = a, k = 0; i < b; i++)
		buf[k++] = (char) (s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
	buf[k] = '\0';
	for (i = 0; i < sizeof(boilerplate_lines) / sizeof(boilerplate_lines[0]); i++)
		if (strcmp(buf, boilerplate_lines[i]) == 0)
			return 1;
	return 0;
}

/* Classify a rewritten line; sets *short_plain for short lines without sentence punctuation. */
static LineKind
classify(const char *s, size_t n, int *short_plain, ZpTicker *tick)
{
	size_t		i = 0;
	int			content = 0,
				punct = 0,
				items = 0,
				item_len = 0,
				long_item = 0,
				gts = 0,
				width = 0;

	*short_plain = 0;
	while (i < n)
	{
		uint32_t	cp;
		int			l = zp_utf8_decode((const unsigned char *) s + i, n - i, &cp);
		ZpCharClass c = zp_char_class(cp);

		if (c == ZP_CC_HAN || c == ZP_CC_LATIN || c == ZP_CC_DIGIT || c == ZP_CC_LETTER)
			content = 1;
		if (is_sentence_punct(cp))
			punct = 1;
		if (cp == '>' || cp == 0xFF1E || cp == 0x203A)
			gts++;
		if (c == ZP_CC_SPACE)
		{
			if (item_len > 0)
				items++;
			item_len = 0;
		}
		else if (++item_len > 6)
			long_item = 1;
		width += zp_display_width(cp);
		i += l;
		zp_tick(tick);
	}
	if (item_len > 0)
		items++;
	if (!content)
		return LINE_DROP;
	if (is_boilerplate(s, n, tick))
		return LINE_DROP;
	if (!punct && items >= 3 && !long_item)
		return LINE_DROP;		/* navigation menu */
	if (gts >= 2 && !punct && width <= 120)
		return LINE_DROP;		/* breadcrumb */
	*short_plain = !punct && width <= 12;
	return LINE_TEXT;
}

/* Drop runs of up to four short plain lines that sit between dropped lines. */
static void
drop_menu_runs(Line *lines, size_t nlines, ZpTicker *tick)
{
	size_t		i = 0;

	while (i < nlines)
	{
		size_t		j,
					count = 0;
		int			before_dropped,
					after_dropped;
		long		k;

		zp_tick(tick);
		if (lines[i].kind != LINE_TEXT || !lines[i].short_plain)
		{
			i++;
			continue;
		}
		/* the run: short plain lines, blank lines between them allowed */
		j = i;
		while (j < nlines && (lines[j].kind == LINE_EMPTY ||
							  (lines[j].kind == LINE_TEXT && lines[j].short_plain)))
		{
			if (lines[j].kind == LINE_TEXT)
				count++;
			j++;
			zp_tick(tick);
		}
		before_dropped = 0;
		for (k = (long) i - 1; k >= 0; k--)
		{
			zp_tick(tick);
			if (lines[k].kind != LINE_EMPTY)
			{
				before_dropped = lines[k].kind == LINE_DROP;
				break;
			}
		}
		after_dropped = j >= nlines || lines[j].kind == LINE_DROP;
		if (count <= 4 && before_dropped && after_dropped && j < nlines)
		{
			for (k = (long) i; k < (long) j; k++)
				if (lines[k].kind == LINE_TEXT)
					lines[k].kind = LINE_DROP;
		}
		i = j;
	}
}

/* Is cp an ASCII letter or digit (a join between two of these needs a space)? */
static int
is_ascii_alnum(uint32_t cp)
{
	return cp < 0x80 && ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'));
}

char *
zp_clean(const char *text, size_t len, size_t *outlen, const ZpAllocator *mem)
{
	size_t		body = zp_front_matter_length(text, len);
	size_t		nlines = 1,
				longest_bracketed = 0,
				i,
				p,
				o = 0;
	char	   *work,
			   *out;
	Line	   *lines;
	uint32_t   *pair = NULL;
	ZpLayout	layout;
	long		last_kept = -1;
	ZpTicker	tick;

	zp_ticker_init(&tick, mem);
	/* count the lines; the longest line holding a '[' sizes the bracket pairs */
	for (p = body; p < len;)
	{
		const char *nl = memchr(text + p, '\n', len - p);
		size_t		end = nl ? (size_t) (nl - text) : len;

		if (end - p > longest_bracketed && memchr(text + p, '[', end - p) != NULL)
			longest_bracketed = end - p;
		if (!nl)
			break;
		nlines++;
		p = end + 1;
		zp_tick(&tick);
	}
	work = mem->alloc(mem->ctx, len - body + 1);
	out = mem->alloc(mem->ctx, len + 1);
	lines = mem->alloc(mem->ctx, sizeof(Line) * nlines);
	if (longest_bracketed > 0 && longest_bracketed < MD_NONE)
		pair = mem->alloc(mem->ctx, sizeof(uint32_t) * longest_bracketed);
	if (!work || !out || !lines || (longest_bracketed > 0 && longest_bracketed < MD_NONE && !pair))
	{
		if (work)
			mem->release(mem->ctx, work);
		if (out)
			mem->release(mem->ctx, out);
		if (lines)
			mem->release(mem->ctx, lines);
		if (pair)
			mem->release(mem->ctx, pair);
		return NULL;
	}
	zp_layout_analyze(text + body, len - body, &layout, mem);

	/* rewrite and classify each line */
	p = body;
	for (i = 0; i < nlines; i++)
	{
		const char *nl = memchr(text + p, '\n', len - p);
		size_t		end = nl ? (size_t) (nl - text) : len;
		size_t		n = end - p,
					a,
					start = o;
		int			had_text,
					heading;

		zp_tick(&tick);
		memcpy(work + o, text + p, n);
		a = trim(work + o, &n, &tick);
		had_text = n > 0;
		memmove(work + o, work + o + a, n);
		/* heading and quote marks, removed at once; a heading is never menu text */
		heading = n > 0 && work[o] == '#';
		a = 0;
		while (a < n && (work[o + a] == '#' || work[o + a] == '>'))
		{
			a++;
			zp_tick(&tick);
		}
		n -= a;
		memmove(work + o, work + o + a, n);
		n = strip_markdown(work + o, n, pair, &tick);
		n = collapse_spaced_han(work + o, n, &tick);
		a = trim(work + o, &n, &tick);
		memmove(work + o, work + o + a, n);
		lines[i].start = start;
		lines[i].len = n;
		lines[i].width = n ? zp_layout_text_width(work + o, n, mem) : 0;
		lines[i].short_plain = 0;
		if (!had_text)
			lines[i].kind = LINE_EMPTY;
		else if (n == 0)
			lines[i].kind = LINE_DROP;
		else
		{
			lines[i].kind = classify(work + o, n, &lines[i].short_plain, &tick);
			if (heading)
				lines[i].short_plain = 0;
		}
		o += n;
		p = end + 1;
	}
	if (pair)
		mem->release(mem->ctx, pair);
	drop_menu_runs(lines, nlines, &tick);

	/* join kept lines */
	o = 0;
	for (i = 0; i < nlines; i++)
	{
		Line	   *ln = &lines[i];

		zp_tick(&tick);
		if (ln->kind != LINE_TEXT)
			continue;
		if (last_kept >= 0)
		{
			Line	   *prev = &lines[last_kept];
			size_t		k,
						empties = 0,
						drops = 0;

			for (k = (size_t) last_kept + 1; k < i; k++)
			{
				zp_tick(&tick);
				if (lines[k].kind == LINE_EMPTY)
					empties++;
				else
					drops++;
			}
			/* a very short line without punctuation (前言, 结束语) is a heading, not a wrap's tail */
			if (drops == 0 && empties <= 1 && layout.wrapped &&
				prev->width >= layout.margin - 4 && !(ln->short_plain && ln->width <= 8))
			{
				/* a hard wrap: join, with a space only between two Latin letters or digits */
				uint32_t	last = (unsigned char) out[o - 1],
							first;

				zp_utf8_decode((const unsigned char *) work + ln->start, ln->len, &first);
				if (is_ascii_alnum(last) && is_ascii_alnum(first))
					out[o++] = ' ';
			}
			else
			{
				out[o++] = '\n';
				if (empties > 0 || drops > 0)
					out[o++] = '\n';
			}
		}
		memcpy(out + o, work + ln->start, ln->len);
		o += ln->len;
		last_kept = (long) i;
	}
	out[o] = '\0';
	*outlen = o;
	mem->release(mem->ctx, work);
	mem->release(mem->ctx, lines);
	return out;
}
