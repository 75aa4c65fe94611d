#!/usr/bin/env bash
# Memory under load: one backend's memory after the first call of each function on each row, after 10,000
# calls (to_tsvector, tag, ts_headline and a search, on rows of 20,000-60,000 characters) and
# after 100 changes of the vocabulary and the user words (each followed by calls that rebuild the
# caches).  Its memory contexts must stay within 4 MB of what they were after the first calls, its
# private resident memory within 8 MB (malloc keeps freed pages: the matcher of the shipped
# vocabulary, about 5 MB, is rebuilt 100 times).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_lib.bash"
zp_ops_cluster
port=$ZP_PORT
CALLS=${ZP_MEMORY_CALLS:-10000}
"${PSQL[@]}" -v corpus="$ZP_TMP/corpus" -v calls="$CALLS" > "$ZP_TMP/memory.out" 2>&1 <<'SQL'
SET client_min_messages = warning;
CREATE TABLE src AS SELECT string_agg(zhpolicy.clean(pg_read_file(:'corpus' || '/' || f)), E'\n' ORDER BY f) AS t
FROM pg_ls_dir(:'corpus') f WHERE f LIKE '%.txt';
CREATE TABLE docs (id int PRIMARY KEY, body text, tsv tsvector);
INSERT INTO docs (id, body)
SELECT g, substr(repeat(t, 8), 1 + (g * 7919) % length(t), 20000 + (g * 1013) % 40000) FROM src, generate_series(1, 20) g;
UPDATE docs SET tsv = zhpolicy.tsvector(body);
CREATE INDEX ON docs USING gin (tsv);
-- this backend's memory: its memory contexts, and its private (anonymous) resident memory
CREATE FUNCTION mem(stage text) RETURNS text LANGUAGE sql AS $$
    SELECT format('%s|%s|%s', stage, (SELECT (sum(total_bytes) / 1024)::bigint FROM pg_backend_memory_contexts),
                  substring(pg_read_file('/proc/self/status') from 'RssAnon:\s+(\d+)'))
$$;
CREATE PROCEDURE load(n int) LANGUAGE plpgsql AS $$
DECLARE
    r record;
    i int := 0;
BEGIN
    WHILE i < n LOOP
        FOR r IN SELECT id, body FROM docs LOOP
            EXIT WHEN i >= n;
            PERFORM length(to_tsvector('zhpolicy', r.body));
            PERFORM count(*) FROM zhpolicy.tag(r.body);
            PERFORM length(ts_headline('zhpolicy', r.body, websearch_to_tsquery('zhpolicy', '命运共同体')));
            PERFORM count(*) FROM docs WHERE tsv @@ websearch_to_tsquery('zhpolicy', '"网络安全" 数字');
            i := i + 4;
        END LOOP;
    END LOOP;
END $$;
CREATE PROCEDURE edits(n int) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..n LOOP
        IF i % 2 = 1 THEN
            INSERT INTO zhpolicy.concept (id, pref_label, broader) VALUES ('mem.' || i, '内存测试概念' || repeat('甲', i % 7), 'cyber');
            INSERT INTO zhpolicy.user_word (word) VALUES ('内存测试词' || repeat('乙', i % 5)) ON CONFLICT DO NOTHING;
        ELSE
            DELETE FROM zhpolicy.concept WHERE id LIKE 'mem.%';
            DELETE FROM zhpolicy.user_word WHERE word LIKE '内存测试词%';
        END IF;
        COMMIT;
        PERFORM zhpolicy.concepts(body) FROM docs WHERE id = 1 + i % 20;
        PERFORM to_tsvector('zhpolicy', body) FROM docs WHERE id = 1 + i % 20;
    END LOOP;
END $$;
\pset format unaligned
\pset tuples_only on
CALL load(80);
SELECT mem('after the first call of each function on each row');
CALL load(:calls);
SELECT mem('after ' || :calls || ' calls');
CALL edits(100);
CALL load(400);
SELECT mem('after 100 vocabulary and user word changes');
SQL
grep '|' "$ZP_TMP/memory.out" | while IFS='|' read -r stage ctx anon; do
    echo "# memory $stage: contexts $ctx kB, private resident $anon kB"
done
awk -F'|' 'NF == 3 { if (!base_c) { base_c = $2; base_a = $3; next }
    dc = $2 - base_c; da = $3 - base_a
    if (dc < 4096 && da < 8192) printf "ok memory %s: +%d kB contexts, +%d kB private resident\n", $1, dc, da
    else printf "not ok memory %s: +%d kB contexts (limit 4096), +%d kB private resident (limit 8192)\n", $1, dc, da }
    END { if (!base_c) print "not ok memory: no figures" }' "$ZP_TMP/memory.out"
grep -E 'ERROR' "$ZP_TMP/memory.out" && echo "not ok memory: errors above"
exit 0
