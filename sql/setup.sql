-- Install the extension and load the article corpus (test/corpus) into a table
-- that the other tests share.
CREATE EXTENSION zhpolicy;
\getenv abs_srcdir PG_ABS_SRCDIR
\set corpus :abs_srcdir '/test/corpus/'
CREATE TABLE article AS
SELECT f AS file, pg_read_file(:'corpus' || f) AS raw
FROM pg_ls_dir(:'corpus') AS f
WHERE f LIKE '%.txt';
ALTER TABLE article ADD COLUMN body text, ADD COLUMN title text, ADD COLUMN tsv tsvector;
UPDATE article a SET body = p.body, title = p.title
FROM article b, zhpolicy.parse_article(b.raw) p WHERE a.file = b.file;
UPDATE article SET tsv = to_tsvector('zhpolicy', body);
CREATE INDEX article_tsv_idx ON article USING gin (tsv);
SELECT file, length(raw) > 5000 AS has_text, title FROM article ORDER BY file;
