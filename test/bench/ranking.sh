#!/usr/bin/env bash
# Ranking benchmark (make bench-ranking): NDCG@10 of ts_rank, ts_rank_cd and zhpolicy.rank on
# the same candidates, against judgements made beforehand by test/bench/ranking/gen.py.
# Documents: 300 built from the corpus articles (cleaned by zhpolicy.clean) and the UD GSDSimp
# dev sentences (seeded; lengths 1,000-100,000 characters, about a third over 20,000).
# Queries: 40 each of one, two and three phrases.  Candidates of a query: the rows that hold
# at least one of its phrases (strpos); each method orders them (ties by id) and its first ten
# are scored.  Prints the table and writes test/bench/ranking/ndcg.csv (per kind) and
# test/bench/ranking/ndcg_queries.csv (per query).  RANK_DOCS=N changes the number of documents.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../src/scripts/common.sh"
HERE="$ZP_ROOT/test/bench/ranking"
zp_install_deps
zp_build_install
zp_temp_cluster "${BENCH_PORT:-$(zp_free_port)}"
W="$ZP_TMP/ranking"
zp_pg_dir "$W"

"${PSQL[@]}" -c 'CREATE EXTENSION zhpolicy'
"${PSQL[@]}" -At -v corpus="$ZP_TMP/corpus/" >"$W/clean.txt" <<'SQL'
SELECT string_agg(zhpolicy.clean(pg_read_file(:'corpus' || f)), E'\n' ORDER BY f)
FROM pg_ls_dir(:'corpus') f WHERE f LIKE '%.txt';
SQL
/usr/bin/python3 "$HERE/gen.py" "$W/clean.txt" "$ZP_ROOT/test/gold/gsdsimp-dev.seg.utf8" \
    "$ZP_ROOT/src/data/zhpolicy_vocabulary_policy.tsv" "$W" "${RANK_DOCS:-300}"

"${PSQL[@]}" -v dir="$W" <<'SQL'
SET client_min_messages = warning;
CREATE TABLE docs (id bigint PRIMARY KEY, title text NOT NULL, body text NOT NULL);
\set f :dir/docs.tsv
COPY docs FROM :'f';
CREATE TABLE queries (qid int PRIMARY KEY, kind int NOT NULL, query text NOT NULL);
\set f :dir/queries.tsv
COPY queries FROM :'f';
-- the stored-tsvector setup with the title weighted A (the make run recipe), for ts_rank
ALTER TABLE docs ADD COLUMN tsv tsvector;
UPDATE docs SET tsv = setweight(zhpolicy.tsvector(title), 'A')
                   || zhpolicy.tsvector(substr(body, char_length(title) + 2));
CREATE INDEX ON docs USING gin (tsv);
-- the whole-document text index, when this build has it
DO $$ BEGIN
    IF EXISTS (SELECT FROM pg_opclass WHERE opcname = 'gin_bigram_ops') THEN
        EXECUTE 'CREATE INDEX ON docs USING gin (body zhpolicy.gin_bigram_ops)';
    END IF;
END $$;
ANALYZE docs;
-- each query once: its phrases, the tsquery of ts_rank (the phrases joined by or), our rank query
CREATE TABLE prepared AS
SELECT qid, zhpolicy.rank_terms(query) AS terms,
       websearch_to_tsquery('zhpolicy', replace(query, ' ', ' or ')) AS tq,
       zhpolicy.rank_query(query, 'docs', 'body') AS rq
FROM queries;
-- every candidate of every query, with each method's score
CREATE TABLE candidates AS
SELECT DISTINCT p.qid, d.id FROM prepared p, unnest(p.terms) t, docs d WHERE strpos(d.body, t) > 0;
\set f :dir/scores.tsv
COPY (
    SELECT c.qid, d.id,
           ts_rank(d.tsv, p.tq), ts_rank(d.tsv, p.tq, 1),
           ts_rank_cd(d.tsv, p.tq), ts_rank_cd(d.tsv, p.tq, 1),
           zhpolicy.rank(d.body, p.rq),
           ('x' || substr(md5(c.qid || ':' || d.id), 1, 8))::bit(32)::int
    FROM candidates c JOIN prepared p USING (qid) JOIN docs d USING (id)
    ORDER BY 1, 2
) TO :'f';
SQL
/usr/bin/python3 "$HERE/eval.py" "$W" "$HERE"
