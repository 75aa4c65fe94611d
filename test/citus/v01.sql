-- A table made under zhpolicy 0.1, before ALTER EXTENSION zhpolicy UPDATE (psql -v dist=true|false,
-- corpus=DIR): the corpus articles' paragraphs, a stored tsvector with its GIN index, tags for
-- tag_table.  On the single node (fresh 0.2) the same rows, to compare with.
CREATE TABLE v01 (
    id   bigint PRIMARY KEY,
    body text NOT NULL,
    tsv  tsvector GENERATED ALWAYS AS (zhpolicy.tsvector(body)) STORED,
    tags text[]
);
\if :dist
SELECT create_distributed_table('v01', 'id', shard_count => 8);
\endif
INSERT INTO v01 (id, body)
SELECT row_number() OVER (ORDER BY f, n), p
FROM pg_ls_dir(:'corpus') f,
     regexp_split_to_table(zhpolicy.clean(pg_read_file(:'corpus' || '/' || f)), E'\n+') WITH ORDINALITY s(p, n)
WHERE f LIKE '%.txt' AND length(p) >= 20;
CREATE INDEX v01_tsv_idx ON v01 USING gin (tsv);
ANALYZE v01;
