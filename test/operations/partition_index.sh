#!/usr/bin/env bash
# The recipe for a large partitioned table (test/recipes/long_documents/index_partitions.sh): on a
# docs of whole documents in hash partitions, one of them partitioned again, it builds every
# leaf's text and tier index in sessions of their own and attaches them to the parent's; searches
# through the parent equal strpos, ranked ones the plain ORDER BY, a second run changes nothing,
# and a database without docs gives an error, not a success.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_lib.bash"
zp_ops_cluster
recipe="$ZP_ROOT/test/recipes/long_documents/index_partitions.sh"
export PGHOST="$ZP_TMP/pg" PGPORT="$ZP_PORT" PGUSER=postgres PGDATABASE=postgres
# 36 whole documents of 20,000-60,000 characters, cut from the corpus articles joined
"${PSQL[@]}" -v corpus="$ZP_TMP/corpus" <<'SQL' >/dev/null
CREATE TABLE src AS SELECT string_agg(zhpolicy.clean(pg_read_file(:'corpus' || '/' || f)), E'\n' ORDER BY f) AS t
FROM pg_ls_dir(:'corpus') f WHERE f LIKE '%.txt';
CREATE TABLE docs (id bigint PRIMARY KEY, body text NOT NULL) PARTITION BY HASH (id);
CREATE TABLE docs_p0 PARTITION OF docs FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE docs_p1 PARTITION OF docs FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE docs_p2 PARTITION OF docs FOR VALUES WITH (MODULUS 3, REMAINDER 2) PARTITION BY RANGE (id);
CREATE TABLE docs_p2_low PARTITION OF docs_p2 FOR VALUES FROM (MINVALUE) TO (20);
CREATE TABLE docs_p2_high PARTITION OF docs_p2 FOR VALUES FROM (20) TO (MAXVALUE);
INSERT INTO docs
SELECT g, substr(repeat(t, 8), 1 + (g * 7919) % length(t), 20000 + (g * 1013) % 40000) FROM src, generate_series(1, 36) g;
-- queries cut from the rows, some past the 16,383rd character
CREATE TABLE q AS SELECT DISTINCT substr(body, (1 + (id * 4099) % (length(body) - 8))::int, (2 + id % 7)::int) AS q FROM docs;
SQL
[ $? -eq 0 ] || { bad "setting up docs failed"; exit 1; }
leaf_indexes() {
    "${PSQL[@]}" -At -c "SELECT string_agg(c.relname || ':' || (SELECT count(*) FROM pg_index i
                            WHERE i.indrelid = c.oid AND pg_get_indexdef(i.indexrelid) LIKE '%gin_bigram_ops%') || ','
                            || (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid AND pg_get_indexdef(i.indexrelid) LIKE '%rank_tiers%'),
                            ' ' ORDER BY c.relname)
                         FROM pg_partition_tree('docs') t JOIN pg_class c ON c.oid = t.relid WHERE t.isleaf"
}
want="docs_p0:1,1 docs_p1:1,1 docs_p2_high:1,1 docs_p2_low:1,1"
if out=$(JOBS=2 bash "$recipe" 2>&1); then ok "index_partitions.sh with JOBS=2"; else bad "index_partitions.sh: $out"; fi
got=$(leaf_indexes)
[ "$got" = "$want" ] && ok "every leaf has one text index and one tier index" || bad "leaf indexes: $got"
# the leaves' indexes are the ones the script built (its names), attached to the parent's, valid
att=$("${PSQL[@]}" -At -c "SELECT p.relname || '=' || string_agg(c.relname, ' ' ORDER BY c.relname) || ':' || bool_and(i.indisvalid)
        FROM pg_class p, pg_partition_tree(p.oid) t JOIN pg_class c ON c.oid = t.relid JOIN pg_index i ON i.indexrelid = c.oid
        WHERE p.relname IN ('docs_body_bigram_idx', 'docs_rank_tiers_idx') AND p.relkind = 'I' AND t.isleaf
        GROUP BY p.relname ORDER BY p.relname")
want_att="docs_body_bigram_idx=docs_p0_body_bigram_idx docs_p1_body_bigram_idx docs_p2_high_body_bigram_idx docs_p2_low_body_bigram_idx:true
docs_rank_tiers_idx=docs_p0_rank_tiers_idx docs_p1_rank_tiers_idx docs_p2_high_rank_tiers_idx docs_p2_low_rank_tiers_idx:true"
[ "$att" = "$want_att" ] && ok "the parent's indexes are the leaves' indexes, attached and valid" || bad "attached: $att"
res=$("${PSQL[@]}" -At -c "SET enable_seqscan = off" -c "SELECT count(*), count(*) FILTER (WHERE
        ARRAY(SELECT id FROM docs WHERE body OPERATOR(zhpolicy.&@) q.q ORDER BY id) =
        ARRAY(SELECT id FROM docs WHERE strpos(body, q.q) > 0 ORDER BY id)) FROM q")
n=${res%%|*}
[ "$n" -ge 20 ] && [ "$res" = "$n|$n" ] && ok "searches through the parent equal strpos ($n queries)" || bad "searches (queries|equal): $res"
plan=$("${PSQL[@]}" -At -c "SET enable_seqscan = off" -c "EXPLAIN (COSTS OFF) SELECT id FROM docs WHERE body OPERATOR(zhpolicy.&@) '网络空间'" | grep -c 'Bitmap Index Scan on docs_p')
[ "$plan" = 4 ] && ok "a search reads the four leaves' text indexes" || bad "the plan reads $plan leaf indexes"
res=$("${PSQL[@]}" -At -c "SELECT count(*), count(*) FILTER (WHERE
        ARRAY(SELECT d.id FROM zhpolicy.rank_top('docs', 'body', 'rank_sketch', q.q, 10) t
              JOIN docs d ON d.tableoid = t.row_table AND d.ctid = t.row_ctid ORDER BY t.score DESC, d.id) =
        ARRAY(SELECT id FROM docs WHERE body OPERATOR(zhpolicy.&@) ANY (zhpolicy.rank_terms(q.q))
              ORDER BY zhpolicy.rank(body, zhpolicy.rank_query(q.q, 'docs', 'body')) DESC, id LIMIT 10))
        FROM (SELECT q FROM q ORDER BY q LIMIT 8) q")
[ "$res" = "8|8" ] && ok "rank_top through the parent equals ORDER BY rank (8 queries)" || bad "ranked (queries|equal): $res"
if out=$(JOBS=2 bash "$recipe" 2>&1) && [ "$(leaf_indexes)" = "$want" ]; then
    ok "a second run builds nothing more"
else
    bad "second run: $out $(leaf_indexes)"
fi
"${PSQL[@]}" -c "CREATE DATABASE nodocs" >/dev/null
if out=$(PGDATABASE=nodocs JOBS=2 bash "$recipe" 2>&1); then
    bad "index_partitions.sh succeeded on a database without docs"
else
    echo "$out" | grep -q 'relation "docs" does not exist' && ok "without docs: an error, exit status not 0" || bad "without docs: $out"
fi
