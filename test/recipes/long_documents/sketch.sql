-- Whole-document search: the rank sketch column, read by prepare.sql and index_partitions.sh.
-- For ranked.sql: each row's rank sketch (its length, first line and the counts of its character
-- pairs: 1/12 of the row, between 1.5 and 32 kB), which bounds its zhpolicy.rank score without
-- reading it.  STORAGE MAIN keeps a sketch that fits in its row (read with the row, no TOAST
-- fetch); the sketches of rows above about 120 kB are fetched from TOAST, still far less than the row.
-- A generated column, so inserted and changed rows get theirs as they are written.  It comes
-- before the indexes: adding it rewrites the table, and a rewrite builds every index again.
ALTER TABLE docs ADD COLUMN IF NOT EXISTS rank_sketch bytea
    GENERATED ALWAYS AS (zhpolicy.rank_sketch(body)) STORED,
    ALTER COLUMN rank_sketch SET STORAGE MAIN;
