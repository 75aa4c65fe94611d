#!/usr/bin/env bash
# Upgrades: install 0.1, add data (user words, an edited vocabulary, stored tsvectors, a GIN
# index, tags), ALTER EXTENSION zhpolicy UPDATE; the data and results survive and the catalog
# equals a fresh install of the new version.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_lib.bash"
zp_temp_cluster "$(zp_free_port)"
# lines of results.sql about what 0.1 does not have, or did otherwise (the ranking of tags)
NEW_IN_02='tags in order|schemes|concept schemes|links|label kinds|removed'
latest=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$ZP_ROOT/zhpolicy.control")
"${PSQL[@]}" -c "CREATE DATABASE fresh" -c "CREATE DATABASE upgraded"
"${PSQL[@]}" -d fresh -c "CREATE EXTENSION zhpolicy"
"${PSQL[@]}" -d fresh -f "$ZP_ROOT/test/operations/catalog.sql" > "$ZP_TMP/fresh_catalog.txt"

# every release before the latest, in order, must reach the latest
for from in $(ls "$ZP_ROOT"/sql/zhpolicy--*--*.sql | sed -E 's/.*zhpolicy--([0-9.]+)--.*/\1/' | sort -uV); do
    db="from_${from//./_}"
    "${PSQL[@]}" -c "CREATE DATABASE $db"
    "${PSQL[@]}" -d "$db" -c "CREATE EXTENSION zhpolicy VERSION '$from'"
    "${PSQL[@]}" -d "$db" -v corpus="$ZP_TMP/corpus" -f "$ZP_ROOT/test/operations/setup_data.sql" >/dev/null 2>"$ZP_TMP/setup.err" \
        || { bad "$from: setting up data failed: $(cat "$ZP_TMP/setup.err")"; continue; }
    # what a user sees before; the tag log of the old release is not compared (its format changed)
    "${PSQL[@]}" -d "$db" -v ON_ERROR_STOP=0 -f "$ZP_ROOT/test/operations/results.sql" 2>/dev/null | grep -vE "^(tag log|pending|fingerprint|$NEW_IN_02)\\|" > "$ZP_TMP/before.txt"
    if "${PSQL[@]}" -d "$db" -c "ALTER EXTENSION zhpolicy UPDATE" 2> "$ZP_TMP/update.err" && [ ! -s "$ZP_TMP/update.err" ]; then
        ok "$from: ALTER EXTENSION zhpolicy UPDATE, silently"
    else
        bad "$from: ALTER EXTENSION zhpolicy UPDATE: $(cat "$ZP_TMP/update.err")"
    fi
    v=$("${PSQL[@]}" -d "$db" -Atc "SELECT extversion FROM pg_extension WHERE extname = 'zhpolicy'")
    [ "$v" = "$latest" ] && ok "$from: now at $latest" || bad "$from: at $v, not $latest"
    "${PSQL[@]}" -d "$db" -f "$ZP_ROOT/test/operations/catalog.sql" > "$ZP_TMP/upgraded_catalog.txt"
    if diff "$ZP_TMP/fresh_catalog.txt" "$ZP_TMP/upgraded_catalog.txt" > "$ZP_TMP/catalog.diff"; then
        ok "$from: catalog equals a fresh $latest install ($(wc -l < "$ZP_TMP/fresh_catalog.txt") facts)"
    else
        bad "$from: catalog differs from a fresh $latest install (< fresh, > upgraded):"; cat "$ZP_TMP/catalog.diff"
    fi
    "${PSQL[@]}" -d "$db" -f "$ZP_ROOT/test/operations/results.sql" | grep -vE "^(tag log|pending|fingerprint|$NEW_IN_02)\\|" > "$ZP_TMP/after.txt"
    if diff "$ZP_TMP/before.txt" "$ZP_TMP/after.txt" > "$ZP_TMP/results.diff"; then
        ok "$from: the same words, vocabulary, tsvectors, search, ranking and tags after the update"
    else
        bad "$from: results differ after the update:"; cat "$ZP_TMP/results.diff"
    fi
    # tag_table works on the upgraded database, and leaves the tags as they were
    "${PSQL[@]}" -d "$db" -c "SET client_min_messages = warning" -c "CALL zhpolicy.tag_table('docs', 'body', 'tags')"
    "${PSQL[@]}" -d "$db" -f "$ZP_ROOT/test/operations/results.sql" | grep -vE "^(tag log|pending|fingerprint|$NEW_IN_02)\\|" > "$ZP_TMP/retagged.txt"
    p=$("${PSQL[@]}" -d "$db" -Atc "SELECT zhpolicy.tag_table_pending('docs', 'body', 'tags')")
    if diff -q "$ZP_TMP/before.txt" "$ZP_TMP/retagged.txt" >/dev/null && [ "$p" = 0 ]; then
        ok "$from: tag_table after the update: same tags, nothing pending"
    else
        bad "$from: tag_table after the update: pending $p"; diff "$ZP_TMP/before.txt" "$ZP_TMP/retagged.txt"
    fi
done
