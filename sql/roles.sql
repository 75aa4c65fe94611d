-- Roles: an application role that was granted nothing uses every read path; writes need a
-- grant and the error names it; a table's owner runs tag_table; a database owner who is not
-- a superuser installs the extension (it is trusted) and administers it.
\set regress_superuser :USER
\set regress_db :DBNAME
CREATE ROLE regress_zp_app LOGIN;
CREATE ROLE regress_zp_editor LOGIN;
CREATE SCHEMA regress_app AUTHORIZATION regress_zp_app;
GRANT SELECT ON article TO regress_zp_app;
-- the recipe of the README: who may edit user words and the vocabulary
GRANT INSERT, UPDATE, DELETE ON zhpolicy.user_word TO regress_zp_editor;
GRANT INSERT, UPDATE, DELETE ON zhpolicy.concept, zhpolicy.concept_label TO regress_zp_editor;
SELECT zhpolicy.collect_df('article', 'body', 'roles test') AS documents;
-- a partitioned table with the ranked recipe, of which the application may read the parent only
CREATE TABLE ranked_parts (id bigint PRIMARY KEY, body text,
    rank_sketch bytea GENERATED ALWAYS AS (zhpolicy.rank_sketch(body)) STORED) PARTITION BY RANGE (id);
CREATE TABLE ranked_parts_low PARTITION OF ranked_parts FOR VALUES FROM (MINVALUE) TO (3);
CREATE TABLE ranked_parts_high PARTITION OF ranked_parts FOR VALUES FROM (3) TO (MAXVALUE);
INSERT INTO ranked_parts (id, body) SELECT row_number() OVER (ORDER BY file), body FROM article;
CREATE INDEX ON ranked_parts USING gin (body zhpolicy.gin_bigram_ops);
CREATE INDEX ON ranked_parts USING gin (zhpolicy.rank_tiers(body));
ANALYZE ranked_parts;
GRANT SELECT ON ranked_parts TO regress_zp_app;

-- a new connection of the application role: nothing cached yet in this backend
\c - regress_zp_app
SELECT current_user, to_tsvector('zhpolicy', '数字经济') AS fine, to_tsvector('zhpolicy_compound', '知识产权') AS compound;
SELECT to_tsquery('zhpolicy', '数字经济') AS q1, websearch_to_tsquery('zhpolicy', '"网络安全" 数据') AS q2,
       phraseto_tsquery('zhpolicy', '网络安全') AS q3, plainto_tsquery('zhpolicy', '网络') AS q4;
SELECT ts_headline('zhpolicy', '我们要维护网络安全和数据安全。', websearch_to_tsquery('zhpolicy', '网络安全')) AS headline;
SELECT zhpolicy.snippet('我们要维护网络安全和数据安全。', '网络安全 "数据"', context => 3) AS snippet,
       ts_headline('zhpolicy', repeat('数据要素市场，', 3000) || '维护网络安全。', to_tsquery('zhpolicy', '网络安全')) AS long_headline;
SELECT zhpolicy.tsvector('保护关键信息基础设施') = to_tsvector('zhpolicy', '保护关键信息基础设施') AS same_tsvector,
       zhpolicy.tsvector('zhpolicy_compound', '知识产权') = to_tsvector('zhpolicy_compound', '知识产权') AS same_compound;
SELECT zhpolicy.segment('保护关键信息基础设施') AS fine, zhpolicy.segment('保护关键信息基础设施', 'compound') AS compound;
SELECT zhpolicy.clean(E'# 标题\n\n正文第一段') AS cleaned, (zhpolicy.parse_article(E'标题\n2023年11月8日\n正文')).published;
SELECT concept_id, hits FROM zhpolicy.tag('保护关键信息基础设施，落实数据安全法。') ORDER BY concept_id COLLATE "C";
SELECT count(*) AS spans FROM zhpolicy.tag_spans('保护关键信息基础设施，落实数据安全法。');
SELECT zhpolicy.concepts('联合国大会召开') AS concepts, zhpolicy.concept_query('t.cyber.data') AS concept_query;
SELECT count(*) AS narrower FROM zhpolicy.narrower('t.cyber');
SELECT zhpolicy.concepts('推进粤港澳大湾区建设', 0, ARRAY['policy']) AS by_scheme,
       (SELECT count(*) FROM zhpolicy.tag('推进粤港澳大湾区建设', ARRAY['local'])) AS local_tags,
       length(zhpolicy.export_skos('policy')) > 100000 AS exported,
       (SELECT count(*) FROM zhpolicy.rdf_triples('<urn:x:a> <urn:x:b> "c" .')) AS triples;
SELECT term, tf FROM zhpolicy.keywords('保护关键信息基础设施，保护数据安全。', 2, 'roles test');
SELECT zhpolicy.vocabulary_version() > 0 AS version, length(zhpolicy.vocabulary_fingerprint()) AS fingerprint_length,
       (SELECT count(*) FROM zhpolicy.vocabulary_file('policy')) > 100 AS shipped_file;
SELECT count(*) AS found FROM article WHERE tsv @@ websearch_to_tsquery('zhpolicy', '网络安全');
SELECT zhpolicy.rank_terms('网络安全 数据') AS rank_terms, zhpolicy.rank('维护网络安全', '网络安全') > 0 AS ranked,
       (zhpolicy.rank_query('网络安全 数据', 'article', 'body')).df AS df,
       (SELECT count(*) FROM zhpolicy.rank_explain('维护网络安全', zhpolicy.rank_query('网络安全'))) AS explained,
       zhpolicy.rank_bound(zhpolicy.rank_sketch('维护网络安全'), zhpolicy.rank_query('网络安全')) > 0 AS bounded;
SELECT zhpolicy.contains('保护关键信息基础设施', '信息基础') AS contains, zhpolicy.occurrences('网络网络', '网络') AS occurrences,
       '保护关键信息基础设施' OPERATOR(zhpolicy.&@) '关键' AS operator;
-- the whole-document recipe in the application's own schema: its index, &@, LIKE and ILIKE through it
CREATE TABLE regress_app.longdocs (id bigint PRIMARY KEY, body text);
INSERT INTO regress_app.longdocs SELECT row_number() OVER (ORDER BY file), repeat(body, 3) FROM article;
CREATE INDEX ON regress_app.longdocs USING gin (body zhpolicy.gin_bigram_ops);
SET enable_seqscan = off;
SELECT array_agg(id ORDER BY id) AS contains_ids FROM regress_app.longdocs WHERE body OPERATOR(zhpolicy.&@) '网络空间';
SELECT array_agg(id ORDER BY id) AS like_ids FROM regress_app.longdocs WHERE body LIKE '%网络空间%';
SELECT array_agg(id ORDER BY id) AS ilike_ids FROM regress_app.longdocs WHERE body ILIKE '%网络空间%';
SELECT array_agg(id ORDER BY id) AS strpos_ids FROM regress_app.longdocs WHERE strpos(body, '网络空间') > 0;
RESET enable_seqscan;
-- the ranked recipe: the rank sketch column and the tier index, in the application's schema
ALTER TABLE regress_app.longdocs ADD COLUMN rank_sketch bytea GENERATED ALWAYS AS (zhpolicy.rank_sketch(body)) STORED;
CREATE INDEX ON regress_app.longdocs USING gin (zhpolicy.rank_tiers(body));
SELECT array_agg(d.id ORDER BY t.score DESC, d.id) AS top_ids,
       (SELECT array_agg(id ORDER BY s DESC, id) FROM (
            SELECT id, zhpolicy.rank(body, zhpolicy.rank_query('网络空间 发展', 'regress_app.longdocs', 'body')) AS s
            FROM regress_app.longdocs ORDER BY 2 DESC, 1) x WHERE s > 0) AS by_order_by
FROM zhpolicy.rank_top('regress_app.longdocs', 'body', 'rank_sketch', '网络空间 发展') t
JOIN regress_app.longdocs d ON d.ctid = t.row_ctid;
-- the same on a partitioned table the role may read only through its parent
SELECT array_agg(d.id ORDER BY t.score DESC, d.id) AS partitioned_top_ids,
       (SELECT array_agg(id ORDER BY s DESC, id) FROM (
            SELECT id, zhpolicy.rank(body, zhpolicy.rank_query('网络空间 发展', 'ranked_parts', 'body')) AS s
            FROM ranked_parts ORDER BY 2 DESC, 1) x WHERE s > 0) AS by_order_by
FROM zhpolicy.rank_top('ranked_parts', 'body', 'rank_sketch', '网络空间 发展') t
JOIN ranked_parts d ON d.tableoid = t.row_table AND d.ctid = t.row_ctid;
SELECT count(*) AS partition_refused FROM ranked_parts_low;
DROP TABLE regress_app.longdocs;

-- writes without a grant: SQLSTATE 42501, and the error of the extension's functions names the grant
INSERT INTO zhpolicy.user_word (word) VALUES ('星河数智港');
DELETE FROM zhpolicy.concept WHERE id = 't.un';
SELECT zhpolicy.load_vocabulary();
SELECT zhpolicy.unload_vocabulary();
SELECT zhpolicy.import_skos('<urn:x:a> a <http://www.w3.org/2004/02/skos/core#Concept> .', 'app');
SELECT zhpolicy.collect_df('article', 'body');
DO $$
BEGIN
    PERFORM zhpolicy.load_vocabulary();
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'load_vocabulary refused with SQLSTATE %', SQLSTATE;
END $$;
DO $$
BEGIN
    INSERT INTO zhpolicy.user_word (word) VALUES ('星河数智港');
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'user_word insert refused with SQLSTATE %', SQLSTATE;
END $$;

-- the owner of a table tags it; its log rows are its own, nobody else's are visible or writable
SET client_min_messages = warning;
CREATE TABLE regress_app.docs (id bigint PRIMARY KEY, body text, tags text[]);
INSERT INTO regress_app.docs VALUES (1, '保护关键信息基础设施'), (2, '联合国大会召开'), (3, '今天天气很好');
CALL zhpolicy.tag_table('regress_app.docs', 'body', 'tags', batch_size => 2);
SELECT id, tags FROM regress_app.docs ORDER BY id;
CALL zhpolicy.tag_table('regress_app.docs', 'body', 'tags');
SELECT zhpolicy.tag_table_pending('regress_app.docs', 'body', 'tags') AS pending;
SELECT table_oid, count(*) AS logged FROM zhpolicy.tag_log GROUP BY 1;
RESET client_min_messages;
INSERT INTO zhpolicy.tag_log (table_oid, tags_column, pk, text_md5, fingerprint) VALUES ('public.news', 'tags', '1', '', '');
CALL zhpolicy.tag_table('public.news', 'body', 'tags');

-- an editor granted the recipe's privileges edits words and the vocabulary; every role sees it
\c - regress_zp_editor
INSERT INTO zhpolicy.user_word (word) VALUES ('星河数智港');
INSERT INTO zhpolicy.concept (id, pref_label, broader) VALUES ('t.port', '数智港', NULL);
SELECT zhpolicy.load_vocabulary() > 100 AS editor_may_load;
-- deleting a shipped concept is remembered (the editor needs no right on the record)
DELETE FROM zhpolicy.concept WHERE id = 'agri.rural_toilet';
SELECT id FROM zhpolicy.concept_removed;
SELECT zhpolicy.load_vocabulary() > 100 AS editor_reloads;
SELECT zhpolicy.load_vocabulary('policy', restore_removed => true);
\c - regress_zp_app
SELECT zhpolicy.segment('星河数智港建设') AS with_user_word, zhpolicy.concepts('星河数智港建设') AS with_new_concept;
\c - regress_zp_editor
DELETE FROM zhpolicy.user_word WHERE word = '星河数智港';
DELETE FROM zhpolicy.concept WHERE id = 't.port';

-- a database owner who is not a superuser installs the extension and administers it
\c - :regress_superuser
SELECT zhpolicy.load_vocabulary('policy', restore_removed => true) > 100 AS restored;
SELECT count(*) AS removed FROM zhpolicy.concept_removed;
CREATE ROLE regress_zp_dbowner LOGIN;
CREATE DATABASE regress_zp_trusted OWNER regress_zp_dbowner ENCODING 'UTF8' TEMPLATE template0;
\c regress_zp_trusted regress_zp_dbowner
SELECT rolsuper FROM pg_roles WHERE rolname = current_user;
CREATE EXTENSION zhpolicy;
SELECT extname, extowner::regrole, extversion FROM pg_extension WHERE extname = 'zhpolicy';
INSERT INTO zhpolicy.user_word (word) VALUES ('星河数智港');
SELECT zhpolicy.segment('星河数智港建设') AS owner_user_word;
SELECT zhpolicy.load_vocabulary() > 100 AS owner_may_load;
-- CREATE EXTENSION loaded the shipped vocabulary; the owner may remove it, and import a scheme
SELECT count(*) > 2000 AS loaded_at_create FROM zhpolicy.concept WHERE scheme = 'policy';
SELECT concept_id FROM zhpolicy.tag('推进粤港澳大湾区建设') LIMIT 1;
SELECT zhpolicy.import_skos('@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://example.org/t/port> a skos:Concept ; skos:prefLabel "数智港"@zh .', 'mine') AS imported;
SELECT zhpolicy.unload_vocabulary() > 2000 AS unloaded;
SELECT scheme, count(*) AS left_over FROM zhpolicy.concept GROUP BY 1;
SELECT concept_id FROM zhpolicy.tag('推进粤港澳大湾区建设和数智港');
GRANT INSERT, UPDATE, DELETE ON zhpolicy.user_word TO regress_zp_app;
\c - regress_zp_app
SELECT to_tsvector('zhpolicy', '星河数智港') AS app_in_trusted_db;
DELETE FROM zhpolicy.user_word WHERE word = '星河数智港';
\c :regress_db :regress_superuser
DROP DATABASE regress_zp_trusted;
DROP ROLE regress_zp_dbowner;
DROP SCHEMA regress_app CASCADE;
DELETE FROM zhpolicy.term_df WHERE corpus = 'roles test';
DELETE FROM zhpolicy.df_corpus WHERE corpus = 'roles test';
REVOKE ALL ON zhpolicy.user_word, zhpolicy.concept, zhpolicy.concept_label FROM regress_zp_editor;
REVOKE ALL ON article FROM regress_zp_app;
DROP TABLE ranked_parts;
DROP ROLE regress_zp_app, regress_zp_editor;
