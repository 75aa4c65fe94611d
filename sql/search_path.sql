-- A hostile search_path: look-alike functions, aggregates and operators come first and raise an
-- error when called.  Every user-facing function gives the same results as under a normal
-- search_path, and none of the look-alikes is called.  (The test's own queries qualify names.)
CREATE SCHEMA hostile;
CREATE FUNCTION hostile.trap() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
DO $$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY[
        'strpos(text, text) RETURNS int', 'lower(text) RETURNS text', 'upper(text) RETURNS text',
        'md5(text) RETURNS text', 'btrim(text) RETURNS text', 'btrim(text, text) RETURNS text',
        'left(text, int) RETURNS text', 'length(text) RETURNS int', 'char_length(text) RETURNS int',
        'replace(text, text, text) RETURNS text', 'split_part(text, text, int) RETURNS text',
        'regexp_replace(text, text, text, text) RETURNS text', 'regexp_match(text, text) RETURNS text[]',
        'string_to_array(text, text) RETURNS text[]', 'array_to_string(anyarray, text) RETURNS text',
        'unnest(anyarray) RETURNS SETOF anyelement', 'format(text, text) RETURNS text',
        'format(text, text, text) RETURNS text', 'format(text, name, name, regclass, name) RETURNS text',
        'make_date(int, int, int) RETURNS date', 'has_table_privilege(text, text) RETURNS boolean',
        'has_table_privilege(oid, text) RETURNS boolean', 'now() RETURNS timestamptz',
        'clock_timestamp() RETURNS timestamptz', 'pg_advisory_xact_lock(int, int) RETURNS void',
        'websearch_to_tsquery(regconfig, text) RETURNS tsquery', 'ts_lexize(regdictionary, text) RETURNS text[]',
        'ln(numeric) RETURNS numeric', 'round(numeric, int) RETURNS numeric',
        'text_eq(text, text) RETURNS boolean', 'text_ne(text, text) RETURNS boolean',
        'text_cat(text, text) RETURNS text', 'text_re(text, text) RETURNS boolean',
        'int8_eq(bigint, bigint) RETURNS boolean', 'int8_add(bigint, bigint) RETURNS bigint',
        'int4_lt(int, int) RETURNS boolean', 'agg_step(text, text) RETURNS text',
        'agg_step3(text, text, text) RETURNS text',
        'count_step(bigint) RETURNS bigint', 'octet_length(text) RETURNS int',
        'regexp_matches(text, text, text) RETURNS SETOF text[]', 'generate_series(int, int) RETURNS SETOF int',
        'cardinality(anyarray) RETURNS int', 'ln(float8) RETURNS float8']
    LOOP
        EXECUTE format('CREATE FUNCTION hostile.%s LANGUAGE plpgsql AS $f$ BEGIN RAISE EXCEPTION ''hostile %s called''; END $f$',
                       f, split_part(f, '(', 1));
    END LOOP;
END $$;
CREATE OPERATOR hostile.= (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.text_eq);
CREATE OPERATOR hostile.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.text_ne);
CREATE OPERATOR hostile.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.text_cat);
CREATE OPERATOR hostile.~ (LEFTARG = text, RIGHTARG = text, FUNCTION = hostile.text_re);
CREATE OPERATOR hostile.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = hostile.int8_eq);
CREATE OPERATOR hostile.+ (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = hostile.int8_add);
CREATE OPERATOR hostile.< (LEFTARG = int, RIGHTARG = int, FUNCTION = hostile.int4_lt);
CREATE AGGREGATE hostile.array_agg(text) (SFUNC = hostile.agg_step, STYPE = text);
CREATE AGGREGATE hostile.string_agg(text, text) (SFUNC = hostile.agg_step3, STYPE = text);
CREATE AGGREGATE hostile.count(*) (SFUNC = hostile.count_step, STYPE = bigint);
CREATE COLLATION hostile."C" (provider = icu, locale = 'und');
CREATE TABLE hostile_docs (id int PRIMARY KEY, body text, tags text[]);
INSERT INTO hostile_docs SELECT g, b.body FROM generate_series(1, 5) g
    JOIN (SELECT row_number() OVER (ORDER BY file) AS n, body FROM article) b ON b.n = g;
CREATE TABLE hostile_docs_2 (LIKE hostile_docs INCLUDING ALL);
INSERT INTO hostile_docs_2 SELECT * FROM hostile_docs;
CREATE TABLE hostile_docs_3 (id int PRIMARY KEY, body text,
    rank_sketch bytea GENERATED ALWAYS AS (zhpolicy.rank_sketch(body)) STORED);
INSERT INTO hostile_docs_3 SELECT id, body FROM hostile_docs;
CREATE INDEX ON hostile_docs_3 USING gin (body zhpolicy.gin_bigram_ops);
CREATE INDEX hostile_docs_text_idx ON hostile_docs USING gin (body zhpolicy.gin_bigram_ops);
CREATE TABLE hostile_docs_4 (LIKE hostile_docs_3 INCLUDING ALL);
INSERT INTO hostile_docs_4 (id, body) SELECT id, body FROM hostile_docs;
CREATE INDEX ON hostile_docs_4 USING gin (zhpolicy.rank_tiers(body));

-- every function once, each result as text; run under both search paths
\set queries 'SELECT ''to_tsvector'' AS f, pg_catalog.to_tsvector(''zhpolicy'', body)::text AS r FROM public.hostile_docs UNION ALL SELECT ''compound'', pg_catalog.to_tsvector(''zhpolicy_compound'', body)::text FROM public.hostile_docs UNION ALL SELECT ''zhpolicy.tsvector'', zhpolicy.tsvector(body)::text FROM public.hostile_docs UNION ALL SELECT ''queries'', pg_catalog.concat(pg_catalog.to_tsquery(''zhpolicy'', ''网络安全''), pg_catalog.websearch_to_tsquery(''zhpolicy'', ''"数字经济" -网络''), pg_catalog.phraseto_tsquery(''zhpolicy'', ''人类命运共同体''), pg_catalog.plainto_tsquery(''zhpolicy'', ''数据'')) UNION ALL SELECT ''headline'', pg_catalog.ts_headline(''zhpolicy'', body, pg_catalog.websearch_to_tsquery(''zhpolicy'', ''网络空间'')) FROM public.hostile_docs UNION ALL SELECT ''snippet'', zhpolicy.snippet(body, ''网络 "数字经济"'', html => true) FROM public.hostile_docs UNION ALL SELECT ''long headline'', pg_catalog.ts_headline(''zhpolicy'', pg_catalog.repeat(body, 3), pg_catalog.websearch_to_tsquery(''zhpolicy'', ''网络空间''), ''MaxFragments=2'') FROM public.hostile_docs UNION ALL SELECT ''segment'', zhpolicy.segment(body)::text FROM public.hostile_docs UNION ALL SELECT ''clean'', zhpolicy.clean(body) FROM public.hostile_docs UNION ALL SELECT ''parse_article'', zhpolicy.parse_article(body)::text FROM public.hostile_docs UNION ALL SELECT ''tag'', t::text FROM public.hostile_docs, zhpolicy.tag(body) t UNION ALL SELECT ''tag_spans'', t::text FROM public.hostile_docs, zhpolicy.tag_spans(body) t UNION ALL SELECT ''concepts'', zhpolicy.concepts(body)::text FROM public.hostile_docs UNION ALL SELECT ''concept_query'', zhpolicy.concept_query(''t.cyber'')::text UNION ALL SELECT ''narrower'', n::text FROM zhpolicy.narrower(''t.cyber'') n UNION ALL SELECT ''keywords'', k::text FROM public.hostile_docs, zhpolicy.keywords(body, 3) k UNION ALL SELECT ''contains'', pg_catalog.concat(zhpolicy.contains(body, ''网络''), zhpolicy.occurrences(body, ''网络'')) FROM public.hostile_docs UNION ALL SELECT ''text index &@'', d.id::text FROM public.hostile_docs d WHERE d.body OPERATOR(zhpolicy.&@) ''网络空间'' UNION ALL SELECT ''text index like'', d.id::text FROM public.hostile_docs d WHERE d.body OPERATOR(pg_catalog.~~) ''%数字经济%'' UNION ALL SELECT ''rank'', pg_catalog.round(zhpolicy.rank(body, zhpolicy.rank_query(''网络安全 数据'', ''public.hostile_docs'', ''body''))::pg_catalog.numeric, 6)::text FROM public.hostile_docs UNION ALL SELECT ''rank_explain'', e::text FROM public.hostile_docs, zhpolicy.rank_explain(body, zhpolicy.rank_query(''网络安全'')) e UNION ALL SELECT ''rank_top'', pg_catalog.round(t.score::pg_catalog.numeric, 6)::text FROM zhpolicy.rank_top(''public.hostile_docs_3'', ''body'', ''rank_sketch'', ''网络安全 数据'') t UNION ALL SELECT ''rank_top tiers'', pg_catalog.round(t.score::pg_catalog.numeric, 6)::text FROM zhpolicy.rank_top(''public.hostile_docs_4'', ''body'', ''rank_sketch'', ''网络安全 数据'') t UNION ALL SELECT ''rank_tiers'', pg_catalog.md5(zhpolicy.rank_tiers(body)::text) FROM public.hostile_docs UNION ALL SELECT ''keyword_term_set'', zhpolicy.keyword_term_set(body)::text FROM public.hostile_docs UNION ALL SELECT ''is_citus_table'', zhpolicy.is_citus_table(''public.hostile_docs'')::text UNION ALL SELECT ''tag by scheme'', t::text FROM public.hostile_docs, zhpolicy.tag(body, ARRAY[''policy'']) t UNION ALL SELECT ''concepts by scheme'', zhpolicy.concepts(body, 0, ARRAY[''policy''])::text FROM public.hostile_docs UNION ALL SELECT ''export_skos'', pg_catalog.md5(zhpolicy.export_skos(''policy'')) UNION ALL SELECT ''rdf_triples'', t::text FROM zhpolicy.rdf_triples(''@prefix s: <http://www.w3.org/2004/02/skos/core#> . <urn:x:a> s:prefLabel "甲"@zh .'') t UNION ALL SELECT ''fingerprint'', zhpolicy.vocabulary_fingerprint() UNION ALL SELECT ''pending'', zhpolicy.tag_table_pending(''public.hostile_docs_2'', ''body'', ''tags'')::text'

-- normal search path first
SELECT zhpolicy.collect_df('public.article', 'body') AS documents;
SET enable_seqscan = off;  -- the text index serves the &@ and LIKE rows
CREATE TABLE normal_run AS :queries;
RESET enable_seqscan;
SET client_min_messages = warning;
CALL zhpolicy.tag_table('hostile_docs', 'body', 'tags');
RESET client_min_messages;

-- a new connection (empty caches) whose search path puts the look-alikes first
\c
SET search_path = hostile, pg_catalog, public;
-- caches load, vocabulary and user words change, under the hostile path
INSERT INTO zhpolicy.user_word (word) VALUES ('网络空间命运');
DELETE FROM zhpolicy.user_word WHERE word OPERATOR(pg_catalog.=) '网络空间命运';
INSERT INTO zhpolicy.concept (id, pref_label, broader) VALUES ('t.hostile', '敌意测试', 't.cyber');
UPDATE zhpolicy.concept SET note = 'x' WHERE id OPERATOR(pg_catalog.=) 't.hostile';
DELETE FROM zhpolicy.concept WHERE id OPERATOR(pg_catalog.=) 't.hostile';
SELECT zhpolicy.load_vocabulary() OPERATOR(pg_catalog.>) 100 AS loaded;
SELECT zhpolicy.import_skos(zhpolicy.export_skos('local'), 'hostile_copy', 'hc.') OPERATOR(pg_catalog.>) 3 AS imported;
DELETE FROM zhpolicy.concept_scheme WHERE id OPERATOR(pg_catalog.=) 'hostile_copy';
SELECT zhpolicy.collect_df('public.article', 'body') AS documents;
SET enable_seqscan = off;
CREATE TEMP TABLE hostile_run AS :queries;
RESET enable_seqscan;
SET client_min_messages = warning;
CALL zhpolicy.tag_table('public.hostile_docs_2', 'body', 'tags');
RESET client_min_messages;
RESET search_path;

-- the same results, function by function
SELECT f, count(*) > 0 AS has_rows, bool_and(same) AS same
FROM (SELECT n.f, n.r IS NOT DISTINCT FROM h.r AS same
      FROM (SELECT f, r, row_number() OVER (PARTITION BY f ORDER BY r COLLATE "C") AS k FROM normal_run) n
      FULL JOIN (SELECT f, r, row_number() OVER (PARTITION BY f ORDER BY r COLLATE "C") AS k FROM hostile_run) h
      ON n.f = h.f AND n.k = h.k) x
GROUP BY f ORDER BY f;
SELECT count(*) AS rows, count(*) FILTER (WHERE a.tags = b.tags) AS same_tags
FROM hostile_docs a JOIN hostile_docs_2 b USING (id);
DROP TABLE hostile_docs, hostile_docs_2, hostile_docs_3, hostile_docs_4, normal_run;
SET client_min_messages = warning;
DROP SCHEMA hostile CASCADE;
RESET client_min_messages;
