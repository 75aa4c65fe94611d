#!/usr/bin/env bash
# make test-citus: zhpolicy on a Citus cluster (a coordinator and two workers on 127.0.0.1)
# gives the answers one node gives, with one dictionary and one vocabulary.  Builds Citus from
# ../shared/citus into the PostgreSQL under test if it is not there (skips, exit 77, if neither
# is).  Prints TAP-like lines, the timings of loading, indexing and tag_table on one node and on
# the cluster, and ends with "N passed, M failed".
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_lib.bash"
HERE=$ZP_ROOT/test/citus
zp_citus_build
zp_build_install
zp_citus_cluster
cp -r "$ZP_ROOT/test/corpus" "$ZP_TMP/corpus"
chmod -R a+rX "$ZP_TMP/corpus"
passed=0
pass() { ok "$@"; passed=$((passed + 1)); }
check() { if [ "$2" = "$3" ]; then pass "$1"; else bad "$1: got '$2', expected '$3'"; fi; }
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
S=3   # the single node

# --- the cluster: Citus on every node, the workers added, zhpolicy with its tables as reference tables
for i in 0 1 2; do zp_psql "$i" -c "CREATE EXTENSION citus" >/dev/null || exit 1; done
zp_psql 0 -c "SELECT citus_set_coordinator_host('127.0.0.1', ${ZP_CPORT[0]})" \
    -c "SELECT citus_add_node('127.0.0.1', ${ZP_CPORT[1]})" -c "SELECT citus_add_node('127.0.0.1', ${ZP_CPORT[2]})" >/dev/null || exit 1
zp_psql 0 -c "SET citus.enable_ddl_propagation = off" -c "CREATE EXTENSION pg_cron" >/dev/null || exit 1
zp_psql "$S" -c "CREATE EXTENSION zhpolicy" >/dev/null || exit 1

# --- a live cluster upgraded: 0.1 installed on the coordinator (Citus propagates it), a
# distributed table made under it, then ALTER EXTENSION zhpolicy UPDATE on the coordinator; all
# that follows runs on the upgraded extension
latest=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$ZP_ROOT/zhpolicy.control")
versions() { for i in 0 1 2; do zp_val "$i" "SELECT extversion FROM pg_extension WHERE extname = 'zhpolicy'"; done | paste -sd/; }
zp_psql 0 -c "CREATE EXTENSION zhpolicy VERSION '0.1'" >/dev/null || exit 1
check "CREATE EXTENSION zhpolicy VERSION '0.1' on the coordinator reaches every node" "$(versions)" "0.1/0.1/0.1"
for i in 0 $S; do
    dist=false; [ "$i" -eq 0 ] && dist=true
    zp_psql "$i" -v dist=$dist -v corpus="$ZP_TMP/corpus" -f "$HERE/v01.sql" >/dev/null || exit 1
done
zp_psql 0 -f "$HERE/v01_search.sql" > "$ZP_TMP/v01_before.out" 2>&1
if zp_psql 0 -c "ALTER EXTENSION zhpolicy UPDATE" > "$ZP_TMP/update.out" 2>&1 && [ ! -s "$ZP_TMP/update.out" ]; then
    pass "ALTER EXTENSION zhpolicy UPDATE on the coordinator of a live cluster, silently"
else
    bad "ALTER EXTENSION zhpolicy UPDATE on the coordinator: $(head -5 "$ZP_TMP/update.out")"
fi
check "every node reports zhpolicy $latest" "$(versions)" "$latest/$latest/$latest"
zp_psql $S -f "$ZP_ROOT/test/operations/catalog.sql" > "$ZP_TMP/catalog.fresh"
for i in 0 1 2; do
    zp_psql "$i" -f "$ZP_ROOT/test/operations/catalog.sql" > "$ZP_TMP/catalog.$i"
    if diff "$ZP_TMP/catalog.fresh" "$ZP_TMP/catalog.$i" > "$ZP_TMP/catalog.diff"; then
        pass "node $i: the upgraded catalog equals a fresh $latest install ($(wc -l < "$ZP_TMP/catalog.fresh") facts)"
    else
        bad "node $i: the upgraded catalog differs from a fresh install (< fresh, > node $i): $(head -5 "$ZP_TMP/catalog.diff")"
    fi
done
zp_psql 0 -f "$HERE/v01_search.sql" > "$ZP_TMP/v01_after.out" 2>&1
zp_psql $S -f "$HERE/v01_search.sql" > "$ZP_TMP/v01_single.out" 2>&1
if [ -s "$ZP_TMP/v01_before.out" ] && ! grep -q ERROR "$ZP_TMP/v01_before.out" &&
   cmp -s "$ZP_TMP/v01_before.out" "$ZP_TMP/v01_after.out" && cmp -s "$ZP_TMP/v01_after.out" "$ZP_TMP/v01_single.out"; then
    pass "the table made under 0.1: stored tsvectors and $(($(wc -l < "$ZP_TMP/v01_after.out") - 1)) search hits the same after the update, and equal one node's"
else
    bad "the table made under 0.1 searches differently: $(diff "$ZP_TMP/v01_before.out" "$ZP_TMP/v01_after.out" | head -3) / $(diff "$ZP_TMP/v01_after.out" "$ZP_TMP/v01_single.out" | head -3)"
fi
check "its stored tsvectors equal the upgraded zhpolicy.tsvector's, on the workers" \
    "$(zp_val 0 "SELECT count(*) FILTER (WHERE tsv IS DISTINCT FROM zhpolicy.tsvector(body)) || '/' || count(*) FROM v01")" \
    "0/$(zp_val $S "SELECT count(*) FROM v01")"

check "citus_distribute makes the dictionary and vocabulary tables reference tables" \
    "$(zp_val 0 "SET client_min_messages = warning; SELECT string_agg(t::text, ',' ORDER BY t::text) FROM zhpolicy.citus_distribute() t")" \
    "zhpolicy.concept,zhpolicy.concept_label,zhpolicy.concept_label_removed,zhpolicy.concept_removed,zhpolicy.concept_scheme,zhpolicy.df_corpus,zhpolicy.term_df,zhpolicy.user_word"
check "citus_distribute a second time changes nothing" "$(zp_val 0 "SELECT count(*) FROM zhpolicy.citus_distribute()")" 0
for i in 0 $S; do zp_val "$i" "SELECT zhpolicy.load_vocabulary()" >/dev/null || exit 1; done
n=$(zp_val $S "SELECT count(*) FROM zhpolicy.concept")
check "load_vocabulary on the coordinator reaches every node" \
    "$(for i in 0 1 2; do zp_val $i "SELECT count(*) FROM zhpolicy.concept"; done | paste -sd/)" "$n/$n/$n"
for i in 0 $S; do
    zp_psql "$i" -c "SET client_min_messages = warning" -c "CALL zhpolicy.tag_table('v01', 'body', 'tags')" >/dev/null || bad "tag_table on the table made under 0.1, node $i"
done
tags_md5() { zp_val "$1" "SELECT count(*) FILTER (WHERE tags IS NOT NULL) || '/' || count(*) || ' ' || md5(string_agg(id || ':' || array_to_string(tags, ' '), ',' ORDER BY id)) FROM v01"; }
check "tag_table on the table made under 0.1: every row, the tags one node gives" "$(tags_md5 0)" "$(tags_md5 $S)"
check "and nothing left pending" "$(zp_val 0 "SELECT zhpolicy.tag_table_pending('v01', 'body', 'tags')")" 0

# --- the same rows on one node and on the cluster; timings of loading and indexing
declare -A T
for i in $S 0; do
    dist=false; [ "$i" -eq 0 ] && dist=true
    t0=$(now)
    zp_psql "$i" -v dist=$dist -v corpus="$ZP_TMP/corpus" -f "$HERE/data.sql" >/dev/null || exit 1
    t1=$(now)
    zp_psql "$i" -f "$HERE/index.sql" >/dev/null || exit 1
    t2=$(now)
    T[load$i]=$(secs "$t0" "$t1"); T[index$i]=$(secs "$t1" "$t2")
done
rows=$(zp_val 0 "SELECT count(*) FROM docs")
check "distributed table of 8 shards over both workers" \
    "$(zp_val 0 "SELECT count(DISTINCT shardid) || '/' || count(DISTINCT nodeport) FROM citus_shards WHERE table_name = 'docs'::regclass")" "8/2"

# --- every answer equal to one node's
zp_psql $S -f "$HERE/compare.sql" > "$ZP_TMP/single.out" 2>&1
zp_psql 0 -f "$HERE/compare.sql" > "$ZP_TMP/cluster.out" 2>&1
lines=$(wc -l < "$ZP_TMP/single.out")
for section in "stored tsvectors" "tsvector search, with rank" "text index (&@, LIKE)" "ts_headline" "tag" "tag_spans" \
               "concepts" "concept_query" "document frequencies and keywords"; do
    a=$(awk -v s="== $section" '$0 == s {on = 1; next} /^== / {on = 0} on' "$ZP_TMP/single.out")
    b=$(awk -v s="== $section" '$0 == s {on = 1; next} /^== / {on = 0} on' "$ZP_TMP/cluster.out")
    if [ -n "$a" ] && [ "$a" = "$b" ] && ! grep -q ERROR <<<"$a"; then
        pass "$section: the cluster's $(wc -l <<<"$a") lines equal one node's"
    else
        bad "$section differs from one node's: $(diff <(echo "$a") <(echo "$b") | head -5)"
    fi
done

# --- the functions run on the workers (pushed down), and the text index is used there
plan=$(zp_psql 0 -Atc "EXPLAIN (VERBOSE, COSTS OFF) SELECT id, zhpolicy.concepts(body), zhpolicy.tag(body), ts_headline('zhpolicy', body, to_tsquery('zhpolicy', '数字')), zhpolicy.keywords(body) FROM docs WHERE tsv @@ to_tsquery('zhpolicy', '数字')")
if grep -q 'Task Count: 8' <<<"$plan" && grep -E 'Query: SELECT .*zhpolicy.concepts\(.*zhpolicy.tag\(.*ts_headline\(.*zhpolicy.keywords\(' <<<"$plan" >/dev/null; then
    pass "concepts, tag, ts_headline and keywords are pushed down to the 8 shards"
else
    bad "not pushed down: $plan"
fi
plan=$(zp_psql 0 -Atc "BEGIN" -c "SET LOCAL citus.propagate_set_commands = 'local'" -c "SET LOCAL enable_seqscan = off" \
    -c "EXPLAIN (COSTS OFF) SELECT id FROM docs WHERE body OPERATOR(zhpolicy.&@) '数字经济'" -c "COMMIT")
grep -q 'Bitmap Index Scan on docs_body_bigram_idx' <<<"$plan" && pass "&@ uses the gin_bigram_ops index on the workers' shards" || bad "no index scan: $plan"

# --- edits on the coordinator reach every node in the next statement, in long-lived sessions
# (the coordinator's cached connections to the workers), and new rows stored on either worker agree
k1=$(zp_val 0 "SELECT min(id) FROM generate_series(200001, 200100) id WHERE (SELECT nodeport FROM citus_shards s WHERE s.shardid = get_shard_id_for_distribution_column('docs', id)) = ${ZP_CPORT[1]}")
k2=$(zp_val 0 "SELECT min(id) FROM generate_series(200001, 200100) id WHERE (SELECT nodeport FROM citus_shards s WHERE s.shardid = get_shard_id_for_distribution_column('docs', id)) = ${ZP_CPORT[2]}")
edits=$(zp_psql 0 -At <<SQL 2>&1
SET client_min_messages = warning;
SET citus.max_adaptive_executor_pool_size = 1;
SELECT string_agg(DISTINCT p::text, ',') AS pids FROM (SELECT pg_backend_pid() p FROM docs) s \gset before_
INSERT INTO docs (id, body) VALUES ($k1, '星河数智港建设加快推进'), ($k2, '星河数智港建设加快推进');
SELECT 'split', string_agg((tsv @@ '星河数智港'::tsquery)::text, ',' ORDER BY id) FROM docs WHERE id IN ($k1, $k2);
INSERT INTO zhpolicy.user_word (word) VALUES ('星河数智港');
INSERT INTO docs (id, body) VALUES ($k1 + 1000, '星河数智港建设加快推进'), ($k2 + 1000, '星河数智港建设加快推进');
SELECT 'stored', string_agg((tsv @@ '星河数智港'::tsquery)::text, ',' ORDER BY id) FROM docs WHERE id IN ($k1 + 1000, $k2 + 1000);
SELECT 'computed', string_agg((zhpolicy.tsvector(body) @@ '星河数智港'::tsquery)::text, ',' ORDER BY id) FROM docs WHERE id IN ($k1, $k2);
SELECT 'concept before', string_agg(cardinality(zhpolicy.concepts(body))::text, ',' ORDER BY id) FROM docs WHERE id IN ($k1, $k2);
INSERT INTO zhpolicy.concept (id, pref_label, broader) VALUES ('x.xinghe', '星河数智港', NULL);
SELECT 'concept after', string_agg(array_to_string(zhpolicy.concepts(body), ' '), ',' ORDER BY id) FROM docs WHERE id IN ($k1, $k2);
UPDATE zhpolicy.concept SET id = 'x.xinghe2' WHERE id = 'x.xinghe';
SELECT 'renamed', string_agg(array_to_string(zhpolicy.concepts(body), ' '), ',' ORDER BY id) FROM docs WHERE id IN ($k1, $k2);
DELETE FROM zhpolicy.concept WHERE id = 'x.xinghe2';
DELETE FROM zhpolicy.user_word WHERE word = '星河数智港';
SELECT 'removed', string_agg(cardinality(zhpolicy.concepts(body))::text || '/' || (zhpolicy.tsvector(body) @@ '星河数智港'::tsquery)::text, ',' ORDER BY id) FROM docs WHERE id IN ($k1, $k2);
SELECT 'same sessions', string_agg(DISTINCT p::text, ',') = :'before_pids' FROM (SELECT pg_backend_pid() p FROM docs) s;
DELETE FROM docs WHERE id > 200000;
SQL
)
for want in "split|false,false" "stored|true,true" "computed|true,true" "concept before|0,0" \
            "concept after|x.xinghe,x.xinghe" "renamed|x.xinghe2,x.xinghe2" "removed|0/false,0/false" "same sessions|t"; do
    grep -qxF "$want" <<<"$edits" && pass "edit on the coordinator, next statement on both workers: $want" || bad "expected '$want' in: $(tr '\n' ' ' <<<"$edits")"
done
words=$(for i in 1 2; do zp_psql "$i" -Atc "SELECT count(*) FROM zhpolicy.user_word" -c "SELECT count(*) FROM zhpolicy.concept"; done | paste -sd,)
check "a worker's own sessions read the same tables" "$words" "0,$n,0,$n"

# --- tag_table over the distributed table: every row once, the work on the workers
declare -A TT
for i in $S 0; do
    t0=$(now)
    zp_psql "$i" -c "SET client_min_messages = warning" -c "CALL zhpolicy.tag_table('docs', 'body', 'tags', batch_size => 200)" >/dev/null || bad "tag_table on node $i failed"
    TT[$i]=$(secs "$t0" "$(now)")
done
verdict() {  # verdict NAME [UPDATES]: every row tagged UPDATES times (default 1), tags right, log complete
    local r
    r="$(zp_val 0 "SELECT count(*) || '|' || count(*) FILTER (WHERE updates = ${2:-1}) || '|' || count(*) FILTER (WHERE tags = zhpolicy.concepts(body)) FROM docs")|$(zp_val 0 "SELECT count(*) FROM zhpolicy.tag_log WHERE table_oid = 'docs'::regclass")|$(zp_val 0 "SELECT zhpolicy.tag_table_pending('docs', 'body', 'tags')")"
    check "$1: rows|tagged once|tags right|logged|pending" "$r" "$rows|$rows|$rows|$rows|0"
}
verdict "tag_table on the cluster"
check "tags equal one node's" "$(zp_val 0 "SELECT md5(string_agg(id || ':' || array_to_string(tags, ' '), ',' ORDER BY id)) FROM (SELECT id, tags FROM docs ORDER BY id) s")" \
    "$(zp_val $S "SELECT md5(string_agg(id || ':' || array_to_string(tags, ' '), ',' ORDER BY id)) FROM (SELECT id, tags FROM docs ORDER BY id) s")"
zp_psql 0 -c "SET client_min_messages = warning" -c "CALL zhpolicy.tag_table('docs', 'body', 'tags')" >/dev/null
verdict "a second run tags nothing"
plan=$(zp_psql 0 -Atc "EXPLAIN (VERBOSE, COSTS OFF) UPDATE docs t SET tags = zhpolicy.concepts(coalesce(t.body::text, ''), 0) WHERE t.id = ANY ('{1,2,3,4,5,6,7,8,9,10,11,12}'::bigint[])")
grep -q 'Task Count: [2-8]' <<<"$plan" && grep -q 'zhpolicy.concepts' <<<"$plan" && pass "tag_table's update runs on the shards" || bad "tag_table's update: $plan"

# interrupt HOW AT: make every row due, start tag_table, stop it with HOW once AT rows are done
# (cancel its backend, or stop worker 1 with an immediate shutdown and start it again), then
# resume.  The interrupted CALL must fail, whatever error the lost connection gives (Citus passes
# on libpq's own text, which depends on the moment the worker went away); the resumed run must
# tag every row exactly once.
interrupt() {
    local how=$1 at=$2 pid i before r rc err started
    zp_psql 0 -c "UPDATE docs SET body = body || '。', updates = 0" >/dev/null
    PGAPPNAME=zp_tagger zp_psql 0 -c "SET client_min_messages = warning" \
        -c "CALL zhpolicy.tag_table('docs', 'body', 'tags', batch_size => 100)" > "$ZP_TMP/$how.out" 2>&1 &
    pid=$!
    for i in $(seq 1 600); do
        [ "$(zp_val 0 "SELECT count(*) FROM docs WHERE updates > 0")" -ge "$at" ] && break
        sleep 0.1
    done
    case $how in
        cancel) zp_val 0 "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'zp_tagger'" >/dev/null ;;
        restart)
            started=$(now)
            zp_citus_stop 1 immediate
            zp_citus_start 1
            zp_citus_wait_worker 1 60 || bad "restart: worker 1 not back within 60 s"
            echo "# restart at $at rows: worker 1 back and reachable from the coordinator in $(secs "$started" "$(now)") s" ;;
    esac
    wait $pid
    rc=$?
    err=$(grep -m1 'ERROR' "$ZP_TMP/$how.out")
    # a window the coordinator committed while the worker was down is prepared there: Citus's
    # maintenance daemon commits it within citus.recover_2pc_interval; do it now
    zp_retry 60 zp_val 0 "SELECT recover_prepared_transactions()" >/dev/null || bad "$how: recover_prepared_transactions failed for 60 s"
    before=$(zp_val 0 "SELECT count(*) FROM docs WHERE updates > 0")
    r=$(zp_val 0 "SELECT count(*) FILTER (WHERE updates > 1) FROM docs")
    if [ "$rc" -ne 0 ] && [ -n "$err" ] && [ "$before" -ge "$at" ] && [ "$before" -lt "$rows" ] && [ "$r" = 0 ]; then
        pass "$how mid-run at $at rows: the CALL failed ($err), stopped after $before rows, none tagged twice"
    else
        bad "$how at $at: CALL status $rc, $before rows tagged, $r more than once: $(head -3 "$ZP_TMP/$how.out")"
    fi
    zp_retry 60 zp_psql 0 -c "SET client_min_messages = warning" -c "CALL zhpolicy.tag_table('docs', 'body', 'tags', batch_size => 100)" >/dev/null \
        || bad "$how: the resumed run failed for 60 s"
    verdict "$how at $at rows, then resumed"
}
interrupt cancel 500
# ZP_CITUS_RESTARTS (default 1, at most 6): how many times to restart a worker mid-run, each
# 400 rows later in the run than the one before
for i in $(seq 1 "${ZP_CITUS_RESTARTS:-1}"); do interrupt restart $((100 + 400 * i)); done

# --- the job on the coordinator: pg_cron runs tag_table after a vocabulary edit
zp_psql 0 -c "UPDATE docs SET updates = 0" \
    -c "INSERT INTO zhpolicy.concept_label (concept_id, label) SELECT id, '数智港' FROM zhpolicy.concept ORDER BY id LIMIT 1" >/dev/null
pending=$(zp_val 0 "SELECT zhpolicy.tag_table_pending('docs', 'body', 'tags')")
check "a vocabulary edit makes every row due" "$pending" "$rows"
zp_val 0 "SELECT cron.schedule('zhpolicy-tag-docs', '* * * * *', \$\$CALL zhpolicy.tag_table('docs', 'body', 'tags', batch_size => 500)\$\$)" >/dev/null
for i in $(seq 1 150); do
    [ "$(zp_val 0 "SELECT count(*) FROM cron.job_run_details WHERE status IN ('succeeded', 'failed')")" -gt 0 ] && break
    sleep 1
done
check "the pg_cron job ran tag_table" "$(zp_val 0 "SELECT string_agg(status, ',') FROM cron.job_run_details")" "succeeded"
zp_val 0 "SELECT cron.unschedule('zhpolicy-tag-docs')" >/dev/null
verdict "after the pg_cron job"

# --- timings (this machine: the cluster's three servers share its cores)
echo "# rows: $rows (3,000 passages of 300-3,000 characters and the 5 articles whole), 8 shards on 2 workers"
printf '# %-34s %10s %10s %8s\n' "step" "1 node s" "cluster s" "speed-up"
for step in load index; do
    printf '# %-34s %10s %10s %8s\n' "$step" "${T[$step$S]}" "${T[${step}0]}" "$(python3 -c "print(f'{${T[$step$S]} / ${T[${step}0]}:.2f}')")"
done
printf '# %-34s %10s %10s %8s\n' "tag_table (batch_size 200)" "${TT[$S]}" "${TT[0]}" "$(python3 -c "print(f'{${TT[$S]} / ${TT[0]}:.2f}')")"
echo "$passed passed, $ZP_CITUS_FAILED failed"
[ "$ZP_CITUS_FAILED" -eq 0 ]
