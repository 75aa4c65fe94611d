#!/usr/bin/env bash
# All tests: install what is missing, build and install zhpolicy, run the
# engine's unit tests, then the pg_regress suite in a temporary instance (as
# the postgres user when run as root: initdb and pg_regress refuse root).
# Ends with one line "N passed, M failed".
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../src/scripts/common.sh"
set -e
zp_install_deps
zp_build_install
set +e
echo "# installing what was missing and building took $SECONDS s"

passed=0
failed=0
# every stage ends with "# <stage> took N s": CI has 90 minutes for the whole of make test
stage_name=
stage_start=$SECONDS
stage() {
    [ -n "$stage_name" ] && echo "# $stage_name took $((SECONDS - stage_start)) s"
    stage_name=$1
    stage_start=$SECONDS
    [ -n "$1" ] && echo "== $1"
}

# ZP_SKIP_ENGINE=1 leaves out the engine, sanitizer, fuzzing, vocabulary and lexicon checks
# (a quicker loop while working on SQL; make test runs everything).
if [ "${ZP_SKIP_ENGINE:-0}" != 1 ]; then
stage "engine unit tests"
make -C "$ZP_ROOT" -s build/test_engine build/zhpolicy.lex >/dev/null || exit 1
unit_out=$("$ZP_ROOT/build/test_engine" "$ZP_ROOT/build/zhpolicy.lex" "$ZP_ROOT/test/corpus")
unit_rc=$?
echo "$unit_out" | grep -v '^ok ' || true
unit_line=$(echo "$unit_out" | grep -E '^engine: [0-9]+ passed, [0-9]+ failed' | tail -1)
if [ -z "$unit_line" ]; then
    echo "engine unit tests did not finish (exit $unit_rc)"
    failed=$((failed + 1))
else
    passed=$((passed + $(echo "$unit_line" | sed -E 's/^engine: ([0-9]+) passed.*/\1/')))
    failed=$((failed + $(echo "$unit_line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
fi

stage "engine unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
asan_out=$(make -C "$ZP_ROOT" -s unittest-asan 2>&1)
asan_rc=$?
asan_line=$(echo "$asan_out" | grep -E '^engine: [0-9]+ passed, [0-9]+ failed' | tail -1)
if [ $asan_rc -ne 0 ] || [ -z "$asan_line" ]; then
    echo "$asan_out" | tail -40
    echo "not ok engine unit tests under the sanitizers (exit $asan_rc)"
    failed=$((failed + 1))
else
    echo "ok engine unit tests under the sanitizers: ${asan_line#engine: }"
    passed=$((passed + 1))
fi

stage "fuzzing: each libFuzzer target for ${FUZZ_QUICK_SECONDS:-20} s, then every kept regression input"
fuzz_out=$(make -C "$ZP_ROOT" -s fuzz-quick fuzz-regress 2>&1)
fuzz_rc=$?
echo "$fuzz_out" | grep -E '^== fuzz_|^fuzz|number_of_executed_units' | sed 's/^/# /'
if [ $fuzz_rc -ne 0 ]; then
    echo "$fuzz_out" | tail -40
    echo "not ok fuzzing found a crash (the input is kept under test/fuzz/regressions/)"
    failed=$((failed + 1))
else
    echo "ok fuzzing: no crash"
    passed=$((passed + 1))
fi

stage "vocabulary checks (test/vocabulary/check_vocabulary.py)"
voc_out=$(/usr/bin/python3 "$ZP_ROOT/test/vocabulary/check_vocabulary.py" 2>&1)
voc_rc=$?
if [ $voc_rc -eq 0 ]; then
    echo "$voc_out" | grep -E '^(concepts|labels|top concepts|max depth)' | sed 's/^/# /'
    echo "ok shipped vocabulary: no shared label, cycle, orphan, unknown link, too common or unnormalised label"
    passed=$((passed + 1))
else
    echo "$voc_out" | head -60
    echo "not ok shipped vocabulary checks"
    failed=$((failed + 1))
fi

stage "lexicon compiler tests"
lc_out=$(bash "$ZP_ROOT/test/unit/test_lexcompile.sh" "$ZP_ROOT/build")
echo "$lc_out" | grep -v '^ok ' || true
lc_line=$(echo "$lc_out" | grep -E '^lexcompile: [0-9]+ passed, [0-9]+ failed' | tail -1)
if [ -z "$lc_line" ]; then
    failed=$((failed + 1))
else
    passed=$((passed + $(echo "$lc_line" | sed -E 's/^lexcompile: ([0-9]+) passed.*/\1/')))
    failed=$((failed + $(echo "$lc_line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
fi

fi

# pg_regress runs as the PostgreSQL user in a scratch directory it owns, on a copy
# of the test files (the work tree may not be readable or writable by that user).
# run_regress LABEL EXTRA_SETTING: the whole suite in a temporary instance.
run_regress() {
    local label=$1 extra=$2 scratch tests regress_out regress_rc n_ok n_bad
    stage "$label"
    scratch=$(mktemp -d /tmp/zhpolicy-regress.XXXXXX)
    mkdir -p "$scratch/in/test"
    cp -r "$ZP_ROOT/sql" "$ZP_ROOT/expected" "$scratch/in/"
    cp -r "$ZP_ROOT/test/corpus" "$ZP_ROOT/test/recipes" "$ZP_ROOT/test/vocabulary" "$ZP_ROOT/test/regress.conf" "$scratch/in/test/"
    [ -n "$extra" ] && echo "$extra" >> "$scratch/in/test/regress.conf"
    chmod -R a+rX "$scratch"
    zp_pg_dir "$scratch/out"
    tests=${ZP_REGRESS:-$(make -C "$ZP_ROOT" -s print-regress)}
    regress_out=$(cd "$scratch" && zp_as_pg "$("$PG_BIN/pg_config" --pkglibdir)/pgxs/src/test/regress/pg_regress" \
        --inputdir="$scratch/in" --outputdir="$scratch/out" --temp-instance="$scratch/out/tmp_check" \
        --bindir="$PG_BIN" --encoding=UTF8 --no-locale --dbname=regression \
        --temp-config="$scratch/in/test/regress.conf" $tests 2>&1)
    regress_rc=$?
    echo "$regress_out"
    n_ok=$(echo "$regress_out" | grep -cE '^(ok|test) .* ok( |$)|^ok [0-9]+ ')
    n_bad=$(echo "$regress_out" | grep -cE 'FAILED|failed \(ignored\)|^not ok')
    if [ $regress_rc -ne 0 ] && [ "$n_bad" -eq 0 ]; then n_bad=1; fi
    passed=$((passed + n_ok))
    failed=$((failed + n_bad))
    if [ -f "$scratch/out/regression.diffs" ]; then
        echo "== regression.diffs ($label)"
        cat "$scratch/out/regression.diffs"
        cp "$scratch/out/regression.diffs" "$ZP_ROOT/regression.diffs" 2>/dev/null || true
        # keep results for inspection
        rm -rf "$ZP_ROOT/results" && cp -r "$scratch/out/results" "$ZP_ROOT/results" 2>/dev/null || true
    fi
    rm -rf "$scratch"
}

# run_script NAME SCRIPT: a shell test that prints "ok ..." / "not ok ..." lines.
run_script() {
    local out rc
    stage "$1"
    out=$(bash "$2" 2>&1)
    rc=$?
    echo "$out"
    passed=$((passed + $(echo "$out" | grep -c '^ok ')))
    failed=$((failed + $(echo "$out" | grep -c '^not ok ')))
    if [ $rc -ne 0 ] && ! echo "$out" | grep -q '^not ok '; then
        echo "not ok $1 exited with status $rc"
        failed=$((failed + 1))
    fi
}

rm -f "$ZP_ROOT/regression.diffs"
if [ -n "${ZP_REGRESS:-}" ] && [ "${ZP_FORCE_PARALLEL:-0}" = 1 ]; then
    run_regress "pg_regress, force_parallel_mode = regress" "force_parallel_mode = regress"
else
    run_regress "pg_regress" ""
fi
# once more with every query forced through a parallel worker: checks every PARALLEL SAFE label
[ -z "${ZP_REGRESS:-}" ] && run_regress "pg_regress, force_parallel_mode = regress" "force_parallel_mode = regress"
if [ -z "${ZP_REGRESS:-}" ]; then
    for t in "$ZP_ROOT"/test/operations/*.sh; do
        run_script "operations: $(basename "$t" .sh)" "$t"
    done
    # the README's Django recipe, through Debian's python3-django and python3-psycopg2
    run_script "clients: django" "$ZP_ROOT/test/clients/django/run.sh"
    run_script "clients: sqlalchemy" "$ZP_ROOT/test/clients/sqlalchemy/run.sh"
    # the whole suite in a server under valgrind takes 25 to 40 minutes, more than CI's budget
    # allows beside the rest: it is make test-valgrind, run before a release (ZP_VALGRIND=1 adds it here)
    [ "${ZP_VALGRIND:-0}" = 1 ] && run_script "valgrind (make test-valgrind)" "$ZP_ROOT/test/valgrind/installcheck.sh"
    # a Citus cluster (make test-citus: about 6 minutes, plus about 2 to build Citus the first time;
    # skipped with a note when Citus is neither installed nor in ../shared/citus; ZP_CITUS=0 skips it)
    stage "Citus (make test-citus)"
    if [ "${ZP_CITUS:-1}" = 0 ]; then
        echo "# skipped: ZP_CITUS=0"
    else
        citus_start=$(date +%s)
        citus_out=$(bash "$ZP_ROOT/test/citus/run.sh" 2>&1)
        citus_rc=$?
        if [ $citus_rc -eq 77 ]; then
            echo "# skipped: $(echo "$citus_out" | grep -m1 'skipping' || echo 'no Citus')"
        else
            echo "$citus_out"
            echo "# the Citus stage took $(( $(date +%s) - citus_start )) s"
            passed=$((passed + $(echo "$citus_out" | grep -c '^ok ')))
            failed=$((failed + $(echo "$citus_out" | grep -c '^not ok ')))
            if [ $citus_rc -ne 0 ] && ! echo "$citus_out" | grep -q '^not ok '; then
                echo "not ok Citus tests exited with status $citus_rc"
                failed=$((failed + 1))
            fi
        fi
    fi
fi

stage ""
echo "# make test took $SECONDS s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
