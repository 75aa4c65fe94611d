-- The two search recipes' indexes (README "Using it"), then statistics.
CREATE INDEX docs_tsv_idx ON docs USING gin (tsv);
CREATE INDEX docs_body_bigram_idx ON docs USING gin (body zhpolicy.gin_bigram_ops);
ANALYZE docs;
