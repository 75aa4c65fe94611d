-- Queries: plain, phrase and websearch syntax with the zhpolicy configuration.
CREATE TABLE doc (id int PRIMARY KEY, body text);
INSERT INTO doc VALUES
  (1, '构建网络空间命运共同体是信息时代的必然选择'),
  (2, '推动构建人类命运共同体，网络空间治理需要各方参与'),
  (3, '数字经济快速发展，5G网络和IPv6地址规模全球领先'),
  (4, '乡村振兴战略全面推进，脱贫攻坚成果巩固拓展'),
  (5, '網絡空間命運共同體');
CREATE INDEX doc_tsv ON doc USING gin (to_tsvector('zhpolicy', body));

SELECT to_tsquery('zhpolicy', '命运共同体'),
       plainto_tsquery('zhpolicy', '网络空间 命运共同体'),
       phraseto_tsquery('zhpolicy', '网络空间命运共同体'),
       websearch_to_tsquery('zhpolicy', '"网络空间" OR 乡村振兴 -脱贫');

-- plain: every word, anywhere
SELECT id FROM doc WHERE to_tsvector('zhpolicy', body) @@ plainto_tsquery('zhpolicy', '网络空间 命运共同体') ORDER BY id;
-- phrase: adjacent, in order
SELECT id FROM doc WHERE to_tsvector('zhpolicy', body) @@ phraseto_tsquery('zhpolicy', '网络空间命运共同体') ORDER BY id;
SELECT id FROM doc WHERE to_tsvector('zhpolicy', body) @@ phraseto_tsquery('zhpolicy', '命运共同体网络空间') ORDER BY id;
-- distances count characters: 网络空间 ends 3 characters before 共同体 begins
SELECT id FROM doc WHERE to_tsvector('zhpolicy', body) @@ to_tsquery('zhpolicy', '网络空间 <3> 共同体') ORDER BY id;
-- websearch: quotes, OR, exclusion
SELECT id FROM doc WHERE to_tsvector('zhpolicy', body) @@ websearch_to_tsquery('zhpolicy', '"命运共同体" -网络空间') ORDER BY id;
SELECT id FROM doc WHERE to_tsvector('zhpolicy', body) @@ websearch_to_tsquery('zhpolicy', '乡村振兴 OR IPv6') ORDER BY id;
-- mixed Latin and Chinese, case and width folded
SELECT id FROM doc WHERE to_tsvector('zhpolicy', body) @@ plainto_tsquery('zhpolicy', '5G网络 ｉｐｖ６') ORDER BY id;
-- prefix search on a Latin word
SELECT id FROM doc WHERE to_tsvector('zhpolicy', body) @@ to_tsquery('zhpolicy', 'ipv:*') ORDER BY id;

-- ranking: the article about the phrase first
SELECT left(file, 3) AS file,
       round(ts_rank(tsv, q, 1)::numeric, 4) > 0 AS ranked
FROM article, websearch_to_tsquery('zhpolicy', '乡村振兴') q
WHERE tsv @@ q ORDER BY ts_rank(tsv, q, 1) DESC;

-- the expression index serves the query
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM doc WHERE to_tsvector('zhpolicy', body) @@ plainto_tsquery('zhpolicy', '命运共同体');
RESET enable_seqscan;

-- a search finds what LIKE finds: parts of words, and strings across word boundaries
-- (and, unlike LIKE, the Traditional text of doc 5)
SELECT q, (SELECT string_agg(id::text, ',' ORDER BY id) FROM doc
            WHERE to_tsvector('zhpolicy', body) @@ websearch_to_tsquery('zhpolicy', q)) AS search,
          (SELECT string_agg(id::text, ',' ORDER BY id) FROM doc
            WHERE body LIKE '%' || q || '%') AS "like"
FROM unnest(ARRAY['共同体', '空间', '间命', '运共同', '网', '络空间命', '经济快速', '信息时代的必然', '5G网络', 'IPv6地址']) AS q;
-- phrases do not cross punctuation
SELECT to_tsvector('zhpolicy', '命运共同体，网络空间') @@ websearch_to_tsquery('zhpolicy', '体网') AS across_comma,
       to_tsvector('zhpolicy', '命运共同体网络空间') @@ websearch_to_tsquery('zhpolicy', '体网') AS adjacent;
-- dates and quantities are found by their parts too
SELECT to_tsvector('zhpolicy', '2023年11月8日发布，规模2.06万亿元') AS tsv;
SELECT q, to_tsvector('zhpolicy', '2023年11月8日发布，规模2.06万亿元') @@ websearch_to_tsquery('zhpolicy', q) AS found
FROM unnest(ARRAY['2023年', '11月', '11月8日', '8日发布', '万亿元', '2.06万亿', '2023年11月8日', '12月', '2024年']) AS q;
