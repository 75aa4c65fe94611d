-- The ranked top 10 with and without the tier index, in one sitting, by query kind.
-- Run on a database holding docs(id, body, rank_sketch) with the README's ranked recipe
-- (test/recipes/long_documents/prepare.sql: the text index, the sketch column and the tier index)
-- and a query table (qid, kind, q) such as bench-scale's (gen_corpus.py writes both files):
--   psql -v tiers=docs_rank_tiers_idx -v queries=bench.queries -f test/bench/scale/rank_kinds.sql
-- One warm-up, then one timed run of each query through the tier index; then the same with the
-- index dropped inside a transaction that is rolled back.  Prints p50 / p95 per mode and kind, the
-- queries under 20 ms, those with fewer than 10 rows in their answer, and whether both modes agree.
\set QUIET on
\if :{?tiers}
\else
\set tiers docs_rank_tiers_idx
\endif
\if :{?queries}
\else
\set queries bench.queries
\endif
CREATE TEMP TABLE rank_kinds_q AS SELECT qid, kind, q FROM :queries;
CREATE TEMP TABLE rank_kinds_res (mode text, qid int, ms float8, ids bigint[]);
CREATE FUNCTION pg_temp.rank_kinds_run(p_mode text) RETURNS SETOF rank_kinds_res LANGUAGE plpgsql AS $$
DECLARE r record; t0 timestamptz; x bigint[]; i int;
BEGIN
    FOR i IN 0..1 LOOP
        FOR r IN SELECT * FROM rank_kinds_q ORDER BY qid LOOP
            t0 := clock_timestamp();
            SELECT array_agg(d.id ORDER BY t.score DESC, d.id) INTO x
            FROM zhpolicy.rank_top('docs', 'body', 'rank_sketch', r.q, 10) t
            JOIN docs d ON d.tableoid = t.row_table AND d.ctid = t.row_ctid;
            IF i = 1 THEN
                RETURN NEXT ROW(p_mode, r.qid, extract(epoch FROM clock_timestamp() - t0) * 1000, x)::rank_kinds_res;
            END IF;
        END LOOP;
    END LOOP;
END $$;
INSERT INTO rank_kinds_res SELECT * FROM pg_temp.rank_kinds_run('tier index');
-- without the index: the rows come back out of the transaction in a cursor-free way, a temp file
BEGIN;
DROP INDEX :tiers;
CREATE TEMP TABLE rank_kinds_classic ON COMMIT PRESERVE ROWS AS SELECT * FROM pg_temp.rank_kinds_run('sketches only');
\copy rank_kinds_classic TO '/tmp/rank_kinds_classic.tsv'
ROLLBACK;
\copy rank_kinds_res FROM '/tmp/rank_kinds_classic.tsv'
\set QUIET off
SELECT mode, coalesce(kind, 'all') AS kind, count(*) AS queries,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p50_ms,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p95_ms,
       count(*) FILTER (WHERE ms < 20) AS under_20_ms,
       count(*) FILTER (WHERE coalesce(cardinality(ids), 0) < 10) AS fewer_than_10_rows
FROM rank_kinds_res JOIN rank_kinds_q USING (qid) GROUP BY GROUPING SETS ((mode, kind), (mode)) ORDER BY 1, 2;
SELECT count(*) FILTER (WHERE a.ids IS NOT DISTINCT FROM b.ids) AS same_ids, count(*) AS queries
FROM rank_kinds_res a JOIN rank_kinds_res b USING (qid) WHERE a.mode = 'tier index' AND b.mode = 'sketches only';
