-- The test table, the same on the single node and on the cluster (psql -v dist=true|false,
-- corpus=DIR): the corpus articles cut into 3,000 rows of 300-3,000 characters, plus each
-- article whole; a stored tsvector; tags and an update counter for tag_table.
CREATE TABLE src AS SELECT f, zhpolicy.clean(pg_read_file(:'corpus' || '/' || f)) AS t
FROM pg_ls_dir(:'corpus') f WHERE f LIKE '%.txt';
CREATE TABLE docs (
    id      bigint PRIMARY KEY,
    body    text NOT NULL,
    tsv     tsvector GENERATED ALWAYS AS (zhpolicy.tsvector(body)) STORED,
    tags    text[],
    updates int NOT NULL DEFAULT 0
);
\if :dist
SELECT create_distributed_table('docs', 'id', shard_count => 8);
SET citus.enable_unsafe_triggers = on;
\endif
-- counts the times tag_table writes a row's tags: each row must be tagged once per change
CREATE FUNCTION count_updates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updates := OLD.updates + 1;
    RETURN NEW;
END $$;
CREATE TRIGGER count_updates BEFORE UPDATE OF tags ON docs FOR EACH ROW EXECUTE FUNCTION count_updates();
INSERT INTO docs (id, body)
SELECT g, substr(s.t, 1 + (g * 7919) % greatest(length(s.t) - 3000, 1), 300 + (g * 131) % 2700)
FROM generate_series(1, 3000) g JOIN (SELECT row_number() OVER (ORDER BY f) - 1 AS k, t FROM src) s ON s.k = g % 5;
INSERT INTO docs (id, body) SELECT 100000 + row_number() OVER (ORDER BY f), t FROM src;
