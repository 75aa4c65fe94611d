#!/usr/bin/env bash
# make bench-limits: for each SQL function over the engine, on one document of 1, 10 and 100 MB
# (the corpus articles repeated): the time it takes, the extra peak memory of the backend (VmHWM
# after the call minus before, in a fresh connection), and how long it takes to stop after
# statement_timeout fires on the 100 MB document.  Prints a table for the README's Limits.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../src/scripts/common.sh"
zp_install_deps
zp_build_install
zp_temp_cluster "$(zp_free_port)"
"${PSQL[@]}" -v corpus="$ZP_TMP/corpus" >/dev/null <<'SQL'
CREATE EXTENSION zhpolicy;
SELECT zhpolicy.load_vocabulary();
CREATE TABLE src AS SELECT string_agg(pg_read_file(:'corpus' || '/' || f), E'\n' ORDER BY f) AS t
FROM pg_ls_dir(:'corpus') f WHERE f LIKE '%.txt';
CREATE TABLE big (mb int PRIMARY KEY, doc text);
ALTER TABLE big ALTER COLUMN doc SET STORAGE EXTERNAL;
INSERT INTO big SELECT mb, left(repeat(t, (mb * 1048576 / octet_length(t)) + 1), mb * 1048576 / 3) FROM src, unnest('{1,10,100}'::int[]) mb;
CREATE FUNCTION hwm() RETURNS bigint LANGUAGE sql AS $$ SELECT substring(pg_read_file('/proc/self/status') from 'VmHWM:\s+(\d+)')::bigint $$;
SQL
calls=("zhpolicy.clean(doc)" "zhpolicy.segment(doc)" "to_tsvector('zhpolicy', doc)" "zhpolicy.tsvector(doc)"
       "ts_headline('zhpolicy', doc, to_tsquery('zhpolicy', '网络安全'))"
       "ts_headline('zhpolicy', doc, to_tsquery('zhpolicy', '网络安全'), 'MaxFragments=3')"
       "zhpolicy.snippet(doc, '网络安全 数字经济')" "zhpolicy.concepts(doc)"
       "(SELECT count(*) FROM zhpolicy.tag_spans(doc))" "zhpolicy.parse_article(doc)")
printf '| call | 1 MB s | 10 MB s | 100 MB s | 100 MB extra peak memory MB | stops after timeout s |\n| --- | ---: | ---: | ---: | ---: | ---: |\n'
for c in "${calls[@]}"; do
    row="| \`${c}\` |"
    for mb in 1 10 100; do
        r=$("${PSQL[@]}" -v ON_ERROR_STOP=0 -At -c "SELECT hwm()" -c "\\timing on" -c "SELECT length(($c)::text) FROM big WHERE mb = $mb" -c "\\timing off" -c "SELECT hwm()" 2>&1) || true
        if echo "$r" | grep -q ERROR; then
            row="$row error: $(echo "$r" | grep ERROR | head -1 | sed 's/.*ERROR: *//' | cut -c1-80) |"
            [ "$mb" = 100 ] && peak="-"
            continue
        fi
        ms=$(echo "$r" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
        h0=$(echo "$r" | sed -n 1p); h1=$(echo "$r" | tail -1)
        row="$row $(awk -v m="$ms" 'BEGIN { printf "%.2f", m / 1000 }') |"
        [ "$mb" = 100 ] && peak=$(( (h1 - h0) / 1024 ))
    done
    tmb=100
    r=$("${PSQL[@]}" -At -c "SET statement_timeout = '1s'" -c "\\timing on" -c "SELECT length(($c)::text) FROM big WHERE mb = $tmb" 2>&1 || true)
    ms=$(echo "$r" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
    if echo "$r" | grep -q 'canceling statement'; then
        stop=$(awk -v m="$ms" 'BEGIN { printf "%.2f", m / 1000 - 1 }')
    else
        stop="finished first"
    fi
    echo "$row $peak | $stop |"
done
