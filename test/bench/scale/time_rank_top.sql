-- Hand timing of zhpolicy.rank_top over the queries of make bench-scale, warm, in one session:
--   psql -v docs=docs -v queries=q -v other=public.rank_top_old -f test/bench/scale/time_rank_top.sql
-- docs: a table (id, body, rank_sketch) with a gin_bigram_ops index on body, as bench-scale builds it;
-- queries: a table (kind text, q text), e.g. loaded from build/bench-scale-<MB>mb/data/queries-*.tsv;
-- other (optional): a function with rank_top's signature, timed beside it, the two interleaved
-- (to compare two builds or loops in the same sitting).  Prints p50 / p95 per query kind, median
-- of 3 runs of each query after one warm-up, and the slowest queries.
\set ON_ERROR_STOP on
\if :{?docs}
\else
\set docs docs
\endif
\if :{?queries}
\else
\set queries q
\endif
\if :{?other}
\else
\set other zhpolicy.rank_top
\endif
CREATE FUNCTION pg_temp.time_top(fn text, tbl text, qq text) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; ts float8[] := '{}'; sql text;
BEGIN
  sql := format('SELECT count(*) FROM %s(%L, ''body'', ''rank_sketch'', $1, 10)', fn, tbl);
  EXECUTE sql USING qq;
  FOR i IN 1..3 LOOP
    t0 := clock_timestamp();
    EXECUTE sql USING qq;
    ts := ts || extract(epoch FROM clock_timestamp() - t0) * 1000;
  END LOOP;
  RETURN (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY v) FROM unnest(ts) v);
END $$;
CREATE TEMP TABLE timed AS
SELECT kind, q, pg_temp.time_top('zhpolicy.rank_top', :'docs', q) AS rank_top_ms,
       pg_temp.time_top(:'other', :'docs', q) AS other_ms
FROM :queries;
SELECT kind, count(*) AS queries,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY rank_top_ms)::numeric, 1) AS rank_top_p50,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY rank_top_ms)::numeric, 1) AS rank_top_p95,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY other_ms)::numeric, 1) AS other_p50,
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY other_ms)::numeric, 1) AS other_p95
FROM timed GROUP BY ROLLUP (kind) ORDER BY kind;
SELECT q, round(rank_top_ms::numeric, 1) AS rank_top_ms, round(other_ms::numeric, 1) AS other_ms
FROM timed ORDER BY rank_top_ms DESC LIMIT 10;
