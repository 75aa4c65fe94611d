#!/usr/bin/env bash
# make bench-scale: zhpolicy side by side with zhparser, pg_jieba and pg_bigm (issue 17).
#
# One run, one private cluster, one table docs(id, body) of SCALE_MB megabytes of recombined
# real sentences (test/bench/scale/gen_corpus.py, fixed seed), and every setup built on that same
# table in turn: zhpolicy's stored to_tsvector column, its zhpolicy.tsvector column, its text index
# (zhpolicy.gin_bigram_ops: &@ and LIKE), zhparser, pg_jieba, pg_bigm, and `simple` as the floor.
# For each: the tsvector step and the index build timed separately, raw rows to a searchable
# index end to end, table + index size (the text counted once), recall and precision of 100
# queries against strpos per query kind, warm query p50/p95, ranked top-10 p50/p95; then
# tag_table over the same table.  Prints a table, writes CSV and a PNG plot, and prints the
# targets of issue 17 as ratios measured in this run (PASS/FAIL lines; nothing is asserted).
#
# Environment:
#   SCALE_MB=100        size of the text (MB of UTF-8)       SCALE_SEED=17  corpus and query seed
#   BENCH_OUT=build/bench-scale-<MB>mb   where the CSV, PNG and logs go
#   BENCH_RUNS=3        timed runs per query (after one warm-up); per query the median counts
#   BENCH_MWM=64MB      maintenance_work_mem of every index build (PostgreSQL's default)
#   BENCH_SHARED_BUFFERS (default: 1GB, 4GB from SCALE_MB=500 on)
#   BENCH_SETUPS="zp_tsv zp_fast zp_text zp_parts zhparser jieba bigm simple"   the setups to run
#                       (zp_parts: the text index on BENCH_PARTS hash partitions, built in as many
#                       sessions at once)
#   BENCH_PARTS         partitions of zp_parts (default: the number of cores)
#   BENCH_EXPERIMENTS=1 also time what helps an index build use both cores (partitions built
#                       concurrently, maintenance_work_mem, a parallel tsvector step)
#   BENCH_BUILD_PEERS=1 build missing peers from ../shared/peers (as root) before the run; 0: skip them
#   BENCH_PORT          port of the private cluster (default: a free one)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../../src/scripts/common.sh"

SCALE_MB=${SCALE_MB:-100}
SCALE_SEED=${SCALE_SEED:-17}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_MWM=${BENCH_MWM:-64MB}
BENCH_EXPERIMENTS=${BENCH_EXPERIMENTS:-1}
BENCH_BUILD_PEERS=${BENCH_BUILD_PEERS:-1}
BENCH_SETUPS=${BENCH_SETUPS:-"zp_tsv zp_fast zp_text zp_parts zhparser jieba bigm simple"}
BENCH_PARTS=${BENCH_PARTS:-$(nproc)}
if [ -z "${BENCH_SHARED_BUFFERS:-}" ]; then
    if awk "BEGIN{exit !($SCALE_MB >= 500)}"; then BENCH_SHARED_BUFFERS=4GB; else BENCH_SHARED_BUFFERS=1GB; fi
fi
OUT=${BENCH_OUT:-$ZP_ROOT/build/bench-scale-${SCALE_MB}mb}
SCALE_DIR="$ZP_ROOT/test/bench/scale"
PEERS_DIR="$ZP_ROOT/../shared/peers"
# gnuplot draws the PNG beside the CSV (gnuplot-nox: no X libraries)
ZP_PACKAGES+=(gnuplot-nox)

zp_install_deps
zp_build_install
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

log() { echo "bench-scale: $*" >&2; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# ------------------------------------------------------------------ peers
SHAREDIR=$("$PG_CONFIG" --sharedir)
declare -A PEER_OK=()
peer_present() { [ -f "$SHAREDIR/extension/$1.control" ]; }
missing_peers=()
for p in zhparser pg_jieba pg_bigm; do peer_present "$p" || missing_peers+=("$p"); done
if [ ${#missing_peers[@]} -gt 0 ]; then
    if [ "$BENCH_BUILD_PEERS" = 1 ] && [ -f "$PEERS_DIR/build.sh" ] && [ "$(id -u)" -eq 0 ]; then
        log "peers not installed in $SHAREDIR: ${missing_peers[*]}; building them from $PEERS_DIR (BENCH_BUILD_PEERS=0 to skip)"
        PG_CONFIG="$PG_CONFIG" bash "$PEERS_DIR/build.sh" "${missing_peers[@]}" >&2 || log "some peers failed to build; they are skipped"
    elif [ -f "$PEERS_DIR/build.sh" ]; then
        log "peers not installed: ${missing_peers[*]}; skipped (build them as root with PG_CONFIG=$PG_CONFIG bash $PEERS_DIR/build.sh)"
    else
        log "peers not installed: ${missing_peers[*]}; skipped (no $PEERS_DIR to build them from)"
    fi
fi
preload=()
for p in zhparser pg_jieba pg_bigm; do
    if peer_present "$p"; then PEER_OK[$p]=1; preload+=("$p"); fi
done

# ------------------------------------------------------------------ corpus
DATA="$OUT/data"
mkdir -p "$DATA"
if [ ! -s "$DATA/docs-$SCALE_MB-$SCALE_SEED.tsv" ] || [ "$SCALE_DIR/gen_corpus.py" -nt "$DATA/docs-$SCALE_MB-$SCALE_SEED.tsv" ]; then
    log "generating $SCALE_MB MB (seed $SCALE_SEED)"
    rm -f "$DATA"/docs-*.tsv "$DATA"/queries-*.tsv
    # written under temporary names: a generation that was stopped is never taken for a corpus
    nice /usr/bin/python3 "$SCALE_DIR/gen_corpus.py" --root "$ZP_ROOT" --mb "$SCALE_MB" --seed "$SCALE_SEED" \
        --out "$DATA/docs.tmp" --queries "$DATA/queries.tmp"
    mv "$DATA/queries.tmp" "$DATA/queries-$SCALE_MB-$SCALE_SEED.tsv"
    mv "$DATA/docs.tmp" "$DATA/docs-$SCALE_MB-$SCALE_SEED.tsv"
fi
chmod -R a+rX "$DATA"
chmod a+x "$OUT" "$(dirname "$OUT")"

# ------------------------------------------------------------------ cluster
PORT=${BENCH_PORT:-$(zp_free_port)}
ZP_TMP=$(mktemp -d /tmp/zhpolicy-scale.XXXXXX)
chmod a+rx "$ZP_TMP"
zp_pg_dir "$ZP_TMP/pg"
zp_as_pg "$PG_BIN/initdb" -D "$ZP_TMP/pg/data" -U postgres -E UTF8 --no-locale -A trust >/dev/null
preload_csv=$(IFS=,; echo "${preload[*]:-}")
cat >> "$ZP_TMP/pg/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$ZP_TMP/pg'
port = $PORT
shared_buffers = $BENCH_SHARED_BUFFERS
maintenance_work_mem = $BENCH_MWM
jit = off
max_wal_size = 8GB
checkpoint_timeout = 30min
wal_level = minimal
max_wal_senders = 0
synchronous_commit = off
shared_preload_libraries = '$preload_csv'
EOF
zp_as_pg "$PG_BIN/pg_ctl" -D "$ZP_TMP/pg/data" -l "$ZP_TMP/pg/log" -w start >/dev/null
trap 'zp_as_pg "$PG_BIN/pg_ctl" -D "$ZP_TMP/pg/data" -m fast stop >/dev/null 2>&1; cp "$ZP_TMP/pg/log" "$OUT/server.log" 2>/dev/null; rm -rf "$ZP_TMP"' EXIT
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$ZP_TMP/pg" -p "$PORT" -U postgres -d postgres)
# peers print a NOTICE for every query that gives no lexeme; tag_table one per batch
export PGOPTIONS="-c client_min_messages=warning"
sql() { "${PSQL[@]}" -Atc "$1"; }
# run SQL and print the seconds it took (client side, one connection)
timed() { local a b; a=$(now); "${PSQL[@]}" -c "SET client_min_messages = warning" -c "$1" >/dev/null; b=$(now); secs "$a" "$b"; }

load_before=$(cut -d' ' -f1 /proc/loadavg)
log "cluster on port $PORT ($ZP_TMP), preloaded: ${preload_csv:-none}; load average $load_before"

"${PSQL[@]}" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION zhpolicy;
CREATE SCHEMA bench;
CREATE TABLE docs (id bigint PRIMARY KEY, body text NOT NULL);
CREATE TABLE bench.queries (qid int PRIMARY KEY, kind text NOT NULL, q text NOT NULL);
COPY bench.queries FROM '$DATA/queries-$SCALE_MB-$SCALE_SEED.tsv';
-- one row per setup: the figures of the table (NULL where they do not apply)
CREATE TABLE bench.result (
    setup text PRIMARY KEY, label text, ord int,
    tsv_s float8, build_s float8, table_mb float8, tsv_mb float8, index_mb float8,
    plan_uses_index text);
-- per setup, run and query: milliseconds and the ids found (boolean search) or ranked
CREATE TABLE bench.timing (setup text, mode text, run int, qid int, ms float8, ids bigint[]);
CREATE TABLE bench.experiment (name text, variant text, seconds float8, index_mb float8, note text);
-- per-query timing inside the server (includes planning, excludes the client round trip)
CREATE FUNCTION bench.run_queries(p_setup text, p_mode text, p_sql text, p_runs int) RETURNS void
LANGUAGE plpgsql AS \$\$
DECLARE r record; t0 timestamptz; x bigint[]; i int;
BEGIN
    FOR i IN 0..p_runs LOOP             -- run 0 warms the cache and is not kept
        FOR r IN SELECT * FROM bench.queries ORDER BY qid LOOP
            t0 := clock_timestamp();
            EXECUTE format(p_sql, r.q) INTO x;
            IF i > 0 THEN
                INSERT INTO bench.timing VALUES (p_setup, p_mode, i, r.qid,
                    extract(epoch FROM clock_timestamp() - t0) * 1000, coalesce(x, '{}'));
            END IF;
        END LOOP;
    END LOOP;
END \$\$;
-- BM25 (k1 = 1.2, b = 0.75) of one exact string: tf = its non-overlapping occurrences in a row,
-- dl = the row's characters, df = the rows that contain it
CREATE FUNCTION bench.bm25(tf float8, dl float8, df float8, n float8, avgdl float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
\$\$ SELECT ln(1 + (n - df + 0.5) / (df + 0.5)) * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * dl / avgdl)) \$\$;
SQL

log "loading"
load_s=$(timed "COPY docs FROM '$DATA/docs-$SCALE_MB-$SCALE_SEED.tsv'; ANALYZE docs")
"${PSQL[@]}" -c "CREATE TABLE bench.doclen AS SELECT id, char_length(body) AS nchars FROM docs;
                 ALTER TABLE bench.doclen ADD PRIMARY KEY (id); ANALYZE bench.doclen"
IFS="|" read -r NROWS TEXT_MB DOCS_MB N_OVER AVGDL <<<"$(sql "SELECT count(*), round(sum(octet_length(body)) / 1e6, 2),
    round(pg_table_size('docs') / 1e6, 2), count(*) FILTER (WHERE char_length(body) > 20000),
    round(avg(char_length(body))) FROM docs")"
log "loaded $NROWS rows, $TEXT_MB MB of text ($N_OVER over 20,000 characters) in $load_s s; table $DOCS_MB MB"

# the truth: strpos over every row (each body detoasted once, then matched against every query)
log "truth (strpos)"
truth_s=$(timed "CREATE TABLE bench.truth AS
    SELECT q.qid, coalesce((SELECT array_agg(d.id ORDER BY d.id) FROM (SELECT id, body || '' AS b FROM docs OFFSET 0) d
                            WHERE strpos(d.b, q.q) > 0), '{}') AS ids FROM bench.queries q")
# the same as one pass (the query above scans once per query; this is the check that it agrees)
truth2=$(sql "SELECT count(*) FROM (SELECT d.id, q.qid FROM (SELECT id, body || '' AS b FROM docs OFFSET 0) d
              JOIN bench.queries q ON strpos(d.b, q.q) > 0) x")
truth1=$(sql "SELECT sum(cardinality(ids)) FROM bench.truth")
[ "$truth1" = "$truth2" ] || { log "truth differs between the two strpos passes ($truth1 vs $truth2)"; exit 1; }
log "truth: $truth1 (row, query) matches, $truth_s s for 100 sequential strpos scans"

has_text_index=$(sql "SELECT count(*) FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace
                      WHERE n.nspname = 'zhpolicy' AND c.opcname = 'gin_bigram_ops'")
has_rank=$(sql "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'zhpolicy' AND p.proname = 'rank'")
has_occ=$(sql "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = 'zhpolicy' AND p.proname = 'occurrences'")
has_rank_top=$(sql "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = 'zhpolicy' AND p.proname = 'rank_top'")
has_rank_tiers=$(sql "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                      WHERE n.nspname = 'zhpolicy' AND p.proname = 'rank_tiers'")
RANK_NOTE=""

# --------------------------------------------------------------- the setups
# the megabytes of an index, of all its partitions' indexes when it is a partitioned one
index_mb_sql() {
    echo "coalesce((SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree('$1')), pg_relation_size('$1')) / 1e6"
}
# record SETUP LABEL ORD TSV_S BUILD_S TSV_TABLE INDEX PLAN [TABLE_MB_SQL]
record() {
    local tsvmb=NULL idxmb plan
    [ -n "$6" ] && tsvmb="pg_table_size('$6') / 1e6"
    idxmb=$(index_mb_sql "$7")
    plan=$8
    sql "INSERT INTO bench.result VALUES ('$1', \$l\$$2\$l\$, $3, ${4:-NULL}, ${5:-NULL}, ${9:-$DOCS_MB}, $tsvmb, $idxmb, '$plan')" >/dev/null
}
# all_partitions TABLE INDEX_PREFIX COLUMN_AND_OPCLASS [N]: build the index of partitions TABLE0 ..
# TABLE<N-1> (N defaults to BENCH_PARTS) in N sessions at once; prints the seconds until all are done
all_partitions() {
    local a b i pids=() failed=0
    a=$(now)
    for ((i = 0; i < ${4:-$BENCH_PARTS}; i++)); do
        "${PSQL[@]}" -c "SET client_min_messages = warning" -c "CREATE INDEX ${2}$i ON ${1}$i USING gin ($3)" >/dev/null &
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i" || failed=1; done
    [ "$failed" = 0 ] || { log "an index build of a partition of $1 failed"; exit 1; }
    b=$(now)
    secs "$a" "$b"
}
# does the planner use the index without help? (on few long rows it often picks a seq scan,
# because TOAST reads are not in its costs); prints index, seqscan or the first plan node
plan_of() {
    local p
    p=$("${PSQL[@]}" -At -c "EXPLAIN (COSTS OFF) $1" | tr '\n' ' ')
    case "$p" in *"Index Scan"*|*"Bitmap Index"*) echo index ;; *"Seq Scan"*) echo seqscan ;; *) echo "${p:0:40}" ;; esac
}
q1=$(sql "SELECT q FROM bench.queries WHERE kind = 'phrase' ORDER BY qid LIMIT 1")
# does the planner give the tsvector step (CREATE TABLE AS) parallel workers? (few heap pages: no)
TSV_PLAN=$("${PSQL[@]}" -At -c "EXPLAIN CREATE TABLE x AS SELECT id, to_tsvector('simple', body) FROM docs" \
           | grep -Eo 'Workers Planned: [0-9]+' || echo "one process, no parallel workers planned")

# a tsvector setup: NAME LABEL ORD EXPR CONFIG
tsv_setup() {
    local name=$1 label=$2 ord=$3 expr=$4 cfg=$5 t_tsv t_idx plan
    log "$name: tsvector step ($expr)"
    t_tsv=$(timed "CREATE TABLE t_$name AS SELECT id, $expr AS tsv FROM docs")
    log "$name: GIN build"
    t_idx=$(timed "CREATE INDEX t_${name}_gin ON t_$name USING gin (tsv)")
    sql "ANALYZE t_$name" >/dev/null
    plan=$(plan_of "SELECT id FROM t_$name WHERE tsv @@ websearch_to_tsquery('$cfg', '$q1')")
    record "$name" "$label" "$ord" "$t_tsv" "$t_idx" "t_$name" "t_${name}_gin" "$plan"
    log "$name: queries (tsvector $t_tsv s, GIN $t_idx s, default plan: $plan)"
    sql "SET enable_seqscan = off; SELECT bench.run_queries('$name', 'search',
         \$s\$SELECT array_agg(id ORDER BY id) FROM t_$name WHERE tsv @@ websearch_to_tsquery('$cfg', %L)\$s\$, $BENCH_RUNS)" >/dev/null
    sql "SET enable_seqscan = off; SELECT bench.run_queries('$name', 'top10',
         \$s\$SELECT array_agg(id) FROM (SELECT id FROM t_$name, websearch_to_tsquery('$cfg', %L) q
             WHERE tsv @@ q ORDER BY ts_rank(tsv, q) DESC, id LIMIT 10) s\$s\$, $BENCH_RUNS)" >/dev/null
}

# a text index on docs.body: NAME LABEL ORD OPCLASS; then its query modes
text_index() {
    local name=$1 label=$2 ord=$3 opclass=$4 t_idx
    log "$name: index build ($opclass)"
    t_idx=$(timed "CREATE INDEX docs_${name} ON docs USING gin (body $opclass)")
    sql "ANALYZE docs" >/dev/null
    echo "$t_idx"
}

# BM25 top-10 over exact occurrences: WHERE clause, tf expression (both with %1\$L for q), table
bm25_sql() {
    echo "SELECT array_agg(id) FROM (
        SELECT m.id FROM (SELECT id, tf, count(*) OVER () AS df FROM
                              (SELECT id, $2 AS tf FROM ${3:-docs} WHERE $1) m0) m
        JOIN bench.doclen l USING (id)
        ORDER BY bench.bm25(m.tf, l.nchars, m.df, $NROWS, $AVGDL) DESC, m.id LIMIT 10) s"
}

# the README's ranked recipe (test/recipes/long_documents/prepare.sql, ranked.sql) on TABLE:
# ranked_queries SETUP TABLE WITH_SKETCH_ONLY_RUN; adds the rank_sketch column and the tier index,
# times the top-10 queries, and with 1 also times them again without the tier index
ranked_queries() {
    local name=$1 tbl=$2 sketch_run=$3 t_sk sk_mb t_ti ti_mb top note
    if [ "$has_rank_top" -ge 1 ]; then
        t_sk=$(timed "ALTER TABLE $tbl ADD COLUMN rank_sketch bytea GENERATED ALWAYS AS (zhpolicy.rank_sketch(body)) STORED,
                      ALTER COLUMN rank_sketch SET STORAGE MAIN")
        sql "ANALYZE $tbl" >/dev/null
        sk_mb=$(sql "SELECT round(sum(pg_column_size(rank_sketch)) / 1e6, 1) FROM $tbl")
        note="$name top-10: zhpolicy.rank_top (exact top 10 by zhpolicy.rank with idf and length from the table; rank_sketch column added in $t_sk s, which includes building the table's indexes again (the ALTER TABLE rewrites it), $sk_mb MB, not counted in table+index)"
        if [ "$has_rank_tiers" -ge 1 ]; then
            # and the tier index that rank_top reads rows through, commonest first
            t_ti=$(timed "CREATE INDEX ${tbl}_rank_tiers_idx ON $tbl USING gin (zhpolicy.rank_tiers(body))")
            sql "ANALYZE $tbl" >/dev/null
            ti_mb=$(sql "SELECT round($(index_mb_sql "${tbl}_rank_tiers_idx"), 1)")
            note="$note; through the tier index (zhpolicy.rank_tiers, built in $t_ti s, $ti_mb MB, not counted in table+index)"
        fi
        top="SELECT array_agg(d.id ORDER BY t.score DESC, d.id) FROM zhpolicy.rank_top('$tbl', 'body', 'rank_sketch', %1\$L, 10) t
             JOIN $tbl d ON d.tableoid = t.row_table AND d.ctid = t.row_ctid"
    elif [ "$has_rank" -ge 1 ]; then
        note="$name top-10: ORDER BY zhpolicy.rank(body, q) DESC LIMIT 10"
        top="SELECT array_agg(id) FROM (SELECT id FROM $tbl WHERE body OPERATOR(zhpolicy.&@) %1\$L
             ORDER BY zhpolicy.rank(body, %1\$L) DESC, id LIMIT 10) s"
    else
        tf='zhpolicy.occurrences(body, %1$L)'
        [ "$has_occ" -ge 1 ] || tf="(length(body) - length(replace(body, %1\$L, ''))) / length(%1\$L)"
        note="$name top-10: BM25 in SQL over exact occurrences (zhpolicy.rank is not in this zhpolicy)"
        top=$(bm25_sql 'body OPERATOR(zhpolicy.&@) %1$L' "$tf" "$tbl")
    fi
    RANK_NOTE="${RANK_NOTE:+$RANK_NOTE
}$note"
    sql "SET enable_seqscan = off; SELECT bench.run_queries('$name', 'top10', \$s\$$top\$s\$, $BENCH_RUNS)" >/dev/null
    if [ "$sketch_run" = 1 ] && [ "$has_rank_tiers" -ge 1 ] && [ "$has_rank_top" -ge 1 ]; then
        # the same recipe without the tier index, for the comparison in the notes
        sql "DROP INDEX ${tbl}_rank_tiers_idx" >/dev/null
        sql "SET enable_seqscan = off; SELECT bench.run_queries('$name', 'top10_sketch', \$s\$$top\$s\$, $BENCH_RUNS)" >/dev/null
    fi
}

for s in $BENCH_SETUPS; do
    case "$s" in
    zp_tsv) tsv_setup zp_tsv "zhpolicy, to_tsvector('zhpolicy', body) column" 1 "to_tsvector('zhpolicy', body)" zhpolicy ;;
    zp_fast) tsv_setup zp_fast "zhpolicy, zhpolicy.tsvector(body) column" 2 "zhpolicy.tsvector(body)" zhpolicy ;;
    zp_text)
        if [ "$has_text_index" != 1 ]; then log "zp_text: skipped: this zhpolicy has no zhpolicy.gin_bigram_ops (the text index)"; continue; fi
        t=$(text_index zp_text x 3 zhpolicy.gin_bigram_ops)
        plan=$(plan_of "SELECT id FROM docs WHERE body OPERATOR(zhpolicy.&@) '$q1'")
        record zp_text "zhpolicy text index (gin_bigram_ops), body &@ q" 3 "" "$t" "" docs_zp_text "$plan"
        plan=$(plan_of "SELECT id FROM docs WHERE body LIKE '%$q1%'")
        record zp_like "zhpolicy text index (gin_bigram_ops), body LIKE '%q%'" 4 "" "$t" "" docs_zp_text "$plan"
        log "zp_text: queries (build $t s)"
        sql "SET enable_seqscan = off; SELECT bench.run_queries('zp_text', 'search',
             \$s\$SELECT array_agg(id ORDER BY id) FROM docs WHERE body OPERATOR(zhpolicy.&@) %L\$s\$, $BENCH_RUNS)" >/dev/null
        sql "SET enable_seqscan = off; SELECT bench.run_queries('zp_like', 'search',
             \$s\$SELECT array_agg(id ORDER BY id) FROM docs WHERE body LIKE '%%' || %L || '%%'\$s\$, $BENCH_RUNS)" >/dev/null
        ranked_queries zp_text docs 1
        # kept for the experiments, dropped before pg_bigm so that LIKE cannot pick it
        sql "DROP INDEX docs_zp_text" >/dev/null
        [ "$has_rank_top" -ge 1 ] && sql "ALTER TABLE docs DROP COLUMN rank_sketch" >/dev/null
        ;;
    zp_parts)
        if [ "$has_text_index" != 1 ]; then log "zp_parts: skipped: this zhpolicy has no zhpolicy.gin_bigram_ops (the text index)"; continue; fi
        # the README's recipe for a large table on several cores: hash partitions, each one's
        # index built in a session of its own at the same time (PostgreSQL 15 builds a GIN index
        # in one process), then CREATE INDEX on the parent, which attaches them
        log "zp_parts: docs copied into $BENCH_PARTS hash partitions"
        parts_load_s=$(timed "CREATE TABLE docs_p (id bigint PRIMARY KEY, body text NOT NULL) PARTITION BY HASH (id);
             $(for ((i = 0; i < BENCH_PARTS; i++)); do
                 echo "CREATE TABLE docs_p$i PARTITION OF docs_p FOR VALUES WITH (MODULUS $BENCH_PARTS, REMAINDER $i);"
               done)
             INSERT INTO docs_p SELECT id, body FROM docs; ANALYZE docs_p")
        log "zp_parts: index build, $BENCH_PARTS sessions at once"
        t=$(all_partitions docs_p docs_p_zp "body zhpolicy.gin_bigram_ops")
        t_attach=$(timed "CREATE INDEX docs_p_zp ON docs_p USING gin (body zhpolicy.gin_bigram_ops)")
        t=$(awk -v a="$t" -v b="$t_attach" 'BEGIN { printf "%.3f", a + b }')
        sql "ANALYZE docs_p" >/dev/null
        plan=$(plan_of "SELECT id FROM docs_p WHERE body OPERATOR(zhpolicy.&@) '$q1'")
        record zp_parts "zhpolicy text index, $BENCH_PARTS hash partitions built at once, body &@ q" 4 "" "$t" "" docs_p_zp "$plan" \
            "(SELECT sum(pg_table_size(relid)) FROM pg_partition_tree('docs_p')) / 1e6"
        PARTS_NOTE="zp_parts: docs copied into $BENCH_PARTS hash partitions of docs_p in $parts_load_s s (INSERT … SELECT; not counted, as COPY is not for the others); each partition's index built in a session of its own, all at once, each with maintenance_work_mem $BENCH_MWM; CREATE INDEX on the parent then attached them in $t_attach s (counted)"
        log "zp_parts: queries (build $t s)"
        sql "SET enable_seqscan = off; SELECT bench.run_queries('zp_parts', 'search',
             \$s\$SELECT array_agg(id ORDER BY id) FROM docs_p WHERE body OPERATOR(zhpolicy.&@) %L\$s\$, $BENCH_RUNS)" >/dev/null
        ranked_queries zp_parts docs_p 0
        sql "DROP TABLE docs_p" >/dev/null
        ;;
    zhparser)
        if [ -z "${PEER_OK[zhparser]:-}" ]; then log "zhparser: skipped: not installed"; continue; fi
        sql "CREATE EXTENSION zhparser; CREATE TEXT SEARCH CONFIGURATION zhcfg (PARSER = zhparser);
             ALTER TEXT SEARCH CONFIGURATION zhcfg ADD MAPPING FOR n,v,a,i,e,l WITH simple" >/dev/null
        tsv_setup zhparser "zhparser (zhcfg: n,v,a,i,e,l -> simple)" 5 "to_tsvector('zhcfg', body)" zhcfg ;;
    jieba)
        if [ -z "${PEER_OK[pg_jieba]:-}" ]; then log "pg_jieba: skipped: not installed"; continue; fi
        sql "CREATE EXTENSION pg_jieba" >/dev/null
        tsv_setup jieba "pg_jieba (jiebacfg)" 6 "to_tsvector('jiebacfg', body)" jiebacfg ;;
    bigm)
        if [ -z "${PEER_OK[pg_bigm]:-}" ]; then log "pg_bigm: skipped: not installed"; continue; fi
        sql "CREATE EXTENSION pg_bigm" >/dev/null
        t=$(text_index bigm x 7 gin_bigm_ops)
        plan=$(plan_of "SELECT id FROM docs WHERE body LIKE likequery('$q1')")
        record bigm "pg_bigm (gin_bigm_ops), body LIKE likequery(q)" 7 "" "$t" "" docs_bigm "$plan"
        log "bigm: queries (build $t s)"
        sql "SET enable_seqscan = off; SELECT bench.run_queries('bigm', 'search',
             \$s\$SELECT array_agg(id ORDER BY id) FROM docs WHERE body LIKE likequery(%L)\$s\$, $BENCH_RUNS)" >/dev/null
        top=$(bm25_sql 'body LIKE likequery(%1$L)' "(length(body) - length(replace(body, %1\$L, ''))) / length(%1\$L)")
        sql "SET enable_seqscan = off; SELECT bench.run_queries('bigm', 'top10', \$s\$$top\$s\$, $BENCH_RUNS)" >/dev/null
        sql "DROP INDEX docs_bigm" >/dev/null
        ;;
    simple) tsv_setup simple "simple (floor: no segmentation)" 8 "to_tsvector('simple', body)" simple ;;
    *) log "unknown setup $s"; exit 2 ;;
    esac
done

# ------------------------------------------------------------ tag_table
log "tag_table over docs"
sql "SELECT zhpolicy.load_vocabulary()" >/dev/null
sql "ALTER TABLE docs ADD COLUMN tags text[]" >/dev/null
tag_s=$(timed "CALL zhpolicy.tag_table('docs', 'body', 'tags')")
tagged=$(sql "SELECT count(*) FILTER (WHERE tags IS NOT NULL) || ' rows tagged, ' || round(avg(cardinality(tags)), 1) || ' concepts a row' FROM docs")
"${PSQL[@]}" -c "ALTER TABLE docs DROP COLUMN tags" -c "VACUUM FULL docs" -c "ANALYZE docs"

# ------------------------------------------------------------ experiments
if [ "$BENCH_EXPERIMENTS" = 1 ]; then
    . "$SCALE_DIR/experiments.sh"
fi

load_after=$(cut -d' ' -f1 /proc/loadavg)

# ------------------------------------------------------------ report
"${PSQL[@]}" -v text_mb="$TEXT_MB" <<'SQL' >/dev/null
CREATE TABLE bench.summary AS
WITH perq AS (      -- per query: the median of the timed runs
    SELECT setup, mode, qid, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms
    FROM bench.timing GROUP BY setup, mode, qid),
lat AS (
    SELECT setup, mode, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95
    FROM perq GROUP BY setup, mode),
acc AS (
    SELECT t.setup, q.kind,
           sum(cardinality(ARRAY(SELECT unnest(t.ids) INTERSECT SELECT unnest(tr.ids))))::float8 AS tp,
           sum(cardinality(t.ids))::float8 AS got, sum(cardinality(tr.ids))::float8 AS want
    FROM bench.timing t JOIN bench.truth tr USING (qid) JOIN bench.queries q USING (qid)
    WHERE t.mode = 'search' AND t.run = 1 GROUP BY t.setup, q.kind)
SELECT r.setup, r.label, r.ord,
       r.tsv_s, r.build_s, coalesce(r.tsv_s, 0) + r.build_s AS e2e_s,
       :text_mb / nullif(r.tsv_s, 0) AS tsv_mbs,
       :text_mb / (coalesce(r.tsv_s, 0) + r.build_s) AS e2e_mbs,
       r.table_mb + coalesce(r.tsv_mb, 0) AS table_mb, r.index_mb,
       r.table_mb + coalesce(r.tsv_mb, 0) + r.index_mb AS total_mb,
       (SELECT tp / nullif(want, 0) FROM acc WHERE acc.setup = r.setup AND kind = 'word') AS recall_word,
       (SELECT tp / nullif(got, 0) FROM acc WHERE acc.setup = r.setup AND kind = 'word') AS precision_word,
       (SELECT tp / nullif(want, 0) FROM acc WHERE acc.setup = r.setup AND kind = 'phrase') AS recall_phrase,
       (SELECT tp / nullif(got, 0) FROM acc WHERE acc.setup = r.setup AND kind = 'phrase') AS precision_phrase,
       (SELECT sum(tp) / nullif(sum(want), 0) FROM acc WHERE acc.setup = r.setup) AS recall,
       (SELECT sum(tp) / nullif(sum(got), 0) FROM acc WHERE acc.setup = r.setup) AS precision,
       (SELECT p50 FROM lat WHERE lat.setup = r.setup AND mode = 'search') AS p50_ms,
       (SELECT p95 FROM lat WHERE lat.setup = r.setup AND mode = 'search') AS p95_ms,
       (SELECT p50 FROM lat WHERE lat.setup = r.setup AND mode = 'top10') AS top10_p50_ms,
       (SELECT p95 FROM lat WHERE lat.setup = r.setup AND mode = 'top10') AS top10_p95_ms,
       r.plan_uses_index
FROM bench.result r;
SQL
"${PSQL[@]}" -c "COPY (SELECT setup, label, round(tsv_s::numeric, 2) tsv_s, round(build_s::numeric, 2) build_s,
             round(e2e_s::numeric, 2) e2e_s, round(tsv_mbs::numeric, 2) tsv_mbs, round(e2e_mbs::numeric, 2) e2e_mbs,
             round(table_mb::numeric, 1) table_mb, round(index_mb::numeric, 1) index_mb, round(total_mb::numeric, 1) total_mb,
             round(recall_word::numeric, 4) recall_word, round(precision_word::numeric, 4) precision_word,
             round(recall_phrase::numeric, 4) recall_phrase, round(precision_phrase::numeric, 4) precision_phrase,
             round(recall::numeric, 4) recall, round(precision::numeric, 4) \"precision\",
             round(p50_ms::numeric, 3) p50_ms, round(p95_ms::numeric, 3) p95_ms,
             round(top10_p50_ms::numeric, 3) top10_p50_ms, round(top10_p95_ms::numeric, 3) top10_p95_ms,
             plan_uses_index
      FROM bench.summary ORDER BY ord, setup) TO STDOUT WITH (FORMAT csv, HEADER)" > "$OUT/bench-scale.csv"
"${PSQL[@]}" -c "COPY (SELECT name, variant, round(seconds::numeric, 2) seconds, round(index_mb::numeric, 1) index_mb, note
      FROM bench.experiment ORDER BY name, variant) TO STDOUT WITH (FORMAT csv, HEADER)" > "$OUT/experiments.csv"

{
echo "zhpolicy side by side (make bench-scale SCALE_MB=$SCALE_MB; $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $("$PG_BIN/postgres" --version | sed 's/postgres (PostgreSQL) /PostgreSQL /'), $(date -u +%Y-%m-%d))"
echo "corpus: $NROWS rows, $TEXT_MB MB of text, $N_OVER rows over 20,000 characters, mean $AVGDL characters; load (COPY) $load_s s; table $DOCS_MB MB ($(sql "SELECT pg_relation_size('docs') / 8192") heap pages, the rest TOAST)"
echo "settings: shared_buffers $BENCH_SHARED_BUFFERS, maintenance_work_mem $BENCH_MWM, PostgreSQL's parallel defaults (tsvector step: $TSV_PLAN), queries with enable_seqscan = off, $BENCH_RUNS warm runs (median per query); load average $load_before -> $load_after"
"${PSQL[@]}" -P footer=off <<'SQL'
SELECT label AS setup,
       coalesce(to_char(tsv_mbs, 'FM9990.00'), '-') AS "tsvector MB/s",
       to_char(build_s, 'FM99990.0') AS "index s",
       to_char(e2e_s, 'FM99990.0') AS "raw->index s",
       to_char(e2e_mbs, 'FM9990.00') AS "raw->index MB/s",
       to_char(table_mb, 'FM99990') || ' + ' || to_char(index_mb, 'FM99990') AS "table+index MB",
       coalesce(to_char(recall_word, 'FM0.000') || ' / ' || coalesce(to_char(precision_word, 'FM0.000'), '-'), '-') AS "words R/P",
       coalesce(to_char(recall_phrase, 'FM0.000') || ' / ' || coalesce(to_char(precision_phrase, 'FM0.000'), '-'), '-') AS "phrases R/P",
       coalesce(to_char(p50_ms, 'FM99990.00') || ' / ' || to_char(p95_ms, 'FM99990.00'), '-') AS "p50/p95 ms",
       coalesce(to_char(top10_p50_ms, 'FM99990.00') || ' / ' || to_char(top10_p95_ms, 'FM99990.00'), '-') AS "top-10 p50/p95 ms",
       plan_uses_index AS "default plan"
FROM bench.summary ORDER BY ord, setup;
SQL
echo "tag_table over docs: $tag_s s, $(awk -v m="$TEXT_MB" -v s="$tag_s" 'BEGIN { printf "%.1f", m / s }') MB/s ($tagged)"
echo "truth: strpos, $truth1 (row, query) matches; 100 sequential strpos scans took $truth_s s"
[ -n "$RANK_NOTE" ] && echo "$RANK_NOTE"
[ -n "${PARTS_NOTE:-}" ] && echo "$PARTS_NOTE"
sql "SELECT 'zp_text top-10 without the tier index (every candidate bounded by its sketch): p50 / p95 ' ||
            round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) || ' / ' ||
            round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric, 2) || ' ms'
     FROM (SELECT qid, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM bench.timing
           WHERE setup = 'zp_text' AND mode = 'top10_sketch' GROUP BY qid) x HAVING count(*) > 0"
sql "SELECT 'zp_text top-10: the same ids with and without the tier index for ' || count(*) FILTER (WHERE a.ids = b.ids) ||
            ' of ' || count(*) || ' queries'
     FROM bench.timing a JOIN bench.timing b USING (setup, qid, run)
     WHERE a.setup = 'zp_text' AND a.mode = 'top10' AND b.mode = 'top10_sketch' AND a.run = 1 HAVING count(*) > 0"
echo "top-10: ts_rank for tsvector setups; pg_bigm: BM25 in SQL, tf from replace() over the LIKE matches"
echo "default plan: what EXPLAIN picks for one phrase query with enable_seqscan on"
echo
echo "targets (issue 17 part 2), ratios measured in this run:"
"${PSQL[@]}" -At <<'SQL'
-- every exact zhpolicy setup is checked (the text index on one table, and on partitions built at
-- once); without the text index, the first tsvector setup there is
WITH z0 AS (SELECT * FROM bench.summary WHERE setup IN ('zp_text', 'zp_parts')),
     z AS (SELECT * FROM z0 UNION ALL
           (SELECT * FROM bench.summary WHERE setup IN ('zp_fast', 'zp_tsv') AND NOT EXISTS (SELECT 1 FROM z0)
            ORDER BY CASE setup WHEN 'zp_fast' THEN 1 ELSE 2 END LIMIT 1)),
     b AS (SELECT * FROM bench.summary WHERE setup = 'bigm'),
     peers AS (SELECT max(e2e_mbs) AS best, (array_agg(setup ORDER BY e2e_mbs DESC))[1] AS who
               FROM bench.summary WHERE setup IN ('zhparser', 'jieba', 'bigm'))
SELECT line FROM (
  SELECT 1, NULL::text, CASE WHEN NOT EXISTS (SELECT 1 FROM z0) THEN 'NOTE the zhpolicy text index is not in this build: targets are checked on ' || (SELECT setup FROM z) END
  UNION ALL
  SELECT 2, z.setup, format('%s %s: query p50 %s ms vs pg_bigm %s ms (ratio %s, target <= 1)',
         CASE WHEN z.p50_ms <= b.p50_ms THEN 'PASS' ELSE 'FAIL' END, z.setup,
         round(z.p50_ms::numeric, 2), round(b.p50_ms::numeric, 2), round((z.p50_ms / b.p50_ms)::numeric, 2)) FROM z, b
  UNION ALL
  SELECT 3, z.setup, format('%s %s: query p95 %s ms vs pg_bigm %s ms (ratio %s, target <= 1)',
         CASE WHEN z.p95_ms <= b.p95_ms THEN 'PASS' ELSE 'FAIL' END, z.setup,
         round(z.p95_ms::numeric, 2), round(b.p95_ms::numeric, 2), round((z.p95_ms / b.p95_ms)::numeric, 2)) FROM z, b
  UNION ALL
  SELECT 4, z.setup, format('%s %s: ranked top-10 p95 %s ms (target < 20 ms)',
         CASE WHEN z.top10_p95_ms < 20 THEN 'PASS' ELSE 'FAIL' END, z.setup, round(z.top10_p95_ms::numeric, 2)) FROM z
  UNION ALL
  SELECT 5, z.setup, format('%s %s: raw rows -> searchable exact index %s MB/s vs fastest peer (%s) %s MB/s (ratio %s, target >= 2)',
         CASE WHEN z.e2e_mbs >= 2 * p.best THEN 'PASS' ELSE 'FAIL' END, z.setup, round(z.e2e_mbs::numeric, 2), p.who,
         round(p.best::numeric, 2), round((z.e2e_mbs / p.best)::numeric, 2)) FROM z, peers p WHERE p.best IS NOT NULL
  UNION ALL
  SELECT 6, z.setup, format('%s %s: table + index %s MB vs pg_bigm %s MB (ratio %s, target <= 1)',
         CASE WHEN z.total_mb <= b.total_mb THEN 'PASS' ELSE 'FAIL' END, z.setup, round(z.total_mb::numeric), round(b.total_mb::numeric),
         round((z.total_mb / b.total_mb)::numeric, 2)) FROM z, b
  UNION ALL
  SELECT 7, z.setup, format('%s %s: recall / precision words %s / %s, phrases %s / %s (target 1.000 on every kind)',
         CASE WHEN least(z.recall_word, z.precision_word, z.recall_phrase, z.precision_phrase) = 1 THEN 'PASS' ELSE 'FAIL' END, z.setup,
         round(z.recall_word::numeric, 4), round(z.precision_word::numeric, 4),
         round(z.recall_phrase::numeric, 4), round(z.precision_phrase::numeric, 4)) FROM z
  UNION ALL
  SELECT 8, s.setup, format('info %s recall %s, precision %s (the issue expects under 0.9 and 0.2)', s.setup,
         round(s.recall::numeric, 3), round(s.precision::numeric, 3)) FROM bench.summary s WHERE s.setup IN ('zhparser', 'jieba')
) t(o, who, line) WHERE line IS NOT NULL ORDER BY o, who;
SQL
if [ -s "$OUT/experiments.csv" ] && [ "$(wc -l < "$OUT/experiments.csv")" -gt 1 ]; then
    echo
    echo "experiments (what helps an index build use both cores; $OUT/experiments.csv):"
    "${PSQL[@]}" -P footer=off -c "SELECT name, variant, round(seconds::numeric, 2) AS seconds,
        round(index_mb::numeric, 1) AS index_mb, note FROM bench.experiment ORDER BY name, variant" | sed 's/^/  /'
fi
echo
echo "CSV: $OUT/bench-scale.csv   plot: $OUT/bench-scale.png"
} | tee "$OUT/bench-scale.txt"

# ------------------------------------------------------------ plot
if command -v gnuplot >/dev/null; then
    gnuplot -e "csv='$OUT/bench-scale.csv'; png='$OUT/bench-scale.png'; title='make bench-scale SCALE_MB=$SCALE_MB ($NROWS rows, $TEXT_MB MB)'" \
        "$SCALE_DIR/plot.gp" || log "gnuplot failed; the CSV is complete"
else
    log "gnuplot not found: no plot (apt-get install gnuplot-nox)"
fi
