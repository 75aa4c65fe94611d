-- Whole-document search, step 1: run once on a filled table docs(id bigint primary key, body text).
-- It builds the exact text index: GIN keys are the pairs of adjacent characters of the text
-- itself, so no tsvector is stored and no length limit applies.  Rows inserted or changed
-- later are indexed by the same index as they are written.
--   psql -f prepare.sql
CREATE INDEX IF NOT EXISTS docs_body_bigram_idx ON docs USING gin (body zhpolicy.gin_bigram_ops);
ANALYZE docs;
