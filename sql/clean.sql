-- zhpolicy.clean repairs documents; parse_article splits out their metadata.

-- YAML front matter, markdown images and links, emphasis and headings go; text stays
SELECT zhpolicy.clean(E'---\ntitle: 标题\nurl: https://x.cn\n---\n\n# 一级标题\n\n![cover_image](https://mmbiz.qpic.cn/a.jpg)\n\n**重点**内容见[链接文字](https://x.cn/a)和[![](https://img/b.png)](https://x.cn/b)。\n');
-- a spaced-out title is closed up; an author name spaced for layout too
SELECT zhpolicy.clean(E' 携 手 构 建 网 络 空 间 命 运 共 同 体\n李 文\n新闻直播 要闻 国际 军事');
-- navigation menus, breadcrumbs, share buttons and stray punctuation lines are dropped
SELECT zhpolicy.clean(E'分享到:\n链接已复制\n\nLANGUAGES\n\n新闻\n\n新闻直播 要闻 国际 军事 政协 政务 图片 视频\n\n财经\n\n财经 金融 证券 汽车 科技 消费 能源 地产 农业\n\n首页> 中国发展门户网> 发展要闻>\n\n正文标题\n\n正文第一段，讲网络空间治理。\n\n，\n。\n\n返回顶部');
-- hard wraps of a PDF are joined, short lines (headings, paragraph ends) are kept:
-- a paragraph wrapped at 20 characters a line cleans back to itself
CREATE TEMP TABLE para AS SELECT '随着互联网的快速发展，国际社会越来越成为你中有我、我中有你的命运共同体，有利于推动构建和平、安全、开放、合作、有序的网络空间。这一进程需要各国共同推动构建网络空间命运共同体，携手应对风险挑战，共享发展成果，让互联网发展成果惠及世界人民，为全球经济增长提供新的动能和机遇。'::text AS p;
SELECT zhpolicy.clean(regexp_replace(p, '(.{20})', E'\\1\n\n', 'g')) = p AS wrapped_paragraph_restored,
       zhpolicy.clean('短的标题' || E'\n\n' || regexp_replace(p, '(.{20})', E'\\1\n\n', 'g'))
         = '短的标题' || E'\n\n' || p AS heading_kept
FROM para;

-- on the corpus: what remains of each article
SELECT file, length(raw) AS raw_chars, length(body) AS clean_chars,
       strpos(body, 'mmbiz') = 0 AS no_image_urls,
       strpos(body, '![') = 0 AS no_markdown_images,
       body !~ '^---' AS no_front_matter,
       strpos(body, '链接已复制') = 0 AND strpos(body, '轻点两下取消赞') = 0 AS no_ui_text
FROM article ORDER BY file;
-- words broken by PDF wraps are whole again in the cleaned text
SELECT strpos(raw, '有利于') > 0 AS raw_has, strpos(body, '有利于') > 0 AS clean_has,
       strpos(body, '推动构建网络空间命运共同体') > 0 AS clean_has_phrase
FROM article WHERE file LIKE '000%';

-- metadata
SELECT left(file, 3) AS file, p.title, p.source, p.url IS NOT NULL AS has_url,
       to_char(p.published, 'YYYY-MM-DD') AS published
FROM article, zhpolicy.parse_article(raw) p ORDER BY file;
SELECT * FROM zhpolicy.parse_article(E'---\ntitle: "T"\ndate: 2024-02-30\n---\nbody');
SELECT * FROM zhpolicy.parse_article('');
-- dates that do not exist give no date, never an error (and no subtransaction: this runs in parallel workers)
SELECT (zhpolicy.parse_article(E'标题\n2023年2月30日\n正文')).published IS NULL AS feb_30,
       (zhpolicy.parse_article(E'标题\n2023年13月1日\n正文')).published IS NULL AS month_13,
       (zhpolicy.parse_article(E'标题\n0000-01-01\n正文')).published IS NULL AS year_0,
       (zhpolicy.parse_article(E'标题\n2024年2月29日\n正文')).published AS leap_day,
       (zhpolicy.parse_article(E'标题\n2023年12月\n正文')).published AS month_only;
