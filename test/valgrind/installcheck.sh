#!/usr/bin/env bash
# make installcheck-valgrind: the whole pg_regress suite against a server running under valgrind
# (memcheck, --trace-children=yes, every backend), failing on any error whose stack passes through
# zhpolicy's code.  Errors elsewhere in PostgreSQL (Debian's build has no valgrind annotations, so
# memcheck reports some false positives in the server itself) are counted and listed by kind, not
# failed.  Slow (25 to 40 minutes): make test-valgrind, run before each release; make test leaves it out.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../src/scripts/common.sh"
command -v valgrind >/dev/null || { echo "valgrind is not installed: apt-get install valgrind" >&2; exit 1; }
zp_install_deps
zp_build_install
port=$(zp_free_port)
tmp=$(mktemp -d /tmp/zhpolicy-valgrind.XXXXXX)
chmod a+rx "$tmp"
zp_pg_dir "$tmp/pg"
zp_as_pg "$PG_BIN/initdb" -D "$tmp/pg/data" -U postgres -E UTF8 --no-locale -A trust >/dev/null
cat "$ZP_ROOT/test/regress.conf" >> "$tmp/pg/data/postgresql.conf"
zp_pg_dir "$tmp/vg"
zp_as_pg valgrind --tool=memcheck --trace-children=yes --leak-check=no --num-callers=40 --error-limit=no \
    --read-var-info=no --log-file="$tmp/vg/%p.log" \
    "$PG_BIN/postgres" -D "$tmp/pg/data" -p "$port" -k "$tmp/pg" -c listen_addresses= \
    -c max_parallel_workers_per_gather=0 > "$tmp/pg/server.log" 2>&1 &
server=$!
trap 'zp_as_pg "$PG_BIN/pg_ctl" -D "$tmp/pg/data" -m fast stop >/dev/null 2>&1; wait $server 2>/dev/null; rm -rf "$tmp"' EXIT
for i in $(seq 1 300); do
    "$PG_BIN/pg_isready" -q -h "$tmp/pg" -p "$port" && break
    sleep 1
done
"$PG_BIN/pg_isready" -q -h "$tmp/pg" -p "$port" || { echo "server under valgrind did not start"; cat "$tmp/pg/server.log"; exit 1; }
mkdir -p "$tmp/in/test"
cp -r "$ZP_ROOT/sql" "$ZP_ROOT/expected" "$tmp/in/"
cp -r "$ZP_ROOT/test/corpus" "$ZP_ROOT/test/recipes" "$ZP_ROOT/test/vocabulary" "$tmp/in/test/"
chmod -R a+rX "$tmp/in"
zp_pg_dir "$tmp/out"
# timing-bound checks (cancel, and headline_long's 10 MB within 30 s) mean nothing 30 times slower;
# everything else runs (the long-row headline selector is also fuzzed under ASan: fuzz_headline)
tests=$(make -C "$ZP_ROOT" -s print-regress | tr ' ' '\n' | grep -vxE 'cancel|headline_long' | tr '\n' ' ')
(cd "$tmp" && zp_as_pg "$("$PG_BIN/pg_config" --pkglibdir)/pgxs/src/test/regress/pg_regress" \
    --inputdir="$tmp/in" --outputdir="$tmp/out" --host="$tmp/pg" --port="$port" --user=postgres \
    --dbname=regression $tests) | tee "$tmp/regress.out"
zp_as_pg "$PG_BIN/pg_ctl" -D "$tmp/pg/data" -m fast stop >/dev/null 2>&1
wait $server 2>/dev/null
# every error record: its first line, and whether any frame is ours
/usr/bin/python3 - "$tmp/vg" <<'PY'
import os, re, sys, collections
ours, others, kinds, example = [], 0, collections.Counter(), {}
for f in sorted(os.listdir(sys.argv[1])):
    block = []
    for line in open(os.path.join(sys.argv[1], f), errors="replace"):
        m = re.match(r"==\d+== ?(.*)", line)
        if not m:
            continue
        text = m.group(1)
        if text.strip() == "":
            if block and re.search(r"at 0x|by 0x", " ".join(block)):
                head = block[0]
                if any(re.search(r"zhpolicy|/zp_[a-z_]+\.c|\(zp_[a-z_]+\)", b) for b in block[1:]):
                    ours.append(block)
                elif not head.startswith(("HEAP SUMMARY", "LEAK SUMMARY", "ERROR SUMMARY")):
                    others += 1
                    k = re.sub(r"\d+", "N", head)[:70]
                    kinds[k] += 1
                    example.setdefault(k, block)
            block = []
        else:
            block.append(text)
print(f"# valgrind: {len(ours)} errors in zhpolicy's code, {others} elsewhere in the server")
for k, n in kinds.most_common(10):
    print(f"#   elsewhere: {n} x {k}")
    print("\n".join("#       " + x for x in example[k][1:6]))
for b in ours[:20]:
    print("\n".join("#   " + x for x in b[:15]))
print(("ok" if not ours else "not ok") + " valgrind: no error in zhpolicy's code")
sys.exit(1 if ours else 0)
PY
vg_rc=$?
grep -q "All [0-9]* tests passed" "$tmp/regress.out" && regress_rc=0 || regress_rc=1
[ $vg_rc -eq 0 ] && [ $regress_rc -eq 0 ]
