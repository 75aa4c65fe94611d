#!/usr/bin/env bash
# Search benchmark: does a zhpolicy search find what LIKE finds?
# Rows: the sentences of the cleaned corpus.  Queries: Chinese substrings of 1 to 8
# characters sampled from the rows (a fixed seed), and mixed Latin/digit + Chinese
# strings found in them (5G网络).  Ground truth: strpos(body, query) > 0.  A search is
# tsv @@ websearch_to_tsquery('zhpolicy', query) through the GIN index.  Prints recall,
# precision, index sizes against a word-only index, and median query times with the
# index against a sequential LIKE scan measured in the same run.  Then the same question on whole
# documents (rows of 20,000-200,000 characters, WHOLE_MB=20 MB of them): the README's stored
# tsvector recipe, the text index and pg_bigm where installed, recall and precision per query
# kind and by where in the row the first occurrence is (the tsvector's 16,383-position limit).
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

# ---------------------------------------------------------------------------------------
# Whole documents (issue 13): rows of 20,000-200,000 characters recombined from the corpus
# sentences and the segmentation dev set (test/bench/scale/gen_corpus.py, fixed seed), 200
# queries cut from them (100 dictionary words of 2-4 Han characters, 100 phrases of 5-8), truth
# from strpos.  Each setup that is installed: the README's stored-tsvector recipe, the text
# index (zhpolicy.gin_bigram_ops: &@ and LIKE) and pg_bigm (LIKE likequery).
WHOLE_MB=${WHOLE_MB:-20}
/usr/bin/python3 "$ZP_ROOT/test/bench/scale/gen_corpus.py" --root "$ZP_ROOT" --mb "$WHOLE_MB" --seed 13 \
    --min-chars 20000 --max-chars 200000 --words 100 --phrases 100 \
    --out "$ZP_TMP/whole.tsv" --queries "$ZP_TMP/whole_q.tsv"
chmod a+r "$ZP_TMP/whole.tsv" "$ZP_TMP/whole_q.tsv"
have_bigm=0
[ -f "$("$PG_CONFIG" --sharedir)/extension/pg_bigm.control" ] && have_bigm=1
"${PSQL[@]}" -v docs="$ZP_TMP/whole.tsv" -v qs="$ZP_TMP/whole_q.tsv" -v have_bigm="$have_bigm" <<'SQL'
\pset footer off
SET client_min_messages = warning;
CREATE TABLE docs (id bigint PRIMARY KEY, body text NOT NULL);
COPY docs FROM :'docs';
CREATE TABLE wq (qid int PRIMARY KEY, kind text, q text);
COPY wq FROM :'qs';
ANALYZE docs;
-- the truth, with the position of each row's first occurrence
CREATE TABLE wtruth AS
SELECT q.qid, d.id, strpos(d.b, q.q) AS pos
FROM (SELECT id, body || '' AS b FROM docs OFFSET 0) d JOIN wq q ON strpos(d.b, q.q) > 0;
CREATE TABLE wfound (setup text, qid int, id bigint);
CREATE TABLE wsetup (setup text, index_mb float8, build_s float8, ord int);
SELECT EXISTS (SELECT FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace
               WHERE n.nspname = 'zhpolicy' AND c.opcname = 'gin_bigram_ops') AS have_text_index \gset
-- run a search for every query: setup name, a format() string with %L for the query
CREATE FUNCTION wrun(p_setup text, p_sql text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    FOR r IN SELECT * FROM wq ORDER BY qid LOOP
        EXECUTE format('INSERT INTO wfound SELECT %L, %s, id FROM (' || p_sql || ') s', p_setup, r.qid, r.q);
    END LOOP;
END $$;
SET enable_seqscan = off;
-- the README's first recipe: a stored to_tsvector column with a GIN index
\set t0 `date +%s.%N`
ALTER TABLE docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('zhpolicy', body)) STORED;
CREATE INDEX docs_tsv ON docs USING gin (tsv);
\set t1 `date +%s.%N`
INSERT INTO wsetup VALUES ('zhpolicy to_tsvector column', pg_relation_size('docs_tsv') / 1e6, :t1 - :t0, 1);
SELECT wrun('zhpolicy to_tsvector column', $q$SELECT id FROM docs WHERE tsv @@ websearch_to_tsquery('zhpolicy', %L)$q$) \g /dev/null
ALTER TABLE docs DROP COLUMN tsv;
\if :have_text_index
\set t0 `date +%s.%N`
CREATE INDEX docs_text ON docs USING gin (body zhpolicy.gin_bigram_ops);
\set t1 `date +%s.%N`
INSERT INTO wsetup VALUES ('zhpolicy text index, &@', pg_relation_size('docs_text') / 1e6, :t1 - :t0, 2),
                          ('zhpolicy text index, LIKE', pg_relation_size('docs_text') / 1e6, :t1 - :t0, 3);
SELECT wrun('zhpolicy text index, &@', $q$SELECT id FROM docs WHERE body OPERATOR(zhpolicy.&@) %L$q$) \g /dev/null
SELECT wrun('zhpolicy text index, LIKE', $q$SELECT id FROM docs WHERE body LIKE '%%' || %L || '%%'$q$) \g /dev/null
DROP INDEX docs_text;
\else
\echo whole documents: this zhpolicy has no text index (zhpolicy.gin_bigram_ops); its rows are left out
\endif
\if :have_bigm
CREATE EXTENSION pg_bigm;
\set t0 `date +%s.%N`
CREATE INDEX docs_bigm ON docs USING gin (body gin_bigm_ops);
\set t1 `date +%s.%N`
INSERT INTO wsetup VALUES ('pg_bigm, LIKE likequery', pg_relation_size('docs_bigm') / 1e6, :t1 - :t0, 4);
SELECT wrun('pg_bigm, LIKE likequery', $q$SELECT id FROM docs WHERE body LIKE likequery(%L)$q$) \g /dev/null
DROP INDEX docs_bigm;
\else
\echo whole documents: pg_bigm is not installed (../shared/peers/build.sh builds it); its row is left out
\endif
RESET enable_seqscan;

\echo
\echo whole documents: do searches find what strpos finds in rows of 20,000-200,000 characters?
SELECT count(*) AS rows, round(sum(octet_length(body)) / 1e6, 1) AS text_mb,
       min(char_length(body)) AS min_chars, max(char_length(body)) AS max_chars,
       round(avg(char_length(body))) AS mean_chars,
       (SELECT count(*) FROM wq) AS queries, (SELECT count(*) FROM wtruth) AS strpos_matches
FROM docs;
SELECT s.setup, q.kind,
       count(t.id) AS strpos_rows,
       (SELECT count(*) FROM wfound f JOIN wq q2 USING (qid) WHERE f.setup = s.setup AND q2.kind = q.kind) AS found_rows,
       round(count(f.id)::numeric / greatest(count(t.id), 1), 4) AS recall,
       round(count(f.id)::numeric / greatest((SELECT count(*) FROM wfound f JOIN wq q2 USING (qid)
                                              WHERE f.setup = s.setup AND q2.kind = q.kind), 1), 4) AS precision,
       round(count(f.id) FILTER (WHERE t.pos <= 16383)::numeric / greatest(count(t.id) FILTER (WHERE t.pos <= 16383), 1), 4)
           AS recall_first_at_or_before_16383,
       round(count(f.id) FILTER (WHERE t.pos > 16383)::numeric / greatest(count(t.id) FILTER (WHERE t.pos > 16383), 1), 4)
           AS recall_first_after_16383
FROM wsetup s CROSS JOIN (SELECT DISTINCT kind FROM wq) q
JOIN wq USING (kind) JOIN wtruth t USING (qid)
LEFT JOIN wfound f ON f.setup = s.setup AND f.qid = t.qid AND f.id = t.id
GROUP BY s.setup, s.ord, q.kind ORDER BY s.ord, q.kind;
SELECT setup, round(index_mb::numeric, 1) AS index_mb, round(build_s::numeric, 1) AS build_s,
       round(((SELECT sum(octet_length(body)) FROM docs) / 1e6 / build_s)::numeric, 2) AS text_mb_per_s
FROM wsetup ORDER BY ord;
SQL
