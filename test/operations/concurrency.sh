#!/usr/bin/env bash
# Many sessions at once while the dictionary and the vocabulary change: for about 30 seconds,
# pgbench clients index, search, tag and run tag_table on whole documents while another session
# adds and removes user words and concepts five times a second.  No statement may fail, and
# afterwards (edits undone, one last tag_table) the tags equal a single-session run.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_lib.bash"
zp_ops_cluster
port=$ZP_PORT
SECONDS_RUN=${ZP_CONCURRENCY_SECONDS:-30}
# 40 whole documents of 20,000-60,000 characters, cut from the corpus articles joined
"${PSQL[@]}" -v corpus="$ZP_TMP/corpus" <<'SQL' >/dev/null
CREATE TABLE src AS SELECT string_agg(zhpolicy.clean(pg_read_file(:'corpus' || '/' || f)), E'\n' ORDER BY f) AS t
FROM pg_ls_dir(:'corpus') f WHERE f LIKE '%.txt';
CREATE TABLE docs (id int PRIMARY KEY, body text, tsv tsvector, tags text[]);
INSERT INTO docs (id, body)
SELECT g, substr(repeat(t, 8), 1 + (g * 7919) % length(t), 20000 + (g * 1013) % 40000) FROM src, generate_series(1, 40) g;
UPDATE docs SET tsv = zhpolicy.tsvector(body);
CREATE INDEX ON docs USING gin (tsv);
CREATE TABLE baseline AS SELECT id, zhpolicy.concepts(body) AS tags FROM docs;
SQL
cat > "$ZP_TMP/read.sql" <<'SQL'
\set id random(1, 40)
SELECT length(to_tsvector('zhpolicy', body)) FROM docs WHERE id = :id;
SELECT count(*) FROM docs WHERE tsv @@ websearch_to_tsquery('zhpolicy', '"网络安全" 数字');
SELECT count(*) FROM zhpolicy.tag((SELECT body FROM docs WHERE id = :id));
SELECT length(ts_headline('zhpolicy', body, websearch_to_tsquery('zhpolicy', '命运共同体'))) FROM docs WHERE id = :id;
SELECT zhpolicy.concepts(body) FROM docs WHERE id = :id;
SQL
cat > "$ZP_TMP/tagger.sql" <<'SQL'
CALL zhpolicy.tag_table('docs', 'body', 'tags', 3);
SQL
cat > "$ZP_TMP/edit.sql" <<'SQL'
\set a random(1, 8)
\set b random(1, 8)
INSERT INTO zhpolicy.user_word (word) SELECT (ARRAY['星河数智港','网络空间治','数字丝绸','命运共同','安全发展观','数据跨境流','智慧城市群','绿色算力'])[:a] ON CONFLICT DO NOTHING;
DELETE FROM zhpolicy.user_word WHERE word = (ARRAY['星河数智港','网络空间治','数字丝绸','命运共同','安全发展观','数据跨境流','智慧城市群','绿色算力'])[:b];
INSERT INTO zhpolicy.concept (id, pref_label, broader) SELECT 'load.' || :a, (ARRAY['网络安全保障','数字经济发展','人工智能治理','数据安全管理','网络空间秩序','全球发展倡议','乡村全面振兴','知识产权保护'])[:a] || '测试', 'cyber' ON CONFLICT DO NOTHING;
INSERT INTO zhpolicy.concept_label (concept_id, label) SELECT 'load.' || :a, (ARRAY['网络','数字','智能','数据','空间','发展','乡村','产权'])[:b] || '测试标签' WHERE EXISTS (SELECT 1 FROM zhpolicy.concept WHERE id = 'load.' || :a) ON CONFLICT DO NOTHING;
DELETE FROM zhpolicy.concept WHERE id = 'load.' || :b;
\sleep 200 ms
SQL
chmod a+r "$ZP_TMP"/*.sql
BENCH=(pgbench -n -h "$ZP_TMP/pg" -p "$port" -U postgres -T "$SECONDS_RUN" postgres)
"${BENCH[@]}" -c 1 -f "$ZP_TMP/edit.sql" > "$ZP_TMP/edit.out" 2>&1 &
edit_pid=$!
"${BENCH[@]}" -c 2 -f "$ZP_TMP/tagger.sql" > "$ZP_TMP/tagger.out" 2>&1 &
tagger_pid=$!
"${BENCH[@]}" -c 8 -j 2 -f "$ZP_TMP/read.sql" > "$ZP_TMP/read.out" 2>&1
read_rc=$?
wait $edit_pid; edit_rc=$?
wait $tagger_pid; tagger_rc=$?
for w in read edit tagger; do
    rc_var=${w}_rc
    n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$ZP_TMP/$w.out")
    if [ "${!rc_var}" -eq 0 ] && ! grep -qE 'ERROR|aborted|FATAL' "$ZP_TMP/$w.out" && [ "${n:-0}" -gt 0 ]; then
        ok "$w clients: ${n} transactions in ${SECONDS_RUN} s, no error"
    else
        bad "$w clients (exit ${!rc_var}):"; grep -E 'ERROR|aborted|FATAL|processed' "$ZP_TMP/$w.out" | head -20
    fi
done
# undo the edits; one last tag_table; compare with the tags computed before the run, and now
"${PSQL[@]}" -c "DELETE FROM zhpolicy.concept WHERE id LIKE 'load.%'" -c "TRUNCATE zhpolicy.user_word" \
    -c "SET client_min_messages = warning" -c "CALL zhpolicy.tag_table('docs', 'body', 'tags')" >/dev/null
res=$("${PSQL[@]}" -Atc "SELECT count(*), count(*) FILTER (WHERE d.tags = b.tags), count(*) FILTER (WHERE d.tags = zhpolicy.concepts(d.body)) FROM docs d JOIN baseline b USING (id)")
[ "$res" = "40|40|40" ] && ok "final tags equal a single-session run (40 of 40 documents)" || bad "final tags differ (rows|equal to before|equal to now): $res"
