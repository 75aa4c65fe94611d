#!/usr/bin/env bash
# Run libFuzzer targets, each for SECONDS, from the seeds in build/fuzz-corpus/<target>
# and the regression inputs in test/fuzz/regressions/<target>.  A crash, leak or
# timeout is kept as test/fuzz/regressions/<target>/<kind>-<sha1> and the script ends
# non-zero (after running the other targets).
# Usage: run_fuzz.sh SECONDS TARGET...
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=$1
shift
failed=()
for t in "$@"; do
    max_len=8192
    [ "$t" = lexicon ] && max_len=1048576
    corpus="$root/build/fuzz-corpus/$t"
    artifacts="$root/build/fuzz-artifacts/$t"
    regress="$root/test/fuzz/regressions/$t"
    mkdir -p "$corpus" "$artifacts" "$regress"
    echo "== fuzz_$t: $seconds s"
    if ! ZHPOLICY_LEXICON="$root/build/zhpolicy.lex" "$root/build/fuzz_$t" \
            -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 \
            -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$regress" \
            > "$artifacts/log.txt" 2>&1; then
        failed+=("$t")
        tail -40 "$artifacts/log.txt"
        for a in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
            [ -f "$a" ] || continue
            cp "$a" "$regress/"
            echo "fuzz_$t: kept $(basename "$a") as test/fuzz/regressions/$t/$(basename "$a")"
        done
    else
        grep -E '^stat::number_of_executed_units|^Done' "$artifacts/log.txt" | tr '\n' ' '
        echo
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: failures in: ${failed[*]}"
    exit 1
fi
echo "fuzz: no crash in $*"
