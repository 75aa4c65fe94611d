#!/usr/bin/env bash
# tag_table under faults, on 3,000 rows: a run whose backend is terminated, and one that is
# cancelled, mid-run, each resumed by the next call; two runs started at once.  Every row ends
# up tagged exactly once per change of its text: nothing lost, nothing done twice.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_lib.bash"
zp_ops_cluster
port=$ZP_PORT
"${PSQL[@]}" -v corpus="$ZP_TMP/corpus" <<'SQL' >/dev/null
CREATE TABLE src AS SELECT string_agg(zhpolicy.clean(pg_read_file(:'corpus' || '/' || f)), E'\n' ORDER BY f) AS t
FROM pg_ls_dir(:'corpus') f WHERE f LIKE '%.txt';
CREATE TABLE docs (id int PRIMARY KEY, body text, tags text[], updates int NOT NULL DEFAULT 0);
CREATE FUNCTION count_updates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updates := OLD.updates + 1;
    RETURN NEW;
END $$;
CREATE TRIGGER count_updates BEFORE UPDATE OF tags ON docs FOR EACH ROW EXECUTE FUNCTION count_updates();
INSERT INTO docs (id, body) SELECT g, substr(t, 1 + (g * 7919) % (length(t) - 2000), 2000) FROM src, generate_series(1, 3000) g;
SQL
tagged() { "${PSQL[@]}" -Atc "SELECT count(*) FROM docs WHERE updates > 0"; }
# verdict NAME: every row tagged once, tags right
verdict() {
    local r
    r=$("${PSQL[@]}" -Atc "SELECT count(*), count(*) FILTER (WHERE updates = 1), count(*) FILTER (WHERE tags = zhpolicy.concepts(body)) FROM docs")
    [ "$r" = "3000|3000|3000" ] && ok "$1: 3000 rows, each tagged once, tags right" || bad "$1: rows|tagged once|right = $r"
}
# interrupt HOW: start tag_table in the background, stop it with HOW once 300 rows are done
interrupt() {
    local how=$1 pid i before after
    PGAPPNAME=zp_tagger "${PSQL[@]}" -c "SET client_min_messages = warning" \
        -c "CALL zhpolicy.tag_table('docs', 'body', 'tags', batch_size => 50)" > "$ZP_TMP/$how.out" 2>&1 &
    pid=$!
    for i in $(seq 1 600); do
        [ "$(tagged)" -ge 300 ] && break
        sleep 0.1
    done
    "${PSQL[@]}" -Atc "SELECT $how(pid) FROM pg_stat_activity WHERE application_name = 'zp_tagger'" >/dev/null
    wait $pid
    before=$(tagged)
    r=$("${PSQL[@]}" -Atc "SELECT count(*) FILTER (WHERE updates = 1), count(*) FILTER (WHERE updates > 1) FROM docs")
    if [ "$before" -lt 3000 ] && [ "$r" = "$before|0" ] && grep -qE 'terminat|cancel' "$ZP_TMP/$how.out"; then
        ok "$how: stopped after $before rows; the rows of its unfinished batch were rolled back"
    else
        bad "$how: logged $before, tagged once|more than once = $r: $(head -3 "$ZP_TMP/$how.out")"
    fi
    "${PSQL[@]}" -c "SET client_min_messages = warning" -c "CALL zhpolicy.tag_table('docs', 'body', 'tags', batch_size => 50)" >/dev/null
    verdict "$how, then resumed"
}
interrupt pg_terminate_backend
# every text changes: all rows are due again
"${PSQL[@]}" -c "UPDATE docs SET body = body || '。', updates = 0" >/dev/null
interrupt pg_cancel_backend
# two runs at once
"${PSQL[@]}" -c "UPDATE docs SET body = body || '。', updates = 0" >/dev/null
"${PSQL[@]}" -c "SET client_min_messages = warning" -c "CALL zhpolicy.tag_table('docs', 'body', 'tags', batch_size => 37)" >/dev/null &
p1=$!
"${PSQL[@]}" -c "SET client_min_messages = warning" -c "CALL zhpolicy.tag_table('docs', 'body', 'tags', batch_size => 41)" >/dev/null &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && ok "two runs at once both finished" || bad "two runs at once: exit $r1 and $r2"
verdict "two runs at once"
