#!/usr/bin/env bash
# Corrupt data files: a vocabulary file with a wrong column count, invalid UTF-8 or a broader
# cycle is refused with its line (or the cycle) and nothing is half-loaded; a truncated, empty or
# garbled lexicon gives an error naming the file in a new connection, never a crash, and
# connections that had mapped the good lexicon go on working.  Needs write access to
# PostgreSQL's share directory (root, as make test runs); skips otherwise.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_lib.bash"
share=$("$PG_BIN/pg_config" --sharedir)
if [ ! -w "$share/extension" ] || [ ! -w "$share/tsearch_data" ]; then
    echo "ok corrupt files: skipped, $share is not writable by $(id -un)"
    exit 0
fi
zp_ops_cluster
voc="$share/extension/zhpolicy_vocabulary_regress_bad.tsv"
lex="$share/tsearch_data/zhpolicy.lex"
cleanup() {
    rm -f "$voc"
    if [ -f "$ZP_TMP/good.lex" ]; then cp "$ZP_TMP/good.lex" "$lex.tmp" && mv -f "$lex.tmp" "$lex"; fi
}
trap 'cleanup; zp_as_pg "$PG_BIN/pg_ctl" -D "$ZP_TMP/pg/data" -m fast stop >/dev/null 2>&1; rm -rf "$ZP_TMP"' EXIT
before=$("${PSQL[@]}" -Atc "SELECT count(*) || '/' || (SELECT count(*) FROM zhpolicy.concept_label) FROM zhpolicy.concept")

# vocabulary_file LINE-CONTENT EXPECTED-ERROR-PATTERN
try_vocabulary() {
    local what=$1 pattern=$2 out after
    out=$("${PSQL[@]}" -c "SELECT zhpolicy.load_vocabulary('regress_bad')" 2>&1)
    after=$("${PSQL[@]}" -Atc "SELECT count(*) || '/' || (SELECT count(*) FROM zhpolicy.concept_label) FROM zhpolicy.concept")
    if echo "$out" | grep -qE "$pattern" && [ "$after" = "$before" ]; then
        ok "vocabulary file with $what: $(echo "$out" | grep ERROR | head -1 | sed 's/^.*ERROR: *//' | cut -c1-150); nothing loaded"
    else
        bad "vocabulary file with $what: $out (concepts/labels $before -> $after)"
    fi
}
printf '# test\nid\tbroader\tpref_label\talt_labels\tnote\nrb.a\t\t测试甲\t\t\nrb.b\trb.a\t测试乙\n' > "$voc"
try_vocabulary "a wrong column count" 'line 4, is malformed'
printf '# test\nid\tbroader\tpref_label\talt_labels\tnote\nrb.a\t\t测试甲\t\t\nrb.b\trb.a\t\xff\xfe\t\t\n' > "$voc"
try_vocabulary "invalid UTF-8" 'line 4, is not valid UTF-8'
printf '# test\nid\tbroader\tpref_label\talt_labels\tnote\nrb.a\trb.c\t测试甲\t\t\nrb.b\trb.a\t测试乙\t\t\nrb.c\trb.b\t测试丙\t\t\n' > "$voc"
try_vocabulary "a broader cycle" 'that makes a cycle'
printf '# test\nid\tbroader\tpref_label\talt_labels\tnote\nrb.a\trb.nowhere\t测试甲\t\t\n' > "$voc"
try_vocabulary "an unknown broader concept" 'broader concept "rb.nowhere" of "rb.a" does not exist'
printf '' > "$voc"
out=$("${PSQL[@]}" -Atc "SELECT count(*) FROM zhpolicy.vocabulary_file('regress_bad')" 2>&1)
[ "$out" = 0 ] && ok "an empty vocabulary file has no rows" || bad "empty vocabulary file: $out"

# lexicons: a connection that mapped the good one, then a new file (written aside and renamed, as
# make install does), then new connections
cp "$lex" "$ZP_TMP/good.lex"
coproc LONG { "${PSQL[@]}" -At 2>&1; }
echo "SELECT 'ready', to_tsvector('zhpolicy', '数字经济') IS NOT NULL;" >&"${LONG[1]}"
read -r -t 60 line <&"${LONG[0]}"
try_lexicon() {
    local what=$1 out
    out=$("${PSQL[@]}" -Atc "SELECT to_tsvector('zhpolicy', '网络安全')" 2>&1)
    if echo "$out" | grep -q "could not load zhpolicy lexicon \"$lex\""; then
        ok "$what lexicon: $(echo "$out" | grep ERROR | sed 's/^.*ERROR: *//' | cut -c1-160)"
    else
        bad "$what lexicon: $out"
    fi
}
write_lexicon() { cat > "$lex.tmp" && mv -f "$lex.tmp" "$lex"; }
head -c 100000 "$ZP_TMP/good.lex" | write_lexicon; try_lexicon "a truncated"
: | write_lexicon; try_lexicon "an empty"
head -c 7 "$ZP_TMP/good.lex" | write_lexicon; try_lexicon "a 7-byte"
{ head -c 1000000 "$ZP_TMP/good.lex"; head -c 2000000 /dev/urandom; tail -c +3000001 "$ZP_TMP/good.lex"; } | write_lexicon
out=$(timeout 120 "${PSQL[@]}" -Atc "SELECT length(to_tsvector('zhpolicy', repeat('网络安全数字经济', 1000))) >= 0" 2>&1)
if echo "$out" | grep -qE '^t$|could not load zhpolicy lexicon'; then
    ok "a lexicon with 2 MB of garbage inside: $(echo "$out" | head -1 | cut -c1-120) (no crash)"
else
    bad "garbled lexicon: $out"
fi
"${PSQL[@]}" -Atc "SELECT 1" >/dev/null 2>&1 && ok "the server is still up" || bad "the server is down"
echo "SELECT 'still', to_tsvector('zhpolicy', '数字经济') IS NOT NULL;" >&"${LONG[1]}"
read -r -t 60 line <&"${LONG[0]}"
[ "$line" = "still|t" ] && ok "a connection that had mapped the good lexicon goes on working" || bad "long connection: $line"
echo '\q' >&"${LONG[1]}"
cleanup
out=$("${PSQL[@]}" -Atc "SELECT to_tsvector('zhpolicy', '数字')" 2>&1)
[ "$out" = "'字':2 '数':1 '数字':1" ] && ok "the good lexicon back: $out" || bad "after restoring the lexicon: $out"
