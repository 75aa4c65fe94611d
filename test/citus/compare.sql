-- Everything whose answer must not depend on where a row is stored: run on the single node and
-- on the coordinator, the outputs compared line by line.
\pset format unaligned
\pset tuples_only on
CREATE TEMP TABLE queries (q text);
INSERT INTO queries VALUES ('网络空间命运共同体'), ('数字经济'), ('人工智能'), ('数据安全'), ('国际合作'),
    ('知识产权'), ('互联网'), ('发展中国家'), ('全球治理 OR 共同体'), ('"网络 安全"'), ('共同'), ('5G');
\echo == stored tsvectors
SELECT id, md5(tsv::text) FROM docs ORDER BY id;
\echo == tsvector search, with rank
SELECT format('SELECT %L, id, round(ts_rank(tsv, q)::numeric, 6) FROM docs, websearch_to_tsquery(''zhpolicy'', %L) q WHERE tsv @@ q ORDER BY id', q, q)
FROM queries ORDER BY q \gexec
\echo == text index (&@, LIKE)
SELECT format('SELECT %L, id, zhpolicy.occurrences(body, %L) FROM docs WHERE body OPERATOR(zhpolicy.&@) %L ORDER BY id', q, q, q)
FROM queries WHERE q !~ '[ "]' ORDER BY q \gexec
SELECT 'like', id FROM docs WHERE body LIKE '%命运共同体%' ORDER BY id;
\echo == ts_headline
SELECT id, ts_headline('zhpolicy', body, q, 'MaxFragments=2') FROM docs, websearch_to_tsquery('zhpolicy', '数字经济 OR 网络安全') q
WHERE tsv @@ q ORDER BY id;
\echo == tag
SELECT id, t::text FROM (SELECT id, zhpolicy.tag(body) AS t FROM docs) s ORDER BY id, 2;
\echo == tag_spans
SELECT id, t::text FROM (SELECT id, zhpolicy.tag_spans(body) AS t FROM docs WHERE id % 97 = 0) s ORDER BY id, 2;
\echo == concepts
SELECT id, zhpolicy.concepts(body), zhpolicy.concepts(body, 2) FROM docs ORDER BY id;
\echo == concept_query
SELECT id FROM docs WHERE tsv @@ zhpolicy.concept_query('网络安全') ORDER BY id;
\echo == document frequencies and keywords
SELECT zhpolicy.collect_df('docs', 'body', 'docs');
SELECT term, df FROM zhpolicy.term_df WHERE corpus = 'docs' ORDER BY term COLLATE "C";
SELECT id, k::text FROM (SELECT id, zhpolicy.keywords(body, 5, 'docs') AS k FROM docs WHERE id % 50 = 0 OR id > 100000) s
ORDER BY id, 2;
