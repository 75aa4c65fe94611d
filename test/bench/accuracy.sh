#!/usr/bin/env bash
# Segmentation accuracy on a gold standard: the dev split of UD_Chinese-GSDSimp,
# Universal Dependencies (CC BY-SA 4.0, test/gold/), scored with the SIGHAN
# measure (word-level precision, recall and F1 by character span), plus recall
# of gold words that are not in jieba's dict.txt (OOV recall).
#   - ts_parse('zhpolicy', sentence) in a temporary cluster, as to_tsvector sees it
#     (and, for comparison, ts_parse('zhpolicy_compound', ...), compounds kept whole)
#   - build/zp_segment -w, the engine alone, as a cross-check
# Environment: ACCURACY_PORT (port of the temporary cluster, default 54337),
# ACCURACY_ERRORS=N (also list the N most frequent differences from gold),
# ACCURACY_KEEP=DIR (copy the segmentations there, for a closer look with the scorer).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../src/scripts/common.sh"
GOLD=$ZP_ROOT/test/gold/gsdsimp-dev.seg.utf8
DICT=/usr/lib/python3/dist-packages/jieba/dict.txt
SCORER=(/usr/bin/python3 "$ZP_ROOT/test/bench/score_segmentation.py")
zp_install_deps
zp_build_install
zp_temp_cluster "${ACCURACY_PORT:-54337}"
work=$ZP_TMP

# The gold file travels base64-encoded through psql's client-side \copy, so the
# server never reads the work tree and no character of the text is special.
"${PSQL[@]}" -c 'CREATE EXTENSION zhpolicy' -c 'CREATE TABLE gold_b64 (id int, b64 text)'
"${SCORER[@]}" encode "$GOLD" | "${PSQL[@]}" -c '\copy gold_b64 FROM STDIN'
# one sentence a line, gold words separated by single spaces; the text to
# segment is the line with the spaces removed
"${PSQL[@]}" -c "CREATE TABLE gold AS
    SELECT id, seg, replace(seg, ' ', '') AS sentence
    FROM (SELECT id, convert_from(decode(b64, 'base64'), 'UTF8') AS seg FROM gold_b64) g"
# every token of ts_parse(PARSER, sentence), blank ones included, in order: the scorer splits
# blank tokens (punctuation) into one-character words and skips image and blob tokens
tokens_of() {
    "${PSQL[@]}" -c "\copy (SELECT g.id, p.tokid,
        translate(encode(convert_to(p.token, 'UTF8'), 'base64'), E'\n', '')
        FROM gold g CROSS JOIN LATERAL ts_parse('$1', g.sentence) WITH ORDINALITY AS p(tokid, token, ord)
        ORDER BY g.id, p.ord) TO STDOUT"
}
tokens_of zhpolicy > "$work/ts_parse.tsv"
# the same through the parser that keeps dictionary compounds whole, for comparison
tokens_of zhpolicy_compound > "$work/ts_parse_compound.tsv"

tr -d ' ' < "$GOLD" | "$ZP_ROOT/build/zp_segment" "$ZP_ROOT/build/zhpolicy.lex" -w > "$work/engine.txt"

if [ -n "${ACCURACY_KEEP:-}" ]; then
    mkdir -p "$ACCURACY_KEEP"
    cp "$work/ts_parse.tsv" "$work/engine.txt" "$ACCURACY_KEEP/"
fi

echo
echo "zhpolicy segmentation accuracy: UD_Chinese-GSDSimp dev (Universal Dependencies, CC BY-SA 4.0), SIGHAN measure, $(date -u +%Y-%m-%d)"
"${SCORER[@]}" score "$GOLD" --lexicon "$DICT" --ts-parse "$work/ts_parse.tsv" \
    --engine "$work/engine.txt" --errors "${ACCURACY_ERRORS:-0}"
echo
echo "for comparison, dictionary compounds kept whole:"
"${SCORER[@]}" score "$GOLD" --lexicon "$DICT" --ts-parse "$work/ts_parse_compound.tsv" \
    | sed -n "s/^ts_parse('zhpolicy', ...)  /ts_parse('zhpolicy_compound', ...)/p"
