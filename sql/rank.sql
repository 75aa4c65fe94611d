-- zhpolicy.rank: BM25 over exact phrase occurrences, words above characters, the title or lead
-- boosted; rank_query's statistics through the text index; rank_top's exact top k through rank
-- sketches; a 1,000,000-character row; every error.

-- phrases of a query: white space separates them, double quotes keep spaces, repeats go
SELECT zhpolicy.rank_terms('网络安全  数字经济 "IPv6 地址" 网络安全') AS terms,
       zhpolicy.rank_terms('   ') AS none, zhpolicy.rank_terms('""') AS empty_quotes;
-- words above characters: the share of a phrase's Han characters inside lexicon words
SELECT x AS phrase, zhpolicy.rank_word_share(x) AS word_share
FROM unnest(ARRAY['网络安全', '间命', '的', '网络间命', 'IPv6']) AS x;
SELECT zhpolicy.rank_query('网络安全 间命') AS without_statistics;

-- what is counted: exact occurrences; one that cuts a word (络空 cuts 网络|空间) counts half,
-- a word (网络 of 互联|网络) fully; the first line (the lead) counts three times
SELECT term, tf, in_title, words, tf_weighted
FROM zhpolicy.rank_explain(E'网络安全法\n维护网络安全，网络空间清朗，互联网络畅通。',
                           zhpolicy.rank_query('网络 络空 安全 不在'));
-- an explicit title instead of the lead
SELECT term, tf, in_title, tf_weighted
FROM zhpolicy.rank_explain('维护网络安全。', zhpolicy.rank_query('网络安全'), '网络安全法');
-- occurrences do not overlap, as zhpolicy.occurrences counts them
SELECT tf, zhpolicy.occurrences('哈哈哈哈哈', '哈哈') AS occurrences
FROM zhpolicy.rank_explain('哈哈哈哈哈', zhpolicy.rank_query('哈哈'));

-- more occurrences rank higher, a phrase in the lead (a one-line text is all lead) higher still,
-- a word above a cut
SELECT round(zhpolicy.rank('数字经济', '数字经济')::numeric, 4) AS once,
       round(zhpolicy.rank('数字经济，数字经济', '数字经济')::numeric, 4) AS twice,
       round(zhpolicy.rank(E'标题\n数字经济', '数字经济')::numeric, 4) AS in_body,
       round(zhpolicy.rank(E'数字经济\n正文', '数字经济')::numeric, 4) AS in_lead,
       round(zhpolicy.rank(E'标题\n发展中国家', '中国')::numeric, 4) AS cut,
       round(zhpolicy.rank(E'标题\n中国发展', '中国')::numeric, 4) AS word;
SELECT zhpolicy.rank(NULL, '数字经济') AS null_doc, zhpolicy.rank('数字经济', NULL::text) AS null_query,
       zhpolicy.rank('数字经济', zhpolicy.rank_query('数字经济'), NULL) > 0 AS null_title_uses_lead,
       zhpolicy.rank('数字经济', '') AS empty_query, zhpolicy.rank('', '数字经济') AS empty_doc;

-- statistics of a table: idf from the rows holding each phrase, length normalisation
CREATE TABLE rank_docs (id bigint PRIMARY KEY, body text);
INSERT INTO rank_docs VALUES
  (1, E'数字经济发展报告\n数字经济快速发展，数字经济规模扩大。'),
  (2, E'工作报告\n发展是第一要务，发展新质生产力，推动高质量发展。'),
  (3, E'网络安全\n维护网络安全，发展数字经济。' || repeat('其他内容。', 200)),
  (4, E'农业\n乡村振兴。'),
  (5, E'数字经济\n数字经济。');
CREATE INDEX ON rank_docs USING gin (body zhpolicy.gin_bigram_ops);
ANALYZE rank_docs;
SELECT (q).terms, (q).df, (q).n_docs, round((q).avg_len::numeric, 1) AS avg_len,
       ARRAY(SELECT round(w::numeric, 4) FROM unnest((q).weights) w) AS weights
FROM (SELECT zhpolicy.rank_query('数字经济 发展 不在', 'rank_docs', 'body') AS q) x;
-- the rare phrase weighs more than the common one; a long row with one occurrence ranks low
SELECT id, round(zhpolicy.rank(body, q)::numeric, 4) AS score
FROM rank_docs, zhpolicy.rank_query('数字经济 发展', 'rank_docs', 'body') q
WHERE body OPERATOR(zhpolicy.&@) ANY (q.terms)
ORDER BY zhpolicy.rank(body, q) DESC, id;
-- the ranked top 10 takes its candidates from the text index
SET enable_seqscan = off;
EXPLAIN (COSTS OFF)
SELECT id FROM rank_docs
WHERE body OPERATOR(zhpolicy.&@) ANY ('{数字经济,发展}'::text[])
ORDER BY zhpolicy.rank(body, zhpolicy.rank_query('数字经济 发展')) DESC, id LIMIT 10;
RESET enable_seqscan;

-- rank sketches bound the score from above, and rank_top finds the same top k
ALTER TABLE rank_docs ADD COLUMN rank_sketch bytea GENERATED ALWAYS AS (zhpolicy.rank_sketch(body)) STORED;
SELECT id, zhpolicy.rank_bound(rank_sketch, q) >= zhpolicy.rank(body, q) AS bound_holds
FROM rank_docs, zhpolicy.rank_query('数字经济 发展 网络安全', 'rank_docs', 'body') q ORDER BY id;
SELECT d.id, round(t.score::numeric, 4) AS score
FROM zhpolicy.rank_top('rank_docs', 'body', 'rank_sketch', '数字经济 发展', 3) t
JOIN rank_docs d ON d.tableoid = t.row_table AND d.ctid = t.row_ctid ORDER BY t.score DESC, d.id;
SELECT count(*) AS none FROM zhpolicy.rank_top('rank_docs', 'body', 'rank_sketch', '   ');

-- tier keys: for each pair and character, one key per tier its count reaches; with a GIN index on
-- them rank_top reads rows through it, and finds the same top k
SELECT cardinality(zhpolicy.rank_tiers(E'标题\n' || repeat('网络安全', 20))) AS tier_keys,
       cardinality(zhpolicy.rank_tiers('')) AS empty, zhpolicy.rank_tiers(NULL) IS NULL AS strict;
SELECT cardinality(zhpolicy.rank_tiers(repeat('网络安全', 20))) > cardinality(zhpolicy.rank_tiers(repeat('网络安全', 2)))
       AS more_tiers_for_more;
CREATE INDEX rank_docs_tiers_idx ON rank_docs USING gin (zhpolicy.rank_tiers(body));
SELECT d.id, round(t.score::numeric, 4) AS score
FROM zhpolicy.rank_top('rank_docs', 'body', 'rank_sketch', '数字经济 发展', 3) t
JOIN rank_docs d ON d.tableoid = t.row_table AND d.ctid = t.row_ctid ORDER BY t.score DESC, d.id;
SELECT count(*) AS none FROM zhpolicy.rank_top('rank_docs', 'body', 'rank_sketch', '   ');
DROP INDEX rank_docs_tiers_idx;

-- a row of more than 1,000,000 characters: every occurrence counted, also the last ones
CREATE TABLE rank_long (id bigint PRIMARY KEY, body text);
INSERT INTO rank_long SELECT 1, string_agg(body, E'\n' ORDER BY r, file) || '末尾的结论' FROM article, generate_series(1, 40) r;
INSERT INTO rank_long SELECT 1 + row_number() OVER (ORDER BY file), body FROM article;
ALTER TABLE rank_long ADD COLUMN rank_sketch bytea GENERATED ALWAYS AS (zhpolicy.rank_sketch(body)) STORED;
CREATE INDEX ON rank_long USING gin (body zhpolicy.gin_bigram_ops);
ANALYZE rank_long;
SELECT length(body) > 1000000 AS past_a_million FROM rank_long WHERE id = 1;
SELECT e.term, e.tf = (length(body) - length(replace(body, e.term, ''))) / length(e.term) AS tf_exact, e.tf
FROM rank_long, zhpolicy.rank_explain(body, zhpolicy.rank_query('网络空间 末尾的结论 的')) e WHERE id = 1;
-- rank_top's top 10 is ORDER BY rank(...) DESC, id LIMIT 10 over the rows that hold a phrase
CREATE FUNCTION long_same_top(q text) RETURNS boolean LANGUAGE sql AS $$
    SELECT (SELECT array_agg(d.id ORDER BY t.score DESC, d.id)
            FROM zhpolicy.rank_top('rank_long', 'body', 'rank_sketch', q) t
            JOIN rank_long d ON d.ctid = t.row_ctid)
           = (SELECT array_agg(id ORDER BY s DESC, id) FROM (
                SELECT id, zhpolicy.rank(body, zhpolicy.rank_query(q, 'rank_long', 'body')) AS s FROM rank_long
                WHERE body OPERATOR(zhpolicy.&@) ANY (zhpolicy.rank_terms(q)) ORDER BY 2 DESC, 1 LIMIT 10) x) $$;
SELECT long_same_top(q) AS same_top, q FROM unnest(ARRAY['网络空间', '末尾的结论', '数字 经济 发展', '的']) AS q;
CREATE INDEX ON rank_long USING gin (zhpolicy.rank_tiers(body));
SELECT long_same_top(q) AS same_top_by_tiers, q FROM unnest(ARRAY['网络空间', '末尾的结论', '数字 经济 发展', '的']) AS q;

-- errors
SELECT zhpolicy.rank('x', ROW('{a,b}', '{1}', NULL, NULL, NULL)::zhpolicy.rank_query);
SELECT zhpolicy.rank('x', ROW('{a,NULL}', '{1,1}', NULL, NULL, NULL)::zhpolicy.rank_query);
SELECT zhpolicy.rank('x', ROW('{a}', '{-1}', NULL, NULL, NULL)::zhpolicy.rank_query);
SELECT zhpolicy.rank('x', ROW('{a}', '{NaN}', NULL, NULL, NULL)::zhpolicy.rank_query);
SELECT zhpolicy.rank('x', ROW(NULL, '{1}', NULL, NULL, NULL)::zhpolicy.rank_query);
SELECT zhpolicy.rank('x', (SELECT ROW(array_agg(g::text), array_agg(1.0::float8), NULL, NULL, NULL)::zhpolicy.rank_query
                           FROM generate_series(1, 65) g));
SELECT zhpolicy.rank_query('x', 'rank_docs', 'nope');
SELECT zhpolicy.rank_query('x', 'rank_docs', 'id');
SELECT zhpolicy.rank_query('x', 'no_such_table', 'body');
SELECT zhpolicy.rank_bound('\x00'::bytea, zhpolicy.rank_query('x'));
SELECT zhpolicy.rank_bound('\x5a50534b020000000000000000000000'::bytea, zhpolicy.rank_query('x'));  -- a version 2 sketch
SELECT zhpolicy.rank_bound(rank_sketch, zhpolicy.rank_query('x y'), '{3}') FROM rank_docs WHERE id = 1;
SELECT * FROM zhpolicy.rank_top('rank_docs', 'body', 'body', 'x');
SELECT * FROM zhpolicy.rank_top('rank_docs', 'body', 'rank_sketch', 'x', 0);
SELECT * FROM zhpolicy.rank_top('rank_docs', 'body', 'rank_sketch', 'x', 10, 1);
DROP TABLE rank_docs, rank_long;
DROP FUNCTION long_same_top(text);
