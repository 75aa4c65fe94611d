#!/usr/bin/env bash
# Instructions per input byte of the engine's hot loops, counted by valgrind's callgrind
# (repeatable on a busy machine, unlike seconds): the tokenizer (zp_segment -n) and the
# label matcher (zp_segment -t) over the article corpus.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../src/scripts/common.sh"
command -v valgrind >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq valgrind >/dev/null; }
make -C "$ZP_ROOT" -s build/zp_segment build/zhpolicy.lex >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat "$ZP_ROOT"/test/corpus/* > "$tmp/corpus.txt"
bytes=$(wc -c < "$tmp/corpus.txt")
printf '网络安全\n关键信息基础设施\n联合国\n数字经济\n乡村振兴\n知识产权\n命运共同体\n人工智能\n数据安全\n互联网\n' > "$tmp/labels.txt"

# instructions of a run of zp_segment with the given arguments, from callgrind's summary
count() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
        "$ZP_ROOT/build/zp_segment" "$ZP_ROOT/build/zhpolicy.lex" "$@" < "$tmp/corpus.txt" >/dev/null 2>"$tmp/cg.err"
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/cg.err"
}
# the baseline: opening the lexicon and reading the input, without tokenizing
base=$(count -x)
tok=$(count -n)
export ZP_TAG_ONCE=1
tag=$(count -t "$tmp/labels.txt")
echo "engine instructions per input byte (callgrind, the corpus: $bytes bytes)"
awk -v t="$tok" -v b="$base" -v n="$bytes" 'BEGIN { printf "  tokenizer (zp_segment -n):            %6.1f\n", (t - b) / n }'
awk -v t="$tag" -v b="$base" -v n="$bytes" 'BEGIN { printf "  label matcher, 10 labels (-t):        %6.1f  (includes building the matcher)\n", (t - b) / n }'
# seconds too (noisy on a shared machine): the tokenizer alone over the corpus repeated 180 times
for i in $(seq 180); do cat "$tmp/corpus.txt"; done > "$tmp/corpus180.txt"
echo "engine throughput, one core: tokenizer $("$ZP_ROOT/build/zp_segment" "$ZP_ROOT/build/zhpolicy.lex" -n < "$tmp/corpus180.txt" | sed -n 's/.* \([0-9.]* MB\/s\)$/\1/p') (zp_segment -n, the corpus repeated 180 times)"
