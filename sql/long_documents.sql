-- The whole-document recipe (test/recipes/long_documents/): prepare.sql and search.sql on a
-- table with a row past 1,000,000 characters (the corpus articles joined and repeated), with
-- queries cut from the end of that row, checked against strpos; then the same on a
-- partitioned docs.
\getenv abs_srcdir PG_ABS_SRCDIR
\set recipe :abs_srcdir '/test/recipes/long_documents/'
\set prepare :recipe 'prepare.sql'
\set search :recipe 'search.sql'
\set ranked :recipe 'ranked.sql'

CREATE TABLE docs (id bigint PRIMARY KEY, body text);
INSERT INTO docs
SELECT 1, string_agg(body || '（第' || r || '遍）', E'\n' ORDER BY r, file)
FROM article, generate_series(1, 40) r;
INSERT INTO docs SELECT 1 + row_number() OVER (ORDER BY file), body FROM article;
INSERT INTO docs
SELECT 10 + k, string_agg(body, E'\n' ORDER BY (n * k) % 5, n)
FROM generate_series(1, 4) k, LATERAL (SELECT row_number() OVER (ORDER BY file) AS n, body FROM article) a
GROUP BY k;
SELECT id, length(body) > 1000000 AS past_a_million FROM docs ORDER BY id;

\i :prepare

-- ids of the rows strpos finds, in search.sql's form, to compare with its output
CREATE FUNCTION strpos_ids(q text) RETURNS SETOF bigint LANGUAGE sql STABLE
    AS $$ SELECT id FROM docs WHERE strpos(body, q) > 0 ORDER BY id $$;

-- the last 4 characters of the million-character row: only row 1 has them
SELECT right(body, 4) AS q FROM docs WHERE id = 1 \gset
\i :search
SELECT string_agg(i::text, ' ') AS by_strpos FROM strpos_ids(:'q') i;
-- the last 8 characters
SELECT right(body, 8) AS q FROM docs WHERE id = 1 \gset
\i :search
SELECT string_agg(i::text, ' ') AS by_strpos FROM strpos_ids(:'q') i;
-- 6 characters ending 20 characters before the end, and 3 characters past position 1,000,000
SELECT substr(body, length(body) - 25, 6) AS q FROM docs WHERE id = 1 \gset
\i :search
SELECT string_agg(i::text, ' ') AS by_strpos FROM strpos_ids(:'q') i;
SELECT substr(body, 1000001, 3) AS q FROM docs WHERE id = 1 \gset
\i :search
SELECT string_agg(i::text, ' ') AS by_strpos FROM strpos_ids(:'q') i;
-- a phrase of every article, one character, a miss, and an ASCII word of mixed case
\set q '网络空间'
\i :search
SELECT string_agg(i::text, ' ') AS by_strpos FROM strpos_ids(:'q') i;
\set q '第40遍'
\i :search
SELECT string_agg(i::text, ' ') AS by_strpos FROM strpos_ids(:'q') i;
\set q '第41遍'
\i :search
SELECT string_agg(i::text, ' ') AS by_strpos FROM strpos_ids(:'q') i;
\pset format aligned
\pset tuples_only off

-- 100 queries of 2-8 characters cut from the last 100,000 characters of the long row: the
-- recipe's query (planned with each query's value, as psql's is) finds exactly the strpos rows
CREATE TABLE docq AS
SELECT substr(body, length(body) - 100000 + (k * 4999) % 99990, 2 + k % 7) AS q
FROM docs, generate_series(1, 100) k WHERE id = 1;
CREATE FUNCTION recipe_ids(q text) RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE r bigint[];
BEGIN
    PERFORM set_config('enable_seqscan', 'off', true);
    EXECUTE 'SELECT array_agg(id ORDER BY id) FROM docs WHERE body OPERATOR(zhpolicy.&@) $1' INTO r USING q;
    RETURN r;
END $$;
SELECT count(*) AS queries, count(*) FILTER (WHERE recipe_ids(q) IS DISTINCT FROM ARRAY(SELECT strpos_ids(q))) AS wrong,
       count(*) FILTER (WHERE 1 = ANY (recipe_ids(q))) AS found_in_long_row
FROM docq;

-- the plan: the recipe's query goes through the index
SET enable_seqscan = off;
SET enable_indexscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM docs WHERE body OPERATOR(zhpolicy.&@) '网络空间' ORDER BY id;
RESET enable_seqscan;
RESET enable_indexscan;

-- ranked.sql: the 10 best rows, in the order of ORDER BY zhpolicy.rank(...) DESC, id LIMIT 10
CREATE FUNCTION naive_top(q text) RETURNS bigint[] LANGUAGE sql AS $$
    SELECT array_agg(id ORDER BY s DESC, id) FROM (
        SELECT id, zhpolicy.rank(body, zhpolicy.rank_query(q, 'docs', 'body')) AS s FROM docs
        WHERE body OPERATOR(zhpolicy.&@) ANY (zhpolicy.rank_terms(q)) ORDER BY 2 DESC, 1 LIMIT 10) x $$;
CREATE FUNCTION recipe_top(q text) RETURNS bigint[] LANGUAGE sql AS $$
    SELECT array_agg(d.id ORDER BY t.score DESC, d.id)
    FROM zhpolicy.rank_top('docs', 'body', 'rank_sketch', q, 10) t
    JOIN docs d ON d.tableoid = t.row_table AND d.ctid = t.row_ctid $$;
\pset format unaligned
\pset tuples_only on
\set q '网络空间 数字经济'
\i :ranked
SELECT naive_top(:'q') AS by_order_by;
SELECT right(body, 6) AS q FROM docs WHERE id = 1 \gset
\i :ranked
SELECT naive_top(:'q') AS by_order_by;
\pset format aligned
\pset tuples_only off
CREATE TABLE rank_queries AS
SELECT q FROM docq UNION ALL SELECT q1 || ' ' || q2 FROM (SELECT q AS q1, lead(q) OVER (ORDER BY q) AS q2 FROM docq) p
WHERE q2 IS NOT NULL;
-- through the tier index (prepare.sql made it): the same top 10, and the index was read
SELECT count(*) AS queries, count(*) FILTER (WHERE recipe_top(q) IS DISTINCT FROM naive_top(q)) AS wrong FROM rank_queries;
SELECT pg_stat_force_next_flush();
SELECT idx_scan > 0 AS tier_index_read FROM pg_stat_user_indexes WHERE indexrelname = 'docs_rank_tiers_idx';
-- without it (every candidate bounded by its sketch): the same
DROP INDEX docs_rank_tiers_idx;
SELECT count(*) AS queries, count(*) FILTER (WHERE recipe_top(q) IS DISTINCT FROM naive_top(q)) AS wrong FROM rank_queries;

-- the same on a partitioned docs: prepare.sql indexes every partition
ALTER TABLE docs RENAME TO docs_plain;
ALTER INDEX docs_body_bigram_idx RENAME TO docs_plain_body_bigram_idx;
CREATE TABLE docs (id bigint PRIMARY KEY, body text) PARTITION BY RANGE (id);
CREATE TABLE docs_low PARTITION OF docs FOR VALUES FROM (MINVALUE) TO (5);
CREATE TABLE docs_high PARTITION OF docs FOR VALUES FROM (5) TO (MAXVALUE);
INSERT INTO docs SELECT id, body FROM docs_plain;
\i :prepare
SELECT c.relname AS partition_index FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid IN ('docs_low'::regclass, 'docs_high'::regclass) AND c.relname LIKE '%body%' ORDER BY 1;
SELECT right(body, 8) AS q FROM docs WHERE id = 1 \gset
\i :search
SELECT string_agg(i::text, ' ') AS by_strpos FROM strpos_ids(:'q') i;
\set q '网络空间'
\i :search
SELECT string_agg(i::text, ' ') AS by_strpos FROM strpos_ids(:'q') i;
\pset format aligned
\pset tuples_only off
SELECT count(*) AS queries, count(*) FILTER (WHERE recipe_ids(q) IS DISTINCT FROM ARRAY(SELECT strpos_ids(q))) AS wrong
FROM docq;
\pset format unaligned
\pset tuples_only on
\set q '网络空间 数字经济'
\i :ranked
SELECT naive_top(:'q') AS by_order_by;
\pset format aligned
\pset tuples_only off
SELECT count(*) AS queries, count(*) FILTER (WHERE recipe_top(q) IS DISTINCT FROM naive_top(q)) AS wrong FROM docq;
SET enable_seqscan = off;
SET enable_indexscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM docs WHERE body OPERATOR(zhpolicy.&@) '网络空间' ORDER BY id;
RESET enable_seqscan;
RESET enable_indexscan;
DROP TABLE docs, docs_plain, docq, rank_queries;
DROP FUNCTION strpos_ids(text), recipe_ids(text), naive_top(text), recipe_top(text);
