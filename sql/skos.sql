-- SKOS in and out: export_skos, import_skos, rdf_triples; the round trip of the shipped
-- vocabulary, a third-party-style thesaurus, and bad documents (an error that names the line,
-- and nothing half loaded).
\getenv abs_srcdir PG_ABS_SRCDIR
\set sample :abs_srcdir '/test/vocabulary/skos/sample_thesaurus.ttl'
-- Imports fire a row trigger per label; with force_parallel_mode = regress (the suite's second
-- pass) each trigger query would start a parallel worker, minutes for a whole vocabulary.  The
-- functions' parallel labels are checked by the other files.
SET force_parallel_mode = off;

-- the triples, as the reader gives them (base and prefixes applied, the line each ends on)
SELECT line, subject, predicate, object, object_kind, lang
FROM zhpolicy.rdf_triples(E'@prefix ex: <http://example.org/> .\n\nex:a ex:p "多行\\n文字"@zh-Hans ;\n  ex:q [ ex:r ex:b ] .');
SELECT count(*) FROM zhpolicy.rdf_triples('<urn:x:a> <urn:x:b> "c" .', 'ntriples');

-- the round trip: export the shipped scheme, import it into a fresh scheme, compare
CREATE TEMP TABLE policy_ttl AS SELECT zhpolicy.export_skos('policy') AS doc;
SELECT left(doc, 120) AS head FROM policy_ttl;
SELECT zhpolicy.import_skos(doc, 'roundtrip', 'rt.') AS imported FROM policy_ttl;
WITH a AS (SELECT id, pref_label, broader, note, related, notation, weight FROM zhpolicy.concept WHERE scheme = 'policy'),
     b AS (SELECT substr(id, 4) AS id, pref_label, substr(broader, 4) AS broader, note,
                  ARRAY(SELECT substr(r, 4) FROM unnest(related) r) AS related, notation, weight
           FROM zhpolicy.concept WHERE scheme = 'roundtrip')
SELECT (SELECT count(*) FROM a) AS concepts, (SELECT count(*) FROM b) AS imported,
       (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b) x) AS lost,
       (SELECT count(*) FROM (SELECT * FROM b EXCEPT SELECT * FROM a) x) AS added;
WITH a AS (SELECT l.concept_id, l.label, l.kind FROM zhpolicy.concept_label l JOIN zhpolicy.concept c ON c.id = l.concept_id WHERE c.scheme = 'policy'),
     b AS (SELECT substr(l.concept_id, 4), l.label, l.kind FROM zhpolicy.concept_label l JOIN zhpolicy.concept c ON c.id = l.concept_id WHERE c.scheme = 'roundtrip')
SELECT (SELECT count(*) FROM a) AS labels, (SELECT count(*) FROM b) AS imported,
       (SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b) x) AS lost,
       (SELECT count(*) FROM (SELECT * FROM b EXCEPT SELECT * FROM a) x) AS added;
-- tagging with one scheme or the other gives the same concepts
SELECT (SELECT array_agg(substr(c, 4)) FROM unnest(zhpolicy.concepts(body, 0, ARRAY['roundtrip'])) c)
       = zhpolicy.concepts(body, 0, ARRAY['policy']) AS same_tags
FROM article ORDER BY file;
-- importing again replaces the scheme's contents (nothing doubles)
SELECT zhpolicy.import_skos(doc, 'roundtrip', 'rt.') AS again FROM policy_ttl;
SELECT count(*) FROM zhpolicy.concept WHERE scheme = 'roundtrip';
DELETE FROM zhpolicy.concept_scheme WHERE id = 'roundtrip';
SELECT count(*) AS left_over FROM zhpolicy.concept WHERE id LIKE 'rt.%';

-- a third-party-style thesaurus: prefixes, base, comments, multi-line literals, several languages
SELECT zhpolicy.import_skos(pg_read_file(:'sample'), 'energy', 'th.') AS imported;
SELECT id, pref_label, broader, notation, related, note, uri FROM zhpolicy.concept WHERE scheme = 'energy' ORDER BY id;
SELECT concept_id, label, kind FROM zhpolicy.concept_label WHERE concept_id LIKE 'th.%' ORDER BY 1, 2;
SELECT id, title, uri FROM zhpolicy.concept_scheme WHERE id = 'energy';
-- Traditional labels tag Simplified text and the other way round; other schemes stay out
SELECT concept_id, hits, matched FROM zhpolicy.tag('加快建设充電設施，发展新能源车和再生能源', ARRAY['energy']);
-- its export keeps the thesaurus's IRIs
SELECT line FROM regexp_split_to_table(zhpolicy.export_skos('energy'), E'\n') line
WHERE line ~ '^<http' ORDER BY 1;
-- and reads back to the same concepts
CREATE TEMP TABLE energy_before AS SELECT id, pref_label, broader, notation, related, note, uri FROM zhpolicy.concept WHERE scheme = 'energy';
SELECT zhpolicy.import_skos(zhpolicy.export_skos('energy'), 'energy') AS reimported;  -- ids as exported: no prefix again
SELECT count(*) AS differ FROM (SELECT id, pref_label, broader, notation, related, note, uri FROM zhpolicy.concept WHERE scheme = 'energy'
                                EXCEPT SELECT * FROM energy_before) x;
-- a scheme of your own under the shipped concepts: its links to them export and import
INSERT INTO zhpolicy.concept_scheme (id, title) VALUES ('mine', '我的概念');
INSERT INTO zhpolicy.concept (id, pref_label, broader, scheme) VALUES ('my.port', '星河数智港', 'regional.gba', 'mine');
SELECT line FROM regexp_split_to_table(zhpolicy.export_skos('mine'), E'\n') line WHERE line ~ 'broader|prefLabel';
SELECT zhpolicy.import_skos(replace(zhpolicy.export_skos('mine'), 'urn:zhpolicy:scheme:mine', 'urn:zhpolicy:scheme:mine2'), 'mine2', 'copy.') AS copied;
SELECT id, broader, scheme FROM zhpolicy.concept WHERE id LIKE 'copy.%';

-- bad documents: the error names the line; nothing is loaded
SELECT count(*) AS before FROM zhpolicy.concept;
SELECT zhpolicy.import_skos(E'@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<urn:x:a> a skos:Concept ;\n  skos:prefLabel "未闭合 .\n', 'bad');
SELECT zhpolicy.import_skos(E'<urn:x:a> a skos:Concept .', 'bad');
SELECT zhpolicy.import_skos(E'@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<urn:x:a> a skos:Concept ;\n  skos:prefLabel "甲"@zh ;\n  skos:broader <urn:x:nowhere> .', 'bad');
SELECT zhpolicy.import_skos(E'@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<urn:x:a> a skos:Concept ; skos:prefLabel "甲"@zh ; skos:broader <urn:x:b> .\n<urn:x:b> a skos:Concept ; skos:prefLabel "乙"@zh .\n<urn:x:b> skos:broader <urn:x:a> .', 'bad');
SELECT zhpolicy.import_skos(E'@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n<urn:x:a> a skos:Concept ; skos:prefLabel "A"@en .', 'bad');
SELECT zhpolicy.import_skos(E'@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<urn:x:cyber> a skos:Concept ; skos:prefLabel "网络安全"@zh .', 'bad');
SELECT zhpolicy.import_skos(E'@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<urn:x:a> a skos:Concept ; skos:prefLabel "——"@zh .', 'bad');
SELECT zhpolicy.import_skos(E'@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n_:b a skos:Concept ; skos:prefLabel "甲"@zh .', 'bad');
SELECT zhpolicy.import_skos('<urn:x:a> <urn:x:b> "c" .', 'bad scheme');
SELECT zhpolicy.import_skos('<urn:x:a> <urn:x:b> "c" .', 'bad', '', 'rdfxml');
-- (the share directory is masked, so the test passes on any installation of PostgreSQL)
DO $$
DECLARE
    hint text;
BEGIN
    PERFORM zhpolicy.import_skos_file('nonesuch', 'bad');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
    RAISE NOTICE '% (SQLSTATE %) %', regexp_replace(SQLERRM, '"/[^"]*/(tsearch_data|extension)/', '"SHAREDIR/\1/'),
        SQLSTATE, coalesce('HINT: ' || nullif(hint, ''), '');
END $$;
SELECT zhpolicy.export_skos('nonesuch');
SELECT count(*) AS after, (SELECT count(*) FROM zhpolicy.concept_scheme WHERE id = 'bad') AS bad_scheme FROM zhpolicy.concept;
DELETE FROM zhpolicy.concept_scheme WHERE id IN ('energy', 'mine', 'mine2');
