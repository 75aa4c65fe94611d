#!/usr/bin/env bash
# Backup and restore: a database with user words, an edited vocabulary, stored tsvectors, a
# GIN index and tags from tag_table goes through pg_dump in plain and custom format into fresh
# databases: exit status 0, nothing on stderr (no error, no warning), and the same results.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_lib.bash"
zp_temp_cluster "$(zp_free_port)"
PG=(-h "$ZP_TMP/pg" -p "$(sed -n 4p "$ZP_TMP/pg/data/postmaster.pid")" -U postgres)
check_silent() { # name, exit status, stderr file
    if [ "$2" -eq 0 ] && [ ! -s "$3" ]; then ok "$1"; else bad "$1 (exit $2): $(head -c 2000 "$3")"; fi
}

zp_pg_dir "$ZP_TMP/dumps"
D="$ZP_TMP/dumps"
"${PSQL[@]}" -c "CREATE DATABASE source" -c "CREATE DATABASE plain_copy" -c "CREATE DATABASE custom_copy" \
    -c "CREATE DATABASE ordered_copy"
"${PSQL[@]}" -d source -c "CREATE EXTENSION zhpolicy" >/dev/null
if ! "${PSQL[@]}" -d source -v corpus="$ZP_TMP/corpus" -f "$ZP_ROOT/test/operations/setup_data.sql" >/dev/null 2>"$ZP_TMP/setup.err"; then
    bad "setting up the data failed: $(cat "$ZP_TMP/setup.err")"
    exit 1
fi
"${PSQL[@]}" -d source -f "$ZP_ROOT/test/operations/results.sql" > "$ZP_TMP/source.txt" \
    || { bad "results of the source database: $(tail -3 "$ZP_TMP/source.txt")"; exit 1; }
"${PSQL[@]}" -d source -v strict_generated=1 -f "$ZP_ROOT/test/operations/results.sql" > "$ZP_TMP/source_strict.txt"

zp_as_pg "$PG_BIN/pg_dump" "${PG[@]}" -d source -f "$D/dump.sql" 2> "$ZP_TMP/dump_plain.err"
check_silent "pg_dump, plain format" $? "$ZP_TMP/dump_plain.err"
zp_as_pg "$PG_BIN/pg_dump" "${PG[@]}" -d source -Fc -f "$D/dump.custom" 2> "$ZP_TMP/dump_custom.err"
check_silent "pg_dump, custom format" $? "$ZP_TMP/dump_custom.err"

"${PSQL[@]}" -d plain_copy -v ON_ERROR_STOP=1 -f "$D/dump.sql" > /dev/null 2> "$ZP_TMP/restore_plain.err"
check_silent "psql restores the plain dump" $? "$ZP_TMP/restore_plain.err"
zp_as_pg "$PG_BIN/pg_restore" "${PG[@]}" -d custom_copy --exit-on-error "$D/dump.custom" 2> "$ZP_TMP/restore_custom.err"
check_silent "pg_restore restores the custom dump" $? "$ZP_TMP/restore_custom.err"

# the README's recipe for generated tsvector columns: the extension's data before the tables'
zp_as_pg "$PG_BIN/pg_restore" -l "$D/dump.custom" > "$D/all.list"
awk -v ext="$(grep 'TABLE DATA zhpolicy ' "$D/all.list" | tr '\n' '\r')" '
    / TABLE DATA zhpolicy / { next }
    / TABLE DATA / && !done { gsub("\r", "\n", ext); printf "%s", ext; done = 1 }
    { print }' "$D/all.list" > "$D/ordered.list"
zp_as_pg "$PG_BIN/pg_restore" "${PG[@]}" -d ordered_copy --exit-on-error -L "$D/ordered.list" "$D/dump.custom" \
    2> "$ZP_TMP/restore_ordered.err"
check_silent "pg_restore -L with the extension's data first" $? "$ZP_TMP/restore_ordered.err"
"${PSQL[@]}" -d ordered_copy -v strict_generated=1 -f "$ZP_ROOT/test/operations/results.sql" > "$ZP_TMP/ordered_copy.txt"
if diff "$ZP_TMP/source_strict.txt" "$ZP_TMP/ordered_copy.txt" > "$ZP_TMP/ordered_copy.diff"; then
    ok "ordered_copy: generated tsvectors equal too"
else
    bad "ordered_copy differs from the source:"; cat "$ZP_TMP/ordered_copy.diff"
fi

for db in plain_copy custom_copy; do
    "${PSQL[@]}" -d "$db" -f "$ZP_ROOT/test/operations/results.sql" > "$ZP_TMP/$db.txt" 2>&1 || bad "$db: results.sql failed"
    if diff "$ZP_TMP/source.txt" "$ZP_TMP/$db.txt" > "$ZP_TMP/$db.diff"; then
        ok "$db: the same words, vocabulary, tsvectors, search, ranking, tags and tag log ($(wc -l < "$ZP_TMP/source.txt") lines)"
    else
        bad "$db differs from the source:"; cat "$ZP_TMP/$db.diff"
    fi
done
# the vocabulary as edited, and the log: tag_table has nothing to do after a restore
grep -q '^pending|0$' "$ZP_TMP/custom_copy.txt" && ok "restored tag log: nothing left to tag" || bad "restored tag log: rows to tag again"
grep -q '^concepts|' "$ZP_TMP/source.txt" && ! grep -q '^concepts|0|' "$ZP_TMP/source.txt" \
    && ok "the source has a vocabulary" || bad "the source has no vocabulary"
# a database that started empty (unload_vocabulary) stays empty through a dump and a restore,
# although CREATE EXTENSION in the new database loads the shipped vocabulary first
"${PSQL[@]}" -c "CREATE DATABASE empty_source" -c "CREATE DATABASE empty_copy" >/dev/null
"${PSQL[@]}" -d empty_source -c "CREATE EXTENSION zhpolicy" -c "SELECT zhpolicy.unload_vocabulary()" \
    -c "INSERT INTO zhpolicy.concept (id, pref_label) VALUES ('own.only', '唯一概念')" >/dev/null
zp_as_pg "$PG_BIN/pg_dump" "${PG[@]}" -d empty_source -Fc -f "$D/empty.custom" 2> "$ZP_TMP/dump_empty.err" \
    && zp_as_pg "$PG_BIN/pg_restore" "${PG[@]}" -d empty_copy --exit-on-error "$D/empty.custom" 2>> "$ZP_TMP/dump_empty.err"
check_silent "dump and restore of a database whose shipped vocabulary was removed" $? "$ZP_TMP/dump_empty.err"
n=$("${PSQL[@]}" -d empty_copy -Atc "SELECT string_agg(id, ',') FROM zhpolicy.concept")
[ "$n" = "own.only" ] && ok "the removed shipped vocabulary stays removed after the restore" \
    || bad "after the restore of an emptied vocabulary: $(echo "$n" | cut -c1-200)"
