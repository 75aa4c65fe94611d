#!/usr/bin/env bash
# Search benchmark: does a zhpolicy search find what LIKE finds?
# Rows: the sentences of the cleaned corpus.  Queries: Chinese substrings of 1 to 8
# characters sampled from the rows (a fixed seed), and mixed Latin/digit + Chinese
# strings found in them (5G网络).  Ground truth: strpos(body, query) > 0.  A search is
# tsv @@ websearch_to_tsquery('zhpolicy', query) through the GIN index.  Prints recall,
# precision, index sizes against a word-only index, and median query times with the
# index against a sequential LIKE scan measured in the same run.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../src/scripts/common.sh"
N_QUERIES=${N_QUERIES:-400}
zp_install_deps
zp_build_install
zp_temp_cluster "${BENCH_PORT:-54341}"

PGOPTIONS="-c zhpolicy_bench.nq=$N_QUERIES" "${PSQL[@]}" -v corpus="$ZP_TMP/corpus/" <<'SQL'
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION zhpolicy;
-- a word-only configuration, for the index-size baseline
CREATE TEXT SEARCH DICTIONARY zh_words (TEMPLATE = zhpolicy, Chars = false);
CREATE TEXT SEARCH CONFIGURATION zh_words (COPY = zhpolicy);
ALTER TEXT SEARCH CONFIGURATION zh_words ALTER MAPPING FOR asciiword, word, numword, email, url,
    host, num, quantity, date, time, oov, foreignword, int, docnum, ordinal WITH zh_words;

CREATE TABLE rows AS
SELECT row_number() OVER () AS id, s AS body
FROM (SELECT zhpolicy.clean(pg_read_file(:'corpus' || f)) AS doc
      FROM pg_ls_dir(:'corpus') f WHERE f LIKE '%.txt' ORDER BY f) d,
     regexp_split_to_table(d.doc, '(?<=[。！？；])|\n+') s
WHERE s ~ '[一-龥]' AND char_length(s) >= 4;
ALTER TABLE rows ADD COLUMN tsv tsvector;
UPDATE rows SET tsv = to_tsvector('zhpolicy', body);
CREATE INDEX rows_tsv ON rows USING gin (tsv);
CREATE INDEX rows_words ON rows USING gin (to_tsvector('zh_words', body));
ANALYZE rows;

-- queries: Chinese substrings, lengths 1 to 8 in turn, from rows and offsets picked by
-- hashing the attempt number (the same queries every run)
CREATE TABLE queries (q text PRIMARY KEY, kind text);
DO $$
DECLARE
    want int := current_setting('zhpolicy_bench.nq')::int;
    n int := 0;
    tries int := 0;
    len int;
    b text;
    start int;
    cand text;
BEGIN
    WHILE n < want AND tries < want * 50 LOOP
        tries := tries + 1;
        len := 1 + n % 8;
        SELECT body INTO b FROM rows ORDER BY md5(id::text || ':' || tries::text) LIMIT 1;
        start := 1 + abs(hashtext('start:' || tries)) % greatest(char_length(b) - len + 1, 1);
        cand := substr(b, start, len);
        IF char_length(cand) = len AND cand ~ '^[一-龥]+$' THEN
            INSERT INTO queries VALUES (cand, 'chinese ' || len) ON CONFLICT DO NOTHING;
            IF FOUND THEN n := n + 1; END IF;
        END IF;
    END LOOP;
END $$;
-- mixed queries: Latin letters or digits followed by Chinese characters, as found in the rows
INSERT INTO queries
SELECT DISTINCT m[1], 'mixed' FROM rows,
     regexp_matches(body, '(?<![A-Za-z0-9.%])([A-Za-z0-9]+[一-龥]{1,3})', 'g') m
ON CONFLICT DO NOTHING;

-- evaluate: the index's answer against strpos, query by query, timing both
CREATE TABLE result (q text, kind text, found bigint[], truth bigint[], ms_index float8, ms_like float8);
SET enable_seqscan = off;
DO $$
DECLARE
    r record;
    t0 timestamptz;
    f bigint[];
    tr bigint[];
    mi float8;
    ml float8;
BEGIN
    FOR r IN SELECT * FROM queries ORDER BY q LOOP
        t0 := clock_timestamp();
        SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO f
        FROM rows WHERE tsv @@ websearch_to_tsquery('zhpolicy', r.q);
        mi := extract(epoch FROM clock_timestamp() - t0) * 1000;
        SET LOCAL enable_seqscan = on;
        t0 := clock_timestamp();
        SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO tr
        FROM rows WHERE body LIKE '%' || r.q || '%';
        ml := extract(epoch FROM clock_timestamp() - t0) * 1000;
        SET LOCAL enable_seqscan = off;
        INSERT INTO result VALUES (r.q, r.kind, f, tr, mi, ml);
    END LOOP;
END $$;
RESET enable_seqscan;

\echo
\echo zhpolicy search benchmark: do searches find what LIKE finds?
SELECT count(*) AS rows, pg_size_pretty(sum(octet_length(body))) AS text,
       (SELECT count(*) FROM queries) AS queries,
       (SELECT count(*) FROM queries WHERE kind = 'mixed') AS mixed_queries
FROM rows;
SELECT kind,
       count(*) AS queries,
       sum(cardinality(truth)) AS like_hits,
       round(sum((SELECT count(*) FROM unnest(found) x WHERE x = ANY (truth)))::numeric
             / greatest(sum(cardinality(truth)), 1), 4) AS recall,
       round(sum((SELECT count(*) FROM unnest(found) x WHERE x = ANY (truth)))::numeric
             / greatest(sum(cardinality(found)), 1), 4) AS precision
FROM result GROUP BY ROLLUP (kind) ORDER BY kind NULLS LAST;
\echo queries whose answer differs from LIKE (at most 10):
SELECT q, cardinality(truth) AS like_rows, cardinality(found) AS search_rows,
       (SELECT array_agg(x) FROM unnest(truth) x WHERE x <> ALL (found)) AS missed,
       (SELECT array_agg(x) FROM unnest(found) x WHERE x <> ALL (truth)) AS extra
FROM result WHERE found <> truth ORDER BY q LIMIT 10;
SELECT pg_size_pretty(pg_relation_size('rows_tsv')) AS gin_zhpolicy,
       pg_size_pretty(pg_relation_size('rows_words')) AS gin_words_only,
       round(pg_relation_size('rows_tsv')::numeric / pg_relation_size('rows_words'), 2) AS size_ratio;
SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms_index)::numeric, 3) AS median_ms_gin,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms_like)::numeric, 3) AS median_ms_like_scan,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms_like)
              / percentile_cont(0.5) WITHIN GROUP (ORDER BY ms_index))::numeric, 1) AS speedup
FROM result;
\echo the plan of a search:
EXPLAIN (COSTS OFF) SELECT id FROM rows WHERE tsv @@ websearch_to_tsquery('zhpolicy', '共同体');
SQL
