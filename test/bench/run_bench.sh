#!/usr/bin/env bash
# Benchmarks of a backend using zhpolicy, each against a baseline measured in
# the same run (PostgreSQL's built-in 'simple' configuration, which does no
# Chinese segmentation).  Starts its own temporary cluster; prints a table.
#   - private memory a backend adds after parsing the whole corpus, and how much
#     of the lexicon it maps (shared page cache, not private memory)
#   - first to_tsvector call in a new connection (median of 21 connections)
#   - to_tsvector throughput and GIN build time on the corpus replicated to ~BENCH_MB MB
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../src/scripts/common.sh"
BENCH_MB=${BENCH_MB:-20}
zp_install_deps
zp_build_install

zp_temp_cluster "${BENCH_PORT:-54339}"
"${PSQL[@]}" -v corpus="$ZP_TMP/corpus/" -v mb="$BENCH_MB" <<'SQL'
CREATE EXTENSION zhpolicy;
CREATE TABLE corpus AS SELECT zhpolicy.clean(pg_read_file(:'corpus' || f)) AS body
FROM pg_ls_dir(:'corpus') f WHERE f LIKE '%.txt';
CREATE TABLE big AS
SELECT c.body FROM corpus c, generate_series(1, greatest(1, (:mb * 1048576 / (SELECT sum(octet_length(body)) FROM corpus))::int));
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

# throughput and index build
throughput() {
    "${PSQL[@]}" -At <<SQL
SET max_parallel_workers_per_gather = 0;
SET client_min_messages = warning;
DROP INDEX IF EXISTS big_gin;
\timing on
SELECT count(to_tsvector('$1', body)) FROM big \g /dev/null
CREATE INDEX big_gin ON big USING gin (to_tsvector('$1', body));
SQL
}
tp() { throughput "$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tr '\n' ' '; }
bytes=$("${PSQL[@]}" -At -c "SELECT sum(octet_length(body)) FROM big")
read -r z_tsv z_gin <<<"$(tp zhpolicy)"
read -r s_tsv s_gin <<<"$(tp simple)"

# tagging: the C engine alone, then through SQL against a plain SQL join of documents and labels
"${PSQL[@]}" -Atc "SELECT zhpolicy.load_vocabulary()" >/dev/null
"${PSQL[@]}" -At -o "$ZP_TMP/labels.txt" -c "SELECT pref_label FROM zhpolicy.concept UNION SELECT label FROM zhpolicy.concept_label"
n_labels=$(wc -l < "$ZP_TMP/labels.txt")
cat "$ZP_ROOT"/test/corpus/* > "$ZP_TMP/corpus.txt"
engine_tag=$("$ZP_ROOT/build/zp_segment" "$ZP_ROOT/build/zhpolicy.lex" -t "$ZP_TMP/labels.txt" < "$ZP_TMP/corpus.txt" \
    | sed -n 's/.* \([0-9.]*\) MB\/s$/\1/p')
tag_times=$("${PSQL[@]}" -At <<'SQL' | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tr '\n' ' '
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE labels AS SELECT id AS concept_id, pref_label AS label FROM zhpolicy.concept
    UNION SELECT concept_id, label FROM zhpolicy.concept_label;
SELECT count(zhpolicy.concepts('')) \g /dev/null
\timing on
SELECT count(zhpolicy.concepts(body)) FROM big \g /dev/null
SELECT count(*) FROM (SELECT d.ctid, array_agg(DISTINCT l.concept_id)
                      FROM big d JOIN labels l ON strpos(d.body, l.label) > 0 GROUP BY d.ctid) x \g /dev/null
SQL
)
read -r sql_tag plain_tag <<<"$tag_times"

mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
echo
echo "zhpolicy benchmark ($(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), corpus ${mb} MB, $(date -u +%Y-%m-%d))"
printf '%-52s %14s %14s %8s\n' "measure" "zhpolicy" "simple" "ratio"
printf '%-52s %14s %14s %8s\n' "private memory added by a backend (Private_Dirty)" "$z_dirty kB" "$s_dirty kB" \
    "$(awk -v a="$z_dirty" -v b="$s_dirty" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / (b > 0 ? b : 1) }')"
printf '%-52s %14s %14s %8s\n' "anonymous memory added by a backend" "$z_anon kB" "$s_anon kB" "-"
printf '%-52s %14s %14s %8s\n' "lexicon pages this backend maps (page cache, Rss)" "$z_rss kB" "-" "-"
printf '%-52s %14s %14s %8s\n' "its share of them with 1 other backend (Pss)" "$z_pss kB" "-" "-"
printf '%-52s %14s %14s %8s\n' "first to_tsvector in a new connection (median)" "$z_first ms" "$s_first ms" \
    "$(awk -v a="$z_first" -v b="$s_first" 'BEGIN { printf "%.2f", a / b }')"
printf '%-52s %14s %14s %8s\n' "to_tsvector throughput" \
    "$(awk -v b="$bytes" -v t="$z_tsv" 'BEGIN { printf "%.1f MB/s", b / 1048576 / (t / 1000) }')" \
    "$(awk -v b="$bytes" -v t="$s_tsv" 'BEGIN { printf "%.1f MB/s", b / 1048576 / (t / 1000) }')" \
    "$(awk -v a="$z_tsv" -v b="$s_tsv" 'BEGIN { printf "%.2f", b / a }')"
printf '%-52s %14s %14s %8s\n' "GIN index build (speed ratio)" "$z_gin ms" "$s_gin ms" \
    "$(awk -v a="$z_gin" -v b="$s_gin" 'BEGIN { printf "%.2f", b / a }')"
printf '%-52s %14s %14s %8s\n' "tagging, C engine ($n_labels labels, one core)" "$engine_tag MB/s" "-" "-"
printf '%-52s %14s %14s %8s\n' "tagging through SQL: concepts(body) vs strpos join" \
    "$(awk -v b="$bytes" -v t="$sql_tag" 'BEGIN { printf "%.1f MB/s", b / 1048576 / (t / 1000) }')" \
    "$(awk -v b="$bytes" -v t="$plain_tag" 'BEGIN { printf "%.1f MB/s", b / 1048576 / (t / 1000) }')" \
    "$(awk -v a="$sql_tag" -v b="$plain_tag" 'BEGIN { printf "%.1f", b / a }')"
echo "targets: private memory < 2048 kB; first call < 20 ms; tagging engine >= 100 MB/s, SQL >= 20x the strpos join"
