#!/usr/bin/env bash
# The C matcher through the hours: a shared machine's speed moves from minute to minute, so a
# figure taken once says little.  Every INTERVAL seconds for MINUTES minutes, three runs of
# `zp_segment -t` over the article corpus with the full vocabulary's labels (LABELS, one label a
# line: the labels tagging.sh exports), interleaved with three of another build (OTHER, a
# zp_segment binary, e.g. one built from an older commit) when given; prints one line a sample:
# time (UTC), load average, the other build's median and this build's median and minimum, MB/s.
#   bash test/bench/matcher_hours.sh LABELS [MINUTES=60] [INTERVAL=300] [OTHER]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LABELS=${1:?labels file (one label a line)}
MINUTES=${2:-60}
INTERVAL=${3:-300}
OTHER=${4:-}
make -C "$ROOT" -s build/zp_segment build/zhpolicy.lex >/dev/null
CORPUS=$(mktemp)
trap 'rm -f "$CORPUS"' EXIT
cat "$ROOT"/test/corpus/* > "$CORPUS"
run() { "$1" "$ROOT/build/zhpolicy.lex" -t "$LABELS" < "$CORPUS" | sed -n 's/.* \([0-9.]*\) MB\/s$/\1/p'; }
echo "time  load  other  this  this_min"
end=$(( $(date +%s) + MINUTES * 60 ))
while [ "$(date +%s)" -lt "$end" ]; do
    this=() other=()
    for k in 1 2 3; do
        [ -n "$OTHER" ] && other+=("$(run "$OTHER")")
        this+=("$(run "$ROOT/build/zp_segment")")
    done
    med() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
    printf '%s %s %s %s %s\n' "$(date -u +%H:%M)" "$(cut -d' ' -f1 /proc/loadavg)" \
        "$([ -n "$OTHER" ] && med "${other[@]}" || echo -)" "$(med "${this[@]}")" \
        "$(printf '%s\n' "${this[@]}" | sort -n | head -1)"
    sleep "$INTERVAL"
done
