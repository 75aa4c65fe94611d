#!/usr/bin/env bash
# Span-level evaluation of tag() on text the vocabulary was not written from: the 500 sentences of
# the segmentation dev set (test/gold/gsdsimp-dev.seg.utf8, UD Chinese GSDSimp, CC BY-SA 4.0) and
# the news-like items of test/vocabulary/eval/news.tsv, tagged with the shipped vocabulary in a
# temporary cluster; test/vocabulary/eval/span_eval.py draws a fixed-seed sample of the spans,
# stratified by concept, and compares it with the judgements of
# test/vocabulary/eval/span_judgements.tsv: acceptance per source, the worst false tags, the
# concepts that tag most dev sentences, and the spans not judged yet (written to
# build/bench-eval/unjudged.tsv; reported, never an error).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../src/scripts/common.sh"
zp_install_deps
zp_build_install
zp_temp_cluster "${BENCH_PORT:-54344}"
EVAL="$ZP_ROOT/test/vocabulary/eval"
/usr/bin/python3 "$EVAL/span_eval.py" docs > "$ZP_TMP/docs.tsv"
chmod a+r "$ZP_TMP/docs.tsv"
"${PSQL[@]}" -v file="$ZP_TMP/docs.tsv" > "$ZP_TMP/spans.tsv" <<'SQL'
CREATE EXTENSION zhpolicy;
CREATE TABLE doc (source text, id text, body text, PRIMARY KEY (source, id));
COPY doc FROM :'file' WITH (FORMAT text);
COPY (SELECT d.source, d.id, s.start_pos, s.length, s.matched_text, s.concept_id, c.pref_label
      FROM doc d, zhpolicy.tag_spans(d.body) s JOIN zhpolicy.concept c ON c.id = s.concept_id
      ORDER BY d.source, d.id, s.start_pos, s.concept_id) TO STDOUT;
SQL
mkdir -p "$ZP_ROOT/build/bench-eval"
cp "$ZP_TMP/docs.tsv" "$ZP_TMP/spans.tsv" "$ZP_ROOT/build/bench-eval/"
/usr/bin/python3 "$EVAL/span_eval.py" report "$ZP_TMP/docs.tsv" "$ZP_TMP/spans.tsv" \
    --unjudged "$ZP_ROOT/build/bench-eval/unjudged.tsv"
