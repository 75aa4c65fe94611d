# Sourced by bench_scale.sh (BENCH_EXPERIMENTS=1): what helps building an index use both cores
# and memory, on the same docs table, measured in the same run.  PostgreSQL 15 builds a GIN index
# in one process (max_parallel_maintenance_workers only applies to B-tree), so the ways left are:
# a parallel scan for the tsvector step, partitions whose indexes are built in two sessions at
# once, and maintenance_work_mem (the size of the build's in-memory key tree before it is written
# out).  Each result is a row of bench.experiment (name, variant, seconds, index MB, note).

# exp NAME VARIANT SECONDS INDEX_MB_EXPR NOTE
exp() {
    sql "INSERT INTO bench.experiment VALUES ('$1', '$2', $3, ${4:-NULL}, \$n\$$5\$n\$)" >/dev/null
}

# the exact text index: ours when this build has it, else pg_bigm's (to show what the knobs do)
if [ "$has_text_index" = 1 ]; then
    EXP_OPC=zhpolicy.gin_bigram_ops; EXP_WHO=zp_text
elif [ -n "${PEER_OK[pg_bigm]:-}" ]; then
    sql "CREATE EXTENSION IF NOT EXISTS pg_bigm" >/dev/null
    EXP_OPC=gin_bigm_ops; EXP_WHO=bigm
else
    EXP_OPC=""
fi

EXP_WORKERS=2
log "experiments: tsvector step in one process and with $EXP_WORKERS parallel workers"
# The planner never plans workers for this CREATE TABLE AS by itself: the table's heap is a few
# pages (the text is in TOAST) and a function's cost is not the text's length.  So the parallel
# variant removes the setup and tuple costs and the minimum table size; its note is the plan it ran with.
for w in 0 "$EXP_WORKERS"; do
    set_w="SET max_parallel_workers_per_gather = $w; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0"
    plan=$("${PSQL[@]}" -At -c "$set_w" -c "EXPLAIN CREATE TABLE x_tsv AS SELECT id, zhpolicy.tsvector(body) AS tsv FROM docs" \
           | grep -Eo 'Workers Planned: [0-9]+' || echo "no workers planned")
    t=$(timed "$set_w; CREATE TABLE x_tsv AS SELECT id, zhpolicy.tsvector(body) AS tsv FROM docs")
    exp "tsvector step, zhpolicy.tsvector" "workers=$w" "$t" "" \
        "$(awk -v m="$TEXT_MB" -v s="$t" 'BEGIN { printf "%.1f MB/s", m / s }'); $plan"
    sql "DROP TABLE x_tsv" >/dev/null
done
# a parallel scan hands rows out by heap block; with few long rows a block holds many MB of text
log "experiments: GIN build on a tsvector column, one table vs two partitions in two sessions"
sql "CREATE TABLE x_tsv AS SELECT id, zhpolicy.tsvector(body) AS tsv FROM docs;
     CREATE TABLE x_tsvp (id bigint, tsv tsvector) PARTITION BY HASH (id);
     CREATE TABLE x_tsvp0 PARTITION OF x_tsvp FOR VALUES WITH (MODULUS 2, REMAINDER 0);
     CREATE TABLE x_tsvp1 PARTITION OF x_tsvp FOR VALUES WITH (MODULUS 2, REMAINDER 1);
     INSERT INTO x_tsvp SELECT * FROM x_tsv" >/dev/null
t=$(timed "CREATE INDEX x_tsv_gin ON x_tsv USING gin (tsv)")
exp "GIN on zhpolicy.tsvector" "one table" "$t" "pg_relation_size('x_tsv_gin') / 1e6" ""
t=$(all_partitions x_tsvp x_tsvp_gin tsv 2)
exp "GIN on zhpolicy.tsvector" "2 partitions, 2 sessions at once" "$t" \
    "(pg_relation_size('x_tsvp_gin0') + pg_relation_size('x_tsvp_gin1')) / 1e6" ""
sql "DROP TABLE x_tsv; DROP TABLE x_tsvp" >/dev/null

if [ -n "$EXP_OPC" ]; then
    log "experiments: $EXP_OPC build with maintenance_work_mem 64MB, 256MB, 1GB"
    for m in 64MB 256MB 1GB; do
        t=$(timed "SET maintenance_work_mem = '$m'; CREATE INDEX x_idx ON docs USING gin (body $EXP_OPC)")
        exp "$EXP_WHO index build ($EXP_OPC)" "maintenance_work_mem=$m" "$t" "pg_relation_size('x_idx') / 1e6" ""
        sql "DROP INDEX x_idx" >/dev/null
    done
    log "experiments: $EXP_OPC on 2 hash partitions, built one after the other and in two sessions at once"
    sql "CREATE TABLE x_docs (id bigint, body text) PARTITION BY HASH (id);
         CREATE TABLE x_docs0 PARTITION OF x_docs FOR VALUES WITH (MODULUS 2, REMAINDER 0);
         CREATE TABLE x_docs1 PARTITION OF x_docs FOR VALUES WITH (MODULUS 2, REMAINDER 1);
         INSERT INTO x_docs SELECT id, body FROM docs; ANALYZE x_docs" >/dev/null
    t=$(timed "CREATE INDEX x_docs_idx ON x_docs USING gin (body $EXP_OPC)")
    exp "$EXP_WHO index build ($EXP_OPC)" "2 partitions, CREATE INDEX on the parent" "$t" \
        "(SELECT sum(pg_relation_size(i.indexrelid)) FROM pg_index i WHERE i.indrelid IN ('x_docs0'::regclass, 'x_docs1'::regclass)) / 1e6" ""
    sql "DROP INDEX x_docs_idx" >/dev/null
    t=$(all_partitions x_docs x_docs_idx "body $EXP_OPC" 2)
    exp "$EXP_WHO index build ($EXP_OPC)" "2 partitions, 2 sessions at once" "$t" \
        "(pg_relation_size('x_docs_idx0') + pg_relation_size('x_docs_idx1')) / 1e6" \
        "then CREATE INDEX ON x_docs attaches both"
    sql "DROP TABLE x_docs" >/dev/null
fi
