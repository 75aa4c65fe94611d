#!/usr/bin/env bash
# The lexicon compiler stops on a malformed line and names the file and line.
# Usage: test_lexcompile.sh BUILD_DIR   (prints "lexcompile: N passed, M failed")
set -u
bin=$1/zp_lexcompile
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# expect_failure NAME CONTENT EXPECTED_MESSAGE_PART
expect_failure() {
    printf '%b' "$2" > "$tmp/$1"
    if out=$("$bin" -o "$tmp/out.lex" "$tmp/$1" 2>&1); then
        echo "not ok - $1: compiler accepted a malformed list"; failed=$((failed + 1))
    elif [[ "$out" == *"$tmp/$1:$3"* ]]; then
        echo "ok - $1: $out"; passed=$((passed + 1))
    else
        echo "not ok - $1: message does not name $1:$3: $out"; failed=$((failed + 1))
    fi
}
expect_failure no_freq.txt '网络 10\n空间\n' '2:'
expect_failure bad_freq.txt '网络 10\n# comment\n空间 x\n' '3:'
expect_failure zero_freq.txt '网络 0\n' '1:'
expect_failure bad_auto.txt '网络 10\n5G网络 auto\n' '2:'
printf '网络 10\n空间 5 n\n' > "$tmp/good.txt"
if "$bin" -o "$tmp/good.lex" "$tmp/good.txt" >/dev/null 2>&1 && [ -s "$tmp/good.lex" ]; then
    echo "ok - a well-formed list compiles"; passed=$((passed + 1))
else
    echo "not ok - a well-formed list did not compile"; failed=$((failed + 1))
fi
# -g: dictionary compounds get the fine-grained split; words of a -w list stay whole
printf '体育 100 n\n用品 100 n\n体育用品 1000 n\n网络 100 n\n空间 100 n\n网络空间 1000 n\n' > "$tmp/general.txt"
printf '网络空间 1000\n' > "$tmp/whole.txt"
seg() { printf "体育用品和网络空间\n" | "$1/zp_segment" "$2" -w | sed "s/ *$//"; }
if "$bin" -o "$tmp/fine.lex" -g "$tmp/general.txt" -w "$tmp/whole.txt" >/dev/null 2>&1 &&
    "$bin" -o "$tmp/coarse.lex" "$tmp/general.txt" >/dev/null 2>&1 &&
    [ "$(seg "$1" "$tmp/fine.lex")" = "体育 用品 和 网络空间" ] &&
    [ "$(seg "$1" "$tmp/coarse.lex")" = "体育用品 和 网络空间" ]; then
    echo "ok - -g splits compounds, -w keeps its words whole"; passed=$((passed + 1))
else
    echo "not ok - -g/-w: fine '$(seg "$1" "$tmp/fine.lex" 2>&1)', coarse '$(seg "$1" "$tmp/coarse.lex" 2>&1)'"; failed=$((failed + 1))
fi
echo "lexcompile: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
