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
# the full shipped vocabulary (preferred, alternative and hidden labels of the TSV): the scan alone
# (the corpus five times, less a one-line input, which costs the build) and the build
grep -hv '^#' "$ZP_ROOT"/src/data/zhpolicy_vocabulary_*.tsv | tail -n +2 |
    awk -F'\t' '{ print $3; n = split($4 "|" $5, a, "|"); for (i = 1; i <= n; i++) if (a[i] != "") print a[i] }' |
    sort -u > "$tmp/vocab.txt"
for i in 1 2 3 4 5; do cat "$tmp/corpus.txt"; done > "$tmp/corpus5.txt"
head -c 30 "$tmp/corpus.txt" > "$tmp/line.txt"
count_on() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
        "$ZP_ROOT/build/zp_segment" "$ZP_ROOT/build/zhpolicy.lex" -t "$tmp/vocab.txt" < "$1" >/dev/null 2>"$tmp/cg.err"
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/cg.err"
}
full5=$(count_on "$tmp/corpus5.txt")
full1=$(count_on "$tmp/line.txt")
echo "engine instructions per input byte (callgrind, the corpus: $bytes bytes)"
awk -v t="$tok" -v b="$base" -v n="$bytes" 'BEGIN { printf "  tokenizer (zp_segment -n):            %6.1f\n", (t - b) / n }'
awk -v t="$tag" -v b="$base" -v n="$bytes" 'BEGIN { printf "  label matcher, 10 labels (-t):        %6.1f  (includes building the matcher)\n", (t - b) / n }'
awk -v a="$full5" -v c="$full1" -v n="$bytes" -v l="$(wc -l < "$tmp/vocab.txt")" \
    'BEGIN { printf "  label matcher, %d labels, scan only: %6.1f  (the corpus 5 times less one line)\n", l, (a - c) / (5 * n) }'
awk -v c="$full1" -v b="$base" -v l="$(wc -l < "$tmp/vocab.txt")" \
    'BEGIN { printf "  building the matcher of %d labels:   %6.1f million instructions (with reading them)\n", l, (c - b) / 1e6 }'
# seconds too (noisy on a shared machine): the tokenizer alone over the corpus repeated 180 times
for i in $(seq 180); do cat "$tmp/corpus.txt"; done > "$tmp/corpus180.txt"
echo "engine throughput, one core: tokenizer $("$ZP_ROOT/build/zp_segment" "$ZP_ROOT/build/zhpolicy.lex" -n < "$tmp/corpus180.txt" | sed -n 's/.* \([0-9.]* MB\/s\)$/\1/p') (zp_segment -n, the corpus repeated 180 times)"
