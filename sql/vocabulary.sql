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
SELECT zhpolicy.vocabulary_file('nonesuch');
SELECT zhpolicy.vocabulary_file(NULL) IS NULL AS null_in_null_out;
-- a change to the vocabulary bumps its version
SELECT zhpolicy.vocabulary_version() > 1 AS version_bumped;
