-- Whole-document search, step 1: run once on a filled table docs(id bigint primary key, body text).
-- It builds the exact text index: GIN keys are the pairs of adjacent characters of the text
-- itself, so no tsvector is stored and no length limit applies.  Rows inserted or changed
-- later are indexed by the same index as they are written.
--   psql -f prepare.sql
-- For ranked.sql: the rank sketch column (sketch.sql).  It comes before the indexes: adding it
-- rewrites the table, and a rewrite builds every index again.
\ir sketch.sql
-- The text index.  On a partitioned docs, a partition's index built before (index_partitions.sh
-- builds them in several sessions at once) is attached, not built again.
CREATE INDEX IF NOT EXISTS docs_body_bigram_idx ON docs USING gin (body zhpolicy.gin_bigram_ops);
-- For ranked.sql on tables of thousands of rows: the tier index.  For each pair of characters of
-- a row it holds one key for every tier (a factor of sqrt 2 apart) that the pair's count, relative
-- to the row's length, reaches; rank_top finds it by itself and reads first the rows that hold a
-- phrase most often, instead of bounding every row that holds the phrase at all.
CREATE INDEX IF NOT EXISTS docs_rank_tiers_idx ON docs USING gin (zhpolicy.rank_tiers(body));
ANALYZE docs;
