-- Whole-document search, step 1: run once on a filled table docs(id bigint primary key, body text).
-- It builds the exact text index: GIN keys are the pairs of adjacent characters of the text
-- itself, so no tsvector is stored and no length limit applies.  Rows inserted or changed
-- later are indexed by the same index as they are written.
--   psql -f prepare.sql
CREATE INDEX IF NOT EXISTS docs_body_bigram_idx ON docs USING gin (body zhpolicy.gin_bigram_ops);
ANALYZE docs;
-- For ranked.sql: each row's rank sketch (its length, first line and commonest character
-- pairs, at most about 1.9 kB), which bounds its zhpolicy.rank score without reading it.
-- A generated column, so inserted and changed rows get theirs as they are written.
ALTER TABLE docs ADD COLUMN IF NOT EXISTS rank_sketch bytea
    GENERATED ALWAYS AS (zhpolicy.rank_sketch(body)) STORED;
ANALYZE docs;
