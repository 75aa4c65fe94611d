#!/usr/bin/env bash
# Evaluation of tag() beyond the corpus: the passages of test/vocabulary/eval/passages.tsv (short
# policy passages of 1978 to today, composed for this test, with the concepts a reader expects),
# tagged with the shipped vocabulary in a temporary cluster.  Prints recall (expected concepts found
# directly; found directly or through a narrower concept), precision (strict: the direct tags that
# were expected; lenient: also those broader or narrower than an expected one), the expected
# concepts the vocabulary does not have, the misses, and the false tags.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../src/scripts/common.sh"
zp_install_deps
zp_build_install
zp_temp_cluster "${BENCH_PORT:-54343}"
grep -v '^#' "$ZP_ROOT/test/vocabulary/eval/passages.tsv" | tail -n +2 > "$ZP_TMP/passages.tsv"
chmod a+r "$ZP_TMP/passages.tsv"
"${PSQL[@]}" -v file="$ZP_TMP/passages.tsv" <<'SQL'
\pset footer off
CREATE EXTENSION zhpolicy;
CREATE TABLE passage (id text PRIMARY KEY, period int, body text, expected text);
COPY passage FROM :'file' WITH (FORMAT text);
-- expected names to concepts: a preferred label, else an alternative label
CREATE TABLE expect AS
SELECT p.id, e.name,
       coalesce((SELECT c.id FROM zhpolicy.concept c WHERE c.pref_label = e.name ORDER BY c.id LIMIT 1),
                (SELECT l.concept_id FROM zhpolicy.concept_label l WHERE l.label = e.name ORDER BY 1 LIMIT 1)) AS concept
FROM passage p, unnest(string_to_array(p.expected, '|')) e(name);
CREATE TABLE tagged AS SELECT p.id, t.concept_id, t.matched FROM passage p, zhpolicy.tag(p.body) t;
-- a concept and everything above and below it
CREATE TABLE kin AS
WITH RECURSIVE up(concept, other) AS (
    SELECT id, id FROM zhpolicy.concept
    UNION SELECT u.concept, c.broader FROM up u JOIN zhpolicy.concept c ON c.id = u.other WHERE c.broader IS NOT NULL)
SELECT concept, other FROM up UNION SELECT other, concept FROM up;
CREATE INDEX ON kin (concept);
\echo
\echo tag() on the evaluation passages (test/vocabulary/eval/passages.tsv), the shipped vocabulary
SELECT (SELECT count(*) FROM passage) AS passages,
       (SELECT count(*) FROM expect) AS expected,
       (SELECT count(*) FROM expect WHERE concept IS NULL) AS not_in_vocabulary,
       round((SELECT count(*) FROM expect e WHERE EXISTS (SELECT 1 FROM tagged t WHERE t.id = e.id AND t.concept_id = e.concept AND t.matched = 'direct'))::numeric
             / (SELECT count(*) FROM expect), 3) AS recall_direct,
       round((SELECT count(*) FROM expect e WHERE EXISTS (SELECT 1 FROM tagged t WHERE t.id = e.id AND t.concept_id = e.concept))::numeric
             / (SELECT count(*) FROM expect), 3) AS recall_with_narrower,
       (SELECT count(*) FROM tagged WHERE matched = 'direct') AS direct_tags,
       round((SELECT count(*) FROM tagged t WHERE t.matched = 'direct' AND EXISTS (SELECT 1 FROM expect e WHERE e.id = t.id AND e.concept = t.concept_id))::numeric
             / nullif((SELECT count(*) FROM tagged WHERE matched = 'direct'), 0), 3) AS precision_strict,
       round((SELECT count(*) FROM tagged t WHERE t.matched = 'direct' AND EXISTS (
                  SELECT 1 FROM expect e JOIN kin k ON k.concept = e.concept WHERE e.id = t.id AND k.other = t.concept_id))::numeric
             / nullif((SELECT count(*) FROM tagged WHERE matched = 'direct'), 0), 3) AS precision_lenient;
\echo by period
SELECT (p.period / 10) * 10 AS decade, count(DISTINCT p.id) AS passages, count(*) AS expected,
       round(avg((EXISTS (SELECT 1 FROM tagged t WHERE t.id = e.id AND t.concept_id = e.concept AND t.matched = 'direct'))::int), 3) AS recall_direct
FROM passage p JOIN expect e ON e.id = p.id GROUP BY 1 ORDER BY 1;
\echo expected concepts the vocabulary does not have (by preferred or alternative label)
SELECT id, name FROM expect WHERE concept IS NULL ORDER BY id, name;
\echo expected concepts the vocabulary has but tag() did not find directly
SELECT e.id, e.name, e.concept, (SELECT t.matched FROM tagged t WHERE t.id = e.id AND t.concept_id = e.concept) AS found_as
FROM expect e WHERE e.concept IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM tagged t WHERE t.id = e.id AND t.concept_id = e.concept AND t.matched = 'direct')
ORDER BY e.id, e.name;
\echo false tags: direct tags neither expected nor broader or narrower than an expected concept
SELECT t.id, t.concept_id, c.pref_label,
       (SELECT string_agg(s.matched_text, ',') FROM zhpolicy.tag_spans((SELECT body FROM passage WHERE id = t.id)) s
        WHERE s.concept_id = t.concept_id) AS matched_text
FROM tagged t JOIN zhpolicy.concept c ON c.id = t.concept_id
WHERE t.matched = 'direct'
  AND NOT EXISTS (SELECT 1 FROM expect e JOIN kin k ON k.concept = e.concept WHERE e.id = t.id AND k.other = t.concept_id)
ORDER BY t.id, t.concept_id;
SQL
