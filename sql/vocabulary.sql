-- The vocabulary tables: a vocabulary of our own, every bad row, versions, the shipped vocabulary.
-- a small vocabulary of our own
INSERT INTO zhpolicy.concept (id, pref_label, broader) VALUES
  ('t.cyber', '网络安全', NULL),
  ('t.cyber.cii', '关键信息基础设施', 't.cyber'),
  ('t.cyber.data', '数据安全', 't.cyber'),
  ('t.cyber.data.law', '数据安全法', 't.cyber.data'),
  ('t.un', '联合国', NULL),
  ('t.ai', 'AI', NULL);
INSERT INTO zhpolicy.concept_label (concept_id, label, weight) VALUES
  ('t.cyber.cii', '关基', 1), ('t.ai', '人工智能', 1), ('t.cyber', '網絡安全', 0.5);

-- bad vocabulary rows get a clear error and change nothing
INSERT INTO zhpolicy.concept (id, pref_label) VALUES ('t.bad', '');
INSERT INTO zhpolicy.concept (id, pref_label) VALUES ('t.bad', '   ');
INSERT INTO zhpolicy.concept (id, pref_label) VALUES ('t.bad', '，。！');
INSERT INTO zhpolicy.concept_label (concept_id, label) VALUES ('t.un', ' ');
INSERT INTO zhpolicy.concept_label (concept_id, label) VALUES ('t.un', '——');
INSERT INTO zhpolicy.concept (id, pref_label, broader) VALUES ('t.bad', '测试', 't.nowhere');
UPDATE zhpolicy.concept SET broader = 't.cyber.data.law' WHERE id = 't.cyber';
UPDATE zhpolicy.concept SET broader = 't.un' WHERE id = 't.un';
INSERT INTO zhpolicy.concept (id, pref_label) VALUES ('bad id', '测试');
SELECT zhpolicy.concept_query('no such concept');
SELECT count(*) AS concepts FROM zhpolicy.concept WHERE id LIKE 't.%';

-- the shipped vocabulary loads (again: nothing doubles)
SELECT zhpolicy.load_vocabulary() > 150 AS loaded;
SELECT zhpolicy.load_vocabulary() = (SELECT count(*) FROM zhpolicy.vocabulary_file('policy')) AS reloaded;
SELECT count(*) >= 150 AS at_least_150, count(*) FILTER (WHERE broader IS NOT NULL) > 100 AS hierarchical
FROM zhpolicy.concept WHERE id NOT LIKE 't.%';
SELECT zhpolicy.vocabulary_file('../../etc/passwd');
-- (the share directory is masked, so the test passes on any installation of PostgreSQL)
DO $$
DECLARE
    hint text;
BEGIN
    PERFORM zhpolicy.vocabulary_file('nonesuch');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
    RAISE NOTICE '% (SQLSTATE %) %', regexp_replace(SQLERRM, '"/[^"]*/(tsearch_data|extension)/', '"SHAREDIR/\1/'),
        SQLSTATE, coalesce('HINT: ' || nullif(hint, ''), '');
END $$;
SELECT zhpolicy.vocabulary_file(NULL) IS NULL AS null_in_null_out;
-- a change to the vocabulary bumps its version
SELECT zhpolicy.vocabulary_version() > 1 AS version_bumped;

-- related concepts and hidden labels
UPDATE zhpolicy.concept SET related = '{t.un}' WHERE id = 't.ai';
UPDATE zhpolicy.concept SET related = '{t.nowhere}' WHERE id = 't.ai';
UPDATE zhpolicy.concept SET related = '{t.ai}' WHERE id = 't.ai';
INSERT INTO zhpolicy.concept_label (concept_id, label, kind) VALUES ('t.ai', '人工智障', 'hidden');
INSERT INTO zhpolicy.concept_label (concept_id, label, kind) VALUES ('t.ai', '机器智能', 'secret');
SELECT concept_id, pref_label FROM zhpolicy.tag('所谓人工智障') WHERE concept_id = 't.ai';
-- a concept and its narrower one in one statement, in either order; deleting takes the related link along
INSERT INTO zhpolicy.concept (id, pref_label, broader) VALUES ('t.b.child', '子概念测试', 't.b'), ('t.b', '父概念测试', NULL);
UPDATE zhpolicy.concept SET related = '{t.b.child}' WHERE id = 't.un';
DELETE FROM zhpolicy.concept WHERE id = 't.b';
DELETE FROM zhpolicy.concept WHERE id IN ('t.b', 't.b.child');
SELECT id, related FROM zhpolicy.concept WHERE id IN ('t.ai', 't.un') ORDER BY id;
DELETE FROM zhpolicy.concept_label WHERE label = '人工智障';
