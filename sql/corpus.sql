-- Tokens of each corpus article, and searches for words each article contains.

-- token types per article (the parser reads the raw files as they were collected)
SELECT a.file, t.alias, count(*) AS tokens
FROM article a, ts_parse('zhpolicy', a.raw) p
JOIN ts_token_type('zhpolicy') t ON t.tokid = p.tokid
GROUP BY a.file, t.alias ORDER BY a.file, t.alias;

-- the most frequent lexemes of each article, dictionary compounds whole (zhpolicy_compound)
SELECT file, string_agg(word || ':' || nentry, ' ' ORDER BY nentry DESC, word) AS top
FROM (SELECT a.file, s.word, s.nentry,
             row_number() OVER (PARTITION BY a.file ORDER BY s.nentry DESC, s.word) AS r
      FROM article a, ts_stat(format('SELECT to_tsvector(%L, body) FROM article WHERE file = %L',
                                     'zhpolicy_compound', a.file)) s
      WHERE length(s.word) > 1) x
WHERE r <= 8 GROUP BY file ORDER BY file;

-- no image URL of the WeChat articles is indexed as words
SELECT a.file, count(*) AS image_tokens
FROM article a, ts_parse('zhpolicy', a.raw) p
WHERE p.tokid = 13 GROUP BY a.file ORDER BY a.file;
SELECT count(*) AS lexemes_from_image_urls
FROM article a, unnest(to_tsvector('zhpolicy', a.raw)) u
WHERE u.lexeme LIKE '%mmbiz%' OR u.lexeme LIKE '%wx_fmt%';

-- searches for words the articles contain: the index finds what strpos finds in the text
-- (websearch_to_tsquery joins the parts of a word the parser splits with <->)
SET enable_seqscan = off;
SELECT w.word,
       (SELECT string_agg(left(file, 3), ',' ORDER BY file) FROM article
         WHERE tsv @@ websearch_to_tsquery('zhpolicy', w.word)) AS search_finds,
       (SELECT string_agg(left(file, 3), ',' ORDER BY file) FROM article
         WHERE strpos(body, w.word) > 0) AS strpos_finds
FROM unnest(ARRAY['互联网', '数字经济', '乡村振兴', '知识产权', '网络主权', '联合国',
                  '命运共同体', '网络空间命运共同体', '脱贫攻坚']) AS w(word);
EXPLAIN (COSTS OFF) SELECT file FROM article WHERE tsv @@ websearch_to_tsquery('zhpolicy', '网络主权');
RESET enable_seqscan;

-- words split across a PDF line wrap are found in the raw text, where strpos cannot see them
SELECT replace(p.token, E'\n', '') AS word,
       strpos(a.raw, replace(p.token, E'\n', '')) > 0 AS strpos_finds,
       to_tsvector('zhpolicy', a.raw) @@ phraseto_tsquery('zhpolicy', replace(p.token, E'\n', '')) AS search_finds
FROM article a, ts_parse('zhpolicy', a.raw) p
WHERE a.file LIKE '000%' AND p.tokid IN (2, 11) AND p.token LIKE E'%\n%'
  AND strpos(a.raw, replace(p.token, E'\n', '')) = 0
ORDER BY 1 LIMIT 8;
SELECT count(*) AS words_rejoined_across_wraps
FROM article a, ts_parse('zhpolicy', a.raw) p
WHERE a.file LIKE '000%' AND p.tokid IN (2, 11) AND p.token LIKE E'%\n%';
