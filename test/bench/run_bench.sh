#!/usr/bin/env bash
# Benchmarks of a backend using zhpolicy, each against a baseline measured in
# the same run (PostgreSQL's built-in 'simple' configuration, which does no
# Chinese segmentation).  Starts its own temporary cluster; prints a table.
#   - private memory a backend adds after parsing the whole corpus, and how much
#     of the lexicon it maps (shared page cache, not private memory)
#   - first to_tsvector call in a new connection (median of 21 connections)
#   - on the corpus replicated to at least BENCH_MB MB in one table, one core unless said, each
#     timing the best of BENCH_REPEAT runs (3; fewer for the slowest, to_tsvector and its GIN build):
#     to_tsvector and zhpolicy.tsvector throughput, ts_parse throughput, GIN
#     index build, p50/p95 of 100 searches through a GIN index, a parallel
#     sequential scan (workers launched, speed-up over one process)
#   - the floor: 'simple' itself fed the same text with a space after every
#     character (the lexemes a LIKE-complete index holds) or between words
#   - (tagging: test/bench/tagging.sh)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../src/scripts/common.sh"
BENCH_MB=${BENCH_MB:-50}
zp_install_deps
zp_build_install

zp_temp_cluster "${BENCH_PORT:-54339}"
"${PSQL[@]}" -v corpus="$ZP_TMP/corpus/" -v mb="$BENCH_MB" <<'SQL'
CREATE EXTENSION zhpolicy;
CREATE TABLE corpus AS SELECT zhpolicy.clean(pg_read_file(:'corpus' || f)) AS body
FROM pg_ls_dir(:'corpus') f WHERE f LIKE '%.txt';
CREATE TABLE big AS
SELECT c.body FROM corpus c, generate_series(1, greatest(1, ceil(:mb * 1048576.0 / (SELECT sum(octet_length(body)) FROM corpus))::int));
SQL

# sum of a field of /proc/self/smaps_rollup, or of the lexicon's mapping in /proc/self/smaps, in kB
mem_sql() {
    cat <<'SQL'
-- a field summed over the backend's private (not MAP_SHARED) mappings: file pages
-- mapped shared, like the lexicon or shared_buffers, are page cache, not private memory
CREATE OR REPLACE FUNCTION pg_temp.kb(field text) RETURNS bigint LANGUAGE sql AS $$
  SELECT coalesce(sum((regexp_match(m, '\n' || field || ':\s+(\d+) kB'))[1]::bigint), 0)
  FROM regexp_split_to_table(pg_read_file('/proc/self/smaps'), E'\n(?=[0-9a-f]+-[0-9a-f]+ )') m
  WHERE m ~ '^[0-9a-f]+-[0-9a-f]+ [-r][-w][-x]p ' $$;
CREATE OR REPLACE FUNCTION pg_temp.lex_kb(field text) RETURNS bigint LANGUAGE sql AS $$
  SELECT coalesce(sum((regexp_match(m, '\n' || field || ':\s+(\d+) kB'))[1]::bigint), 0)
  FROM regexp_split_to_table(pg_read_file('/proc/self/smaps'), E'\n(?=[0-9a-f]+-[0-9a-f]+ )') m
  WHERE m ~ 'zhpolicy\.lex' $$;
SQL
}

# private memory added by parsing the corpus once with a configuration
mem_run() {
    { mem_sql; cat <<SQL
SELECT pg_temp.kb('Private_Dirty') AS d0, pg_temp.kb('Anonymous') AS a0 \gset
SELECT count(to_tsvector('$1', body)) FROM corpus \g /dev/null
SELECT CASE WHEN '$1' = 'zhpolicy' THEN count(zhpolicy.tsvector(body)) END FROM corpus \g /dev/null
SELECT pg_temp.kb('Private_Dirty') - :d0 AS dirty, pg_temp.kb('Anonymous') - :a0 AS anon,
       pg_temp.lex_kb('Rss') AS lex_rss, pg_temp.lex_kb('Shared_Clean') AS lex_shared,
       pg_temp.lex_kb('Pss') AS lex_pss \gset
\echo :dirty :anon :lex_rss :lex_shared :lex_pss
SQL
    } | "${PSQL[@]}" -At
}
# a second backend keeps the lexicon mapped meanwhile, as on a busy server
"${PSQL[@]}" -c "SELECT count(to_tsvector('zhpolicy', body)) FROM corpus; SELECT pg_sleep(30)" >/dev/null &
holder=$!
sleep 2
read -r z_dirty z_anon z_rss z_shared z_pss <<<"$(mem_run zhpolicy)"
read -r s_dirty s_anon _ _ _ <<<"$(mem_run simple)"
kill $holder 2>/dev/null || true
wait $holder 2>/dev/null || true

# first call in a new connection: median over 21 connections
first_call() {
    local i times=()
    for i in $(seq 21); do
        times+=("$("${PSQL[@]}" -At -c '\timing on' -c "SELECT to_tsvector('$1', '构建网络空间命运共同体是信息时代的必然选择')" \
            | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 11p
}
z_first=$(first_call zhpolicy)
s_first=$(first_call simple)

# throughput and index build, one process
# the best of BENCH_REPEAT runs (default 3): this machine is shared, and a slow run is noise
timed() {
    local i
    for i in $(seq "${BENCH_REPEAT:-3}"); do
        "${PSQL[@]}" -At -c "SET max_parallel_workers_per_gather = 0" -c "SET client_min_messages = warning" \
            -c '\timing on' -c "$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
        if [ -n "${2:-}" ]; then "${PSQL[@]}" -q -c "$2"; fi
    done | sort -n | head -1
}
bytes=$("${PSQL[@]}" -At -c "SELECT sum(octet_length(body)) FROM big")
"${PSQL[@]}" -At -c "SELECT count(length(body)) FROM big" >/dev/null    # warm the cache
z_tsv=$(BENCH_REPEAT=2 timed "SELECT count(to_tsvector('zhpolicy', body)) FROM big")
f_tsv=$(timed "SELECT count(zhpolicy.tsvector(body)) FROM big")
s_tsv=$(timed "SELECT count(to_tsvector('simple', body)) FROM big")
z_prs=$(timed "SELECT count(*) FROM big, ts_parse('zhpolicy', body)")
s_prs=$(timed "SELECT count(*) FROM big, ts_parse('default', body)")
z_gin=$(BENCH_REPEAT=1 timed "CREATE INDEX big_gin_z ON big USING gin (to_tsvector('zhpolicy', body))" "DROP INDEX big_gin_z")
f_gin=$(timed "CREATE INDEX big_gin_f ON big USING gin (zhpolicy.tsvector(body))" "DROP INDEX big_gin_f")
s_gin=$(timed "CREATE INDEX big_gin_s ON big USING gin (to_tsvector('simple', body))" "DROP INDEX big_gin_s")

# the floor, on a ~10 MB part: simple on plain text, with a space after every character, between words
"${PSQL[@]}" -q <<'SQL'
CREATE TABLE part AS SELECT body FROM big LIMIT greatest(1, (SELECT count(*) FROM big) / 5);
CREATE TABLE part_chars AS SELECT regexp_replace(body, '(.)', '\1 ', 'g') AS body FROM part;
CREATE TABLE part_words AS SELECT (SELECT string_agg(token, ' ') FROM ts_parse('zhpolicy', body)) AS body FROM part;
SQL
p_plain=$(timed "SELECT count(to_tsvector('simple', body)) FROM part")
p_chars=$(timed "SELECT count(to_tsvector('simple', body)) FROM part_chars")
p_words=$(timed "SELECT count(to_tsvector('simple', body)) FROM part_words")

# 100 searches through a GIN index on a stored tsvector: Chinese strings of 2-4 characters of the corpus
search_ms() {
    "${PSQL[@]}" -At <<SQL
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE lat (ms float8);
DO \$\$
DECLARE q text; t0 timestamptz; n bigint;
BEGIN
  FOR q IN SELECT substr(c.body, 1 + (i * 7919) % greatest(char_length(c.body) - 4, 1), 2 + i % 3)
           FROM generate_series(1, 100) i, LATERAL (SELECT body FROM corpus ORDER BY md5(body) OFFSET i % 5 LIMIT 1) c
  LOOP
    t0 := clock_timestamp();
    SELECT count(*) INTO n FROM big WHERE $1 @@ $2;
    INSERT INTO lat VALUES (extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
END \$\$;
SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) || ' ' ||
       round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 2) FROM lat;
SQL
}
"${PSQL[@]}" -q <<'SQL'
ALTER TABLE big ADD COLUMN tsv_z tsvector, ADD COLUMN tsv_s tsvector;
UPDATE big SET tsv_z = zhpolicy.tsvector(body), tsv_s = to_tsvector('simple', body);
CREATE INDEX ON big USING gin (tsv_z);
CREATE INDEX ON big USING gin (tsv_s);
VACUUM ANALYZE big;
SQL
read -r z_p50 z_p95 <<<"$(search_ms tsv_z "websearch_to_tsquery('zhpolicy', q)")"
read -r s_p50 s_p95 <<<"$(search_ms tsv_s "websearch_to_tsquery('simple', q)")"

# a parallel sequential scan that computes the tsvector of every row (the heap is small, the text
# being TOASTed, so the planner needs min_parallel_table_scan_size = 0 to plan workers for it)
par_plan=$("${PSQL[@]}" -At -c "SET max_parallel_workers_per_gather = 2" -c "SET parallel_setup_cost = 0" -c "SET parallel_tuple_cost = 0" -c "SET min_parallel_table_scan_size = 0" \
    -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT count(*) FROM big WHERE to_tsvector('zhpolicy', body) @@ to_tsquery('zhpolicy', '网络')")
workers=$(sed -n 's/.*Workers Launched: \([0-9]*\).*/\1/p' <<<"$par_plan")
par_ms=$(sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p' <<<"$par_plan")
ser_ms=$("${PSQL[@]}" -At -c "SET max_parallel_workers_per_gather = 0" \
    -c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT count(*) FROM big WHERE to_tsvector('zhpolicy', body) @@ to_tsquery('zhpolicy', '网络')" \
    | sed -n 's/^Execution Time: \([0-9.]*\) ms/\1/p')

# tagging is measured by test/bench/tagging.sh (make bench runs it next), at full vocabulary size

mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
rate() { awk -v b="$bytes" -v t="$1" 'BEGIN { printf "%.1f MB/s", b / 1048576 / (t / 1000) }'; }
speed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }   # a's speed relative to b's
row() { printf '%-58s %16s %16s %8s\n' "$@"; }
echo
echo "zhpolicy benchmark ($(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), corpus ${mb} MB in $("${PSQL[@]}" -At -c "SELECT count(*) FROM big") rows, $(date -u +%Y-%m-%d))"
row "measure" "zhpolicy" "simple" "ratio"
row "private memory added by a backend (Private_Dirty)" "$z_dirty kB" "$s_dirty kB" \
    "$(awk -v a="$z_dirty" -v b="$s_dirty" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / (b > 0 ? b : 1) }')"
row "anonymous memory added by a backend" "$z_anon kB" "$s_anon kB" "-"
row "lexicon pages this backend maps (page cache, Rss)" "$z_rss kB" "-" "-"
row "its share of them with 1 other backend (Pss)" "$z_pss kB" "-" "-"
row "first to_tsvector in a new connection (median, ms)" "$z_first" "$s_first" "$(speed "$s_first" "$z_first")"
row "to_tsvector throughput (speed ratio)" "$(rate "$z_tsv")" "$(rate "$s_tsv")" "$(speed "$z_tsv" "$s_tsv")"
row "zhpolicy.tsvector throughput, same bytes as to_tsvector" "$(rate "$f_tsv")" "$(rate "$s_tsv")" "$(speed "$f_tsv" "$s_tsv")"
row "ts_parse throughput (parser zhpolicy vs default)" "$(rate "$z_prs")" "$(rate "$s_prs")" "$(speed "$z_prs" "$s_prs")"
row "GIN build on to_tsvector (ms)" "$z_gin" "$s_gin" "$(speed "$z_gin" "$s_gin")"
row "GIN build on zhpolicy.tsvector (ms)" "$f_gin" "$s_gin" "$(speed "$f_gin" "$s_gin")"
row "floor: simple, a space after every character (ms, ~1/5)" "$p_chars" "$p_plain" "$(speed "$p_chars" "$p_plain")"
row "floor: simple, a space between zhpolicy words (ms, ~1/5)" "$p_words" "$p_plain" "$(speed "$p_words" "$p_plain")"
row "100 searches with a GIN index: p50 (ms)" "$z_p50" "$s_p50" "-"
row "100 searches with a GIN index: p95 (ms)" "$z_p95" "$s_p95" "-"
row "parallel seq scan of to_tsvector: workers launched, speed-up" "${workers:-0}" "-" "$(speed "$par_ms" "$ser_ms")"
echo "ratios: zhpolicy's speed over simple's (1.00 = as fast); memory: zhpolicy's over simple's"
echo "targets (#5): to_tsvector and GIN build >= 0.5; private memory < 2048 kB; first call < 5 ms; >1 parallel worker"
echo "searches: simple finds only whole clauses, so its index answers most Chinese queries with nothing"
