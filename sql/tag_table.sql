-- tag_table: batches, only new or changed rows, vocabulary changes, errors.
-- (its NOTICE lines report progress and a rate that varies: they are not compared here)
SET client_min_messages = warning;
CREATE TABLE news (id int PRIMARY KEY, body text, tags text[]);
INSERT INTO news SELECT g, CASE g % 3 WHEN 0 THEN '保护关键信息基础设施' WHEN 1 THEN '联合国大会召开' ELSE '今天天气很好' END
FROM generate_series(1, 10) g;
CALL zhpolicy.tag_table('news', 'body', 'tags', batch_size => 4);
SELECT id, tags FROM news ORDER BY id;
SELECT count(*) AS logged FROM zhpolicy.tag_log WHERE table_oid = 'news'::regclass AND tags_column = 'tags';
SELECT zhpolicy.tag_table_pending('news', 'body', 'tags') AS pending;

-- nothing to do the second time
CALL zhpolicy.tag_table('news', 'body', 'tags');

-- a changed text is tagged again, alone
UPDATE news SET body = '维护数据安全' WHERE id = 2;
CALL zhpolicy.tag_table('news', 'body', 'tags');
SELECT id, tags FROM news WHERE id = 2;

-- a vocabulary change re-tags every row
INSERT INTO zhpolicy.concept_label (concept_id, label) VALUES ('t.un', '天气');
CALL zhpolicy.tag_table('news', 'body', 'tags', batch_size => 100);
SELECT id, body, tags FROM news WHERE id IN (1, 5, 8) ORDER BY id;
DELETE FROM zhpolicy.concept_label WHERE concept_id = 't.un' AND label = '天气';

-- a run that stops half way (here: an error in row 7) keeps the batches it committed;
-- the next run does the rest, and only the rest
UPDATE news SET body = body || '。';
CREATE FUNCTION fail_on_7() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id = 7 THEN RAISE EXCEPTION 'stopped at row 7'; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER fail_on_7 BEFORE UPDATE OF tags ON news FOR EACH ROW EXECUTE FUNCTION fail_on_7();
\set VERBOSITY terse
CALL zhpolicy.tag_table('news', 'body', 'tags', batch_size => 3);
\set VERBOSITY default
SELECT count(*) FILTER (WHERE l.text_md5 = md5(n.body)) AS done_before_stop
FROM news n JOIN zhpolicy.tag_log l ON l.table_oid = 'news'::regclass AND l.pk = n.id::text;
DROP TRIGGER fail_on_7 ON news;
DROP FUNCTION fail_on_7();
SELECT max(tagged_at) AS before_resume FROM zhpolicy.tag_log WHERE table_oid = 'news'::regclass \gset
CALL zhpolicy.tag_table('news', 'body', 'tags', batch_size => 3);
SELECT count(*) FILTER (WHERE l.text_md5 = md5(n.body)) AS current, count(*) AS rows,
       count(*) FILTER (WHERE l.tagged_at > :'before_resume') AS tagged_on_resume
FROM news n JOIN zhpolicy.tag_log l ON l.table_oid = 'news'::regclass AND l.pk = n.id::text;

-- two runs at once (one in another connection) never tag the same row twice
CREATE TABLE race (id int PRIMARY KEY, body text, tags text[], updates int NOT NULL DEFAULT 0);
CREATE FUNCTION count_updates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updates := OLD.updates + 1;
    RETURN NEW;
END $$;
CREATE TRIGGER count_updates BEFORE UPDATE OF tags ON race FOR EACH ROW EXECUTE FUNCTION count_updates();
INSERT INTO race SELECT g, '保护关键信息基础设施，联合国大会' FROM generate_series(1, 600) g;
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT dblink_connect('racer', format('dbname=%s port=%s host=%s', current_database(),
       current_setting('port'), split_part(current_setting('unix_socket_directories'), ',', 1)));
SELECT dblink_send_query('racer', $$CALL zhpolicy.tag_table('race', 'body', 'tags', batch_size => 7)$$);
CALL zhpolicy.tag_table('race', 'body', 'tags', batch_size => 5);
SELECT * FROM dblink_get_result('racer') AS t(status text);
SELECT dblink_disconnect('racer');
SELECT count(*) FILTER (WHERE updates = 1) AS tagged_once, count(*) FILTER (WHERE updates <> 1) AS not_once
FROM race;
DROP TABLE race;
DROP FUNCTION count_updates();

-- a row deleted and inserted again with the same key and text is tagged again (its tags are gone)
DELETE FROM news WHERE id = 3;
INSERT INTO news (id, body) SELECT 3, body FROM news WHERE id = 6;
CALL zhpolicy.tag_table('news', 'body', 'tags');
SELECT id, tags FROM news WHERE id = 3;

-- a second tags column of the same table has its own log: tagging one never skips the other
ALTER TABLE news ADD COLUMN tags_strict text[];
CALL zhpolicy.tag_table('news', 'body', 'tags_strict', min_score => 1.5);
SELECT count(*) FILTER (WHERE tags_strict IS NOT NULL) AS tagged, count(*) AS rows FROM news;
-- a new min_score re-tags
CALL zhpolicy.tag_table('news', 'body', 'tags_strict', min_score => 1000);
SELECT count(*) FILTER (WHERE tags_strict = '{}') AS now_empty FROM news;

-- tables named with %, quotes and spaces, in a schema: each one is the table tagged
CREATE SCHEMA "odd schema";
CREATE TABLE "odd schema"."t%s" (id int PRIMARY KEY, body text, tags text[]);
CREATE TABLE "odd schema"."a%%b" (id int PRIMARY KEY, body text, tags text[]);
CREATE TABLE "odd schema"."a%b" (id int PRIMARY KEY, body text, tags text[]);
CREATE TABLE "odd schema"."it's ""quoted""" (id int PRIMARY KEY, body text, tags text[]);
INSERT INTO "odd schema"."t%s" VALUES (1, '联合国大会');
INSERT INTO "odd schema"."a%%b" VALUES (1, '保护关键信息基础设施');
INSERT INTO "odd schema"."a%b" VALUES (1, '联合国大会'), (2, '联合国大会');
INSERT INTO "odd schema"."it's ""quoted""" VALUES (1, '维护数据安全');
CALL zhpolicy.tag_table('"odd schema"."t%s"', 'body', 'tags');
CALL zhpolicy.tag_table('"odd schema"."a%%b"', 'body', 'tags');
CALL zhpolicy.tag_table('"odd schema"."it''s ""quoted"""', 'body', 'tags');
SELECT 't%s' AS t, * FROM "odd schema"."t%s"
UNION ALL SELECT 'a%%b', * FROM "odd schema"."a%%b"
UNION ALL SELECT 'a%b', * FROM "odd schema"."a%b"
UNION ALL SELECT 'quoted', * FROM "odd schema"."it's ""quoted""" ORDER BY 1, 2;
SELECT table_oid, count(*) FROM zhpolicy.tag_log WHERE table_oid::oid IN
    (SELECT oid FROM pg_class WHERE relnamespace = '"odd schema"'::regnamespace) GROUP BY 1 ORDER BY table_oid::text COLLATE "C";

-- the same table reached through two search paths is one table: the second run tags nothing
CREATE TABLE public.ud (id int PRIMARY KEY, body text, tags text[], updates int NOT NULL DEFAULT 0);
CREATE FUNCTION public.count_ud_updates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updates := OLD.updates + 1;
    RETURN NEW;
END $$;
CREATE TRIGGER count_ud_updates BEFORE UPDATE OF tags ON public.ud FOR EACH ROW EXECUTE FUNCTION public.count_ud_updates();
INSERT INTO public.ud (id, body) SELECT g, '联合国大会' FROM generate_series(1, 50) g;
SET search_path = public;
CALL zhpolicy.tag_table('ud', 'body', 'tags');
SET search_path = "odd schema", pg_catalog;
CALL zhpolicy.tag_table('public.ud', 'body', 'tags');
RESET search_path;
SELECT count(*) FILTER (WHERE updates = 1) AS tagged_once, count(*) FILTER (WHERE updates <> 1) AS not_once FROM ud;
DROP TABLE ud;
DROP FUNCTION count_ud_updates();

-- a partitioned table (a partition per year, as archives are kept)
CREATE TABLE archive (id int PRIMARY KEY, body text, tags text[]) PARTITION BY RANGE (id);
CREATE TABLE archive_1 PARTITION OF archive FOR VALUES FROM (0) TO (100);
CREATE TABLE archive_2 PARTITION OF archive FOR VALUES FROM (100) TO (200);
INSERT INTO archive (id, body) SELECT g, CASE WHEN g % 2 = 0 THEN '联合国大会' ELSE '保护关键信息基础设施' END FROM generate_series(1, 199) g;
CALL zhpolicy.tag_table('archive', 'body', 'tags', batch_size => 60);
SELECT tableoid::regclass AS part, count(*) AS rows, count(*) FILTER (WHERE tags IS NOT NULL) AS tagged,
       count(DISTINCT tags) AS distinct_tags FROM archive GROUP BY 1 ORDER BY 1;
SELECT zhpolicy.tag_table_pending('archive', 'body', 'tags') AS pending;
DROP TABLE archive;

-- errors name what is wrong and change nothing
CALL zhpolicy.tag_table('no_such_table', 'body', 'tags');
CALL zhpolicy.tag_table('news', 'no_such_column', 'tags');
CALL zhpolicy.tag_table('news', 'body', 'no_such_column');
CREATE TABLE bad_types (id int PRIMARY KEY, body int, tags text);
CALL zhpolicy.tag_table('bad_types', 'body', 'tags');
ALTER TABLE bad_types ALTER COLUMN body TYPE text;
CALL zhpolicy.tag_table('bad_types', 'body', 'tags');
CREATE TABLE no_pk (body text, tags text[]);
CALL zhpolicy.tag_table('no_pk', 'body', 'tags');
CALL zhpolicy.tag_table('news', 'body', 'tags', batch_size => 0);
BEGIN;
CALL zhpolicy.tag_table('news', 'body', 'tags');
ROLLBACK;
CALL zhpolicy.tag_table(NULL, 'body', 'tags');
CALL zhpolicy.tag_table('news', 'body', 'tags', min_score => NULL);
DROP TABLE bad_types, no_pk;
DROP SCHEMA "odd schema" CASCADE;
