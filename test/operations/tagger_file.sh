#!/usr/bin/env bash
# The vocabulary file ($PGDATA/pg_zhpolicy/tagger-KEY.voc): the first backend that tags builds
# the matcher and writes it, later backends map it (and tag alike); a truncated or damaged file
# is logged and rebuilt, never used; a vocabulary change gives a new file, and undoing it
# brings the old one back; an edit not yet committed is never served to other sessions; many
# backends building at once leave one good file; an unprivileged role's backend writes it; an
# unwritable directory only means no file.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_lib.bash"
zp_ops_cluster
dir="$ZP_TMP/pg/data/pg_zhpolicy"
log="$ZP_TMP/pg/log"
text='构建网络空间命运共同体是信息时代的必然选择，保障关键信息基础设施安全，发展数字经济'
"${PSQL[@]}" -v corpus="$ZP_TMP/corpus/" >/dev/null <<'SQL'
CREATE TABLE docs AS SELECT f, zhpolicy.clean(pg_read_file(:'corpus' || f)) AS body
FROM pg_ls_dir(:'corpus') f WHERE f LIKE '%.txt';
SQL

# tags of the corpus in a new connection, and whether that backend mapped a vocabulary file
tags() { "${PSQL[@]}" -Atc "SELECT md5(string_agg(f || ':' || array_to_string(zhpolicy.concepts(body), ','), ';' ORDER BY f)) FROM docs"; }
mapped() {
    "${PSQL[@]}" -Atc "SELECT count(*) FROM zhpolicy.tag('$text')" \
        -c "SELECT count(*) FROM regexp_split_to_table(pg_read_file('/proc/' || pg_backend_pid() || '/maps'), E'\n') l
            WHERE l LIKE '%pg_zhpolicy/tagger-%.voc%'" | tail -1
}
files() { ls "$dir" 2>/dev/null | grep -c '\.voc$'; }
tmps() { ls "$dir" 2>/dev/null | grep -vc '\.voc$'; }
file() { ls "$dir"/*.voc 2>/dev/null | head -1; }

rm -rf "$dir"
first=$(tags)
[ -n "$first" ] || { bad "no tags of the corpus"; exit 1; }
if [ "$(files)" = 1 ] && [ "$(tmps)" = 0 ]; then ok "the first tagging backend writes one file: $(basename "$(file)") ($(stat -c %s "$(file)") bytes)"
else bad "after the first tagging backend: $(ls -la "$dir" 2>&1)"; fi
f=$(file)
mtime=$(stat -c %Y.%i "$f")
second=$(tags)
m=$(mapped)
if [ "$second" = "$first" ] && [ "$m" = 1 ] && [ "$(stat -c %Y.%i "$f")" = "$mtime" ] && [ "$(files)" = 1 ]; then
    ok "a new backend maps the same file (not rewritten) and tags the corpus alike"
else bad "reuse: tags $first / $second, mapped $m, file $(stat -c %Y.%i "$f") was $mtime, files $(files)"; fi

# another database with the same vocabulary maps the same file
"${PSQL[@]}" -c "CREATE DATABASE tagger_file_other" >/dev/null
"${PSQL[@]}" -d tagger_file_other -c "CREATE EXTENSION zhpolicy" -c "SELECT zhpolicy.load_vocabulary()" >/dev/null
m=$("${PSQL[@]}" -d tagger_file_other -Atc "SELECT count(*) FROM zhpolicy.tag('$text')" \
    -c "SELECT count(*) FROM regexp_split_to_table(pg_read_file('/proc/' || pg_backend_pid() || '/maps'), E'\n') l
        WHERE l LIKE '%pg_zhpolicy/tagger-%.voc%'" | tail -1)
if [ "$m" = 1 ] && [ "$(files)" = 1 ]; then ok "another database with the same vocabulary maps the same file"
else bad "another database: mapped $m, files $(files)"; fi

# damaged files: each is logged, not used, and rebuilt
size=$(stat -c %s "$f")
damage() {
    local what=$1 before after m2 t
    before=$(wc -l < "$log")
    case $what in
        "a truncated file") truncate -s 4000 "$f" ;;
        "an empty file") : > "$f" ;;
        "a changed byte in the matcher") printf '\x7f' | dd of="$f" bs=1 seek=$((size - 300000)) conv=notrunc status=none ;;
        "a changed byte in the tables") printf 'Z' | dd of="$f" bs=1 seek=150000 conv=notrunc status=none ;;
        "a changed header") printf 'X' | dd of="$f" bs=1 seek=2 conv=notrunc status=none ;;
    esac
    t=$(tags)
    after=$(tail -n +$((before + 1)) "$log" | grep -c 'zhpolicy vocabulary file .* \(invalid\|truncated\)')
    m2=$(mapped)
    if [ "$t" = "$first" ] && [ "$after" -ge 1 ] && [ "$(stat -c %s "$f")" = "$size" ] && [ "$m2" = 1 ]; then
        ok "damaged ($what): logged ($(tail -n +$((before + 1)) "$log" | grep -o 'is \(invalid\|truncated\)[^;]*' | head -1)), rebuilt, and tags alike"
    else bad "damaged ($what): tags $t (want $first), logged $after, size $(stat -c %s "$f") (was $size), mapped $m2"; fi
}
damage "a truncated file"
damage "an empty file"
damage "a changed byte in the matcher"
damage "a changed byte in the tables"
damage "a changed header"

# a vocabulary change: a new file (the old one stays for a while), and undoing it maps the old one
"${PSQL[@]}" -c "INSERT INTO zhpolicy.concept (id, pref_label) VALUES ('ops.file_test', '测试标签甲乙')" >/dev/null
n=$("${PSQL[@]}" -Atc "SELECT count(*) FROM zhpolicy.tag('这是测试标签甲乙的文本') WHERE concept_id = 'ops.file_test'")
if [ "$n" = 1 ] && [ "$(files)" = 2 ]; then ok "a vocabulary change: a new file, and a new backend tags the new concept"
else bad "after a change: found $n, files $(files)"; fi
"${PSQL[@]}" -c "DELETE FROM zhpolicy.concept WHERE id = 'ops.file_test'" >/dev/null
m=$(mapped)
if [ "$(tags)" = "$first" ] && [ "$m" = 1 ] && [ "$(files)" = 2 ]; then ok "the change undone: the first file is mapped again"
else bad "undone: mapped $m, files $(files)"; fi

# an edit not yet committed: its session tags with it, no other session does
fifo="$ZP_TMP/a.fifo"
mkfifo "$fifo"
"${PSQL[@]}" -At < "$fifo" > "$ZP_TMP/a.out" 2>&1 &
apid=$!
exec 3>"$fifo"
echo "BEGIN; INSERT INTO zhpolicy.concept (id, pref_label) VALUES ('ops.uncommitted', '未提交标签丙丁');
      SELECT 'A:' || count(*) FROM zhpolicy.tag('含有未提交标签丙丁') WHERE concept_id = 'ops.uncommitted';" >&3
for i in $(seq 50); do grep -q '^A:' "$ZP_TMP/a.out" && break; sleep 0.2; done
b=$("${PSQL[@]}" -Atc "SELECT count(*) FROM zhpolicy.tag('含有未提交标签丙丁') WHERE concept_id = 'ops.uncommitted'")
bm=$(mapped)
echo "ROLLBACK;" >&3
exec 3>&-
wait $apid
c=$("${PSQL[@]}" -Atc "SELECT count(*) FROM zhpolicy.tag('含有未提交标签丙丁') WHERE concept_id = 'ops.uncommitted'")
if grep -q '^A:1$' "$ZP_TMP/a.out" && [ "$b" = 0 ] && [ "$bm" = 1 ] && [ "$c" = 0 ] && [ "$(tags)" = "$first" ]; then
    ok "an uncommitted edit is tagged in its own session only (another session maps the committed vocabulary's file), and gone after ROLLBACK"
else bad "uncommitted: own session $(cat "$ZP_TMP/a.out" | tr '\n' ' '), other $b (mapped $bm), after rollback $c"; fi

# many backends building at once: one good file, no temporary files left
rm -f "$dir"/*
for i in 1 2 3 4 5 6; do tags > "$ZP_TMP/par.$i" & done
wait
same=$(cat "$ZP_TMP"/par.* | sort -u)
if [ "$same" = "$first" ] && [ "$(files)" = 1 ] && [ "$(tmps)" = 0 ] && [ "$(mapped)" = 1 ]; then
    ok "six backends building at once: all tag alike, one file, no temporary file left, the next backend maps it"
else bad "parallel builds: $(cat "$ZP_TMP"/par.* | sort | uniq -c | tr '\n' ' '), files $(files), tmps $(tmps)"; fi

# an unprivileged role: its backend (the server's OS user) writes the file
rm -f "$dir"/*
"${PSQL[@]}" -c "CREATE ROLE tagger_file_reader LOGIN" >/dev/null
r=$(psql -X -q -At -h "$ZP_TMP/pg" -p "$ZP_PORT" -U tagger_file_reader -d postgres \
    -c "SELECT count(*) FROM zhpolicy.tag('$text')")
if [ "$r" -ge 1 ] && [ "$(files)" = 1 ]; then ok "an unprivileged role's first tag() writes the file"
else bad "unprivileged role: $r tags, files $(files)"; fi

# an unwritable directory: tagging works, no file
rm -f "$dir"/*
chmod 500 "$dir"
t=$(tags)
if [ "$t" = "$first" ] && [ "$(files)" = 0 ] && grep -q 'could not create zhpolicy vocabulary file' "$log"; then
    ok "an unwritable directory: tags alike, the failure to write logged"
else bad "unwritable directory: tags $t, files $(files)"; fi
chmod 700 "$dir"

# many vocabularies: at most eight files are kept
for i in $(seq 10); do
    "${PSQL[@]}" -c "INSERT INTO zhpolicy.concept (id, pref_label) VALUES ('ops.many$i', '许多标签$i号')" \
        -c "SELECT count(*) FROM zhpolicy.tag('许多标签')" >/dev/null
done
if [ "$(files)" -le 8 ]; then ok "ten vocabulary versions: $(files) files kept"
else bad "ten vocabulary versions: $(files) files kept"; fi
