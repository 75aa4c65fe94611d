-- Ranked top-10 latency at 100 MB (the README's Ranking figures), run by hand:
--   cd test/bench/index_study && python3 gen.py 100000000 0.35 docs.tsv && python3 genq.py
--   psql: CREATE TABLE docs (id bigint PRIMARY KEY, body text); \copy docs FROM docs.tsv
--         \i test/recipes/long_documents/prepare.sql
--         CREATE TABLE q (qid int, kind text, q text); \copy q FROM queries.tsv
--         \i test/bench/ranking/speed.sql
-- naive: every candidate of the index scored; fast: rank_top exact; fast1: rank_top, epsilon 0.01
CREATE OR REPLACE FUNCTION naive(qq text) RETURNS bigint[] LANGUAGE sql AS $$
  WITH r AS MATERIALIZED (SELECT zhpolicy.rank_query(qq, 'docs', 'body') rq)
  SELECT array_agg(id ORDER BY s DESC, id) FROM (
    SELECT d.id, zhpolicy.rank(d.body, r.rq) s FROM docs d, r
    WHERE d.body OPERATOR(zhpolicy.&@) ANY ((r.rq).terms) ORDER BY 2 DESC, 1 LIMIT 10) x $$;
CREATE OR REPLACE FUNCTION fast(qq text) RETURNS bigint[] LANGUAGE sql AS $$
  SELECT array_agg(d.id ORDER BY t.score DESC, d.id) FROM zhpolicy.rank_top('docs', 'body', 'rank_sketch', qq, 10) t
  JOIN docs d ON d.tableoid = t.row_table AND d.ctid = t.row_ctid $$;
CREATE OR REPLACE FUNCTION fast1(qq text) RETURNS bigint[] LANGUAGE sql AS $$
  SELECT array_agg(d.id ORDER BY t.score DESC, d.id) FROM zhpolicy.rank_top('docs', 'body', 'rank_sketch', qq, 10, 0.01) t
  JOIN docs d ON d.tableoid = t.row_table AND d.ctid = t.row_ctid $$;
-- best of runs after a warm-up, in ms
CREATE OR REPLACE FUNCTION timeit(fn text, qq text, runs int DEFAULT 3) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; best float8 := 1e9; x bigint[];
BEGIN
  EXECUTE format('SELECT %s($1)', fn) INTO x USING qq;
  FOR i IN 1..runs LOOP
    t0 := clock_timestamp();
    EXECUTE format('SELECT %s($1)', fn) INTO x USING qq;
    best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
  RETURN best;
END $$;
DROP TABLE IF EXISTS speed;
CREATE TABLE speed AS
SELECT qid, kind, q, naive(q) AS naive_ids, fast(q) AS fast_ids, fast1(q) AS fast1_ids,
       timeit('naive', q, 1) AS naive_ms, timeit('fast', q, 1) AS fast_ms, timeit('fast1', q, 1) AS fast1_ms
FROM q;
SELECT kind, count(*) AS queries,
       count(*) FILTER (WHERE naive_ids = fast_ids) AS same_exact, count(*) FILTER (WHERE naive_ids = fast1_ids) AS same_eps,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY naive_ms)::numeric, 1) AS naive_p50,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY naive_ms)::numeric, 1) AS naive_p95,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY fast_ms)::numeric, 1) AS exact_p50,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY fast_ms)::numeric, 1) AS exact_p95,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY fast1_ms)::numeric, 1) AS eps_p50,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY fast1_ms)::numeric, 1) AS eps_p95
FROM speed GROUP BY ROLLUP (kind);
