#!/usr/bin/env bash
# Where does building the text index spend its time?  perf (Debian's linux-perf) samples the one
# backend that runs CREATE INDEX ... USING gin (body zhpolicy.gin_bigram_ops) on PROFILE_MB (20) MB
# of the bench-scale corpus, and prints the top symbols.  Run as root (perf needs it here).
#   bash test/bench/scale/profile.sh            (PROFILE_OPCLASS=gin_bigm_ops for pg_bigm)
# Debian's postgres binary has no symbol table for static functions, so GIN's own static helpers
# (ginbulk.c's red-black tree callbacks) show as addresses inside postgres.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../../src/scripts/common.sh"
PROFILE_MB=${PROFILE_MB:-20}
PROFILE_OPCLASS=${PROFILE_OPCLASS:-zhpolicy.gin_bigram_ops}
ZP_PACKAGES+=(linux-perf)
zp_install_deps
zp_build_install
ZP_TMP=$(mktemp -d /tmp/zhpolicy-profile.XXXXXX)
chmod a+rx "$ZP_TMP"
/usr/bin/python3 "$ZP_ROOT/test/bench/scale/gen_corpus.py" --root "$ZP_ROOT" --mb "$PROFILE_MB" \
    --out "$ZP_TMP/docs.tsv" --queries "$ZP_TMP/q.tsv" 2>/dev/null
chmod a+r "$ZP_TMP/docs.tsv"
port=$(zp_free_port)
zp_pg_dir "$ZP_TMP/pg"
zp_as_pg "$PG_BIN/initdb" -D "$ZP_TMP/pg/data" -U postgres -E UTF8 --no-locale -A trust >/dev/null
zp_as_pg "$PG_BIN/pg_ctl" -D "$ZP_TMP/pg/data" -l "$ZP_TMP/pg/log" -w \
    -o "-p $port -k $ZP_TMP/pg -c listen_addresses= -c shared_buffers=512MB -c jit=off" start >/dev/null
trap 'zp_as_pg "$PG_BIN/pg_ctl" -D "$ZP_TMP/pg/data" -m fast stop >/dev/null 2>&1; rm -rf "$ZP_TMP"' EXIT
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$ZP_TMP/pg" -p "$port" -U postgres -d postgres)
"${PSQL[@]}" -c "CREATE EXTENSION zhpolicy" -c "CREATE TABLE docs (id bigint PRIMARY KEY, body text)" \
    -c "COPY docs FROM '$ZP_TMP/docs.tsv'"
case "$PROFILE_OPCLASS" in *bigm*) "${PSQL[@]}" -c "CREATE EXTENSION IF NOT EXISTS pg_bigm" ;; esac
# one session: note its pid, then build the index in it while perf samples that pid
coproc SESSION { "${PSQL[@]}" -At 2>&1; }
echo "SELECT pg_backend_pid();" >&"${SESSION[1]}"
read -r pid <&"${SESSION[0]}"
perf record -q -g -o "$ZP_TMP/perf.data" -p "$pid" 2>/dev/null &
perf_pid=$!
sleep 0.5
echo "\\timing on" >&"${SESSION[1]}"
echo "CREATE INDEX docs_idx ON docs USING gin (body $PROFILE_OPCLASS);" >&"${SESSION[1]}"
echo "SELECT 'done';" >&"${SESSION[1]}"
while read -r line <&"${SESSION[0]}"; do
    echo "$line"
    [ "$line" = done ] && break
done
kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
echo "\\q" >&"${SESSION[1]}"
echo "top symbols (self time) of the backend building $PROFILE_OPCLASS on $PROFILE_MB MB:"
perf report -i "$ZP_TMP/perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null \
    | grep -E '^ +[0-9.]+%' | head -25
