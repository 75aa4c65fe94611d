-- Concept schemes, the shipped vocabulary loaded by CREATE EXTENSION, removing and restoring
-- shipped concepts, rows merged as a restore merges them, and the ranking of concepts.

-- CREATE EXTENSION (in the setup test) loaded the shipped vocabulary into the scheme 'policy'
SELECT id, title, uri, shipped FROM zhpolicy.concept_scheme ORDER BY id;
SELECT scheme, shipped, count(*) FROM zhpolicy.concept GROUP BY 1, 2 ORDER BY 1, 2;
SELECT (SELECT count(*) FROM zhpolicy.concept WHERE scheme = 'policy' AND shipped)
       = (SELECT count(*) FROM zhpolicy.vocabulary_file('policy')) AS all_shipped_loaded;

-- tagging by scheme: one, several, all (NULL), none; a scheme that does not exist
INSERT INTO zhpolicy.concept_scheme (id, title) VALUES ('mine', '我的概念');
INSERT INTO zhpolicy.concept (id, pref_label, broader, scheme) VALUES
    ('my.gba', '湾区建设', 'regional.gba', 'mine'), ('my.port', '星河数智港', 'my.gba', 'mine');
SELECT concept_id, hits, score, matched FROM zhpolicy.tag('推进粤港澳大湾区和星河数智港的湾区建设');
SELECT concept_id, hits, score, matched FROM zhpolicy.tag('推进粤港澳大湾区和星河数智港的湾区建设', ARRAY['mine']);
SELECT zhpolicy.concepts('推进粤港澳大湾区和星河数智港的湾区建设', 0, ARRAY['policy']) AS policy,
       zhpolicy.concepts('推进粤港澳大湾区和星河数智港的湾区建设', 0, ARRAY['mine', 'policy'])
       = zhpolicy.concepts('推进粤港澳大湾区和星河数智港的湾区建设') AS both_is_all,
       zhpolicy.concepts('推进粤港澳大湾区和星河数智港的湾区建设', 0, NULL)
       = zhpolicy.concepts('推进粤港澳大湾区和星河数智港的湾区建设') AS null_is_all,
       zhpolicy.concepts('推进粤港澳大湾区和星河数智港的湾区建设', 0, '{}') AS none,
       zhpolicy.concepts(NULL, 0, ARRAY['mine']) IS NULL AS null_doc;
SELECT concept_id, label FROM zhpolicy.tag_spans('星河数智港的湾区建设', ARRAY['mine']);
SELECT * FROM zhpolicy.tag('湾区', ARRAY['nonesuch']);
-- tag_table with schemes: only those concepts, and a change of schemes re-tags
CREATE TABLE scheme_docs (id int PRIMARY KEY, body text, tags text[]);
INSERT INTO scheme_docs VALUES (1, '推进粤港澳大湾区和星河数智港的湾区建设'), (2, '今天天气很好');
SET client_min_messages = warning;
CALL zhpolicy.tag_table('scheme_docs', 'body', 'tags', schemes => ARRAY['mine']);
SELECT id, tags FROM scheme_docs ORDER BY id;
SELECT zhpolicy.tag_table_pending('scheme_docs', 'body', 'tags', schemes => ARRAY['mine']) AS same_schemes,
       zhpolicy.tag_table_pending('scheme_docs', 'body', 'tags') AS all_schemes;
CALL zhpolicy.tag_table('scheme_docs', 'body', 'tags');
RESET client_min_messages;
SELECT id, tags FROM scheme_docs ORDER BY id;
-- moving a concept to another scheme changes what a scheme tags
UPDATE zhpolicy.concept SET scheme = 'local' WHERE id = 'my.port';
SELECT zhpolicy.concepts('星河数智港', 0, ARRAY['mine']) AS mine, zhpolicy.concepts('星河数智港', 0, ARRAY['local']) AS local;
-- deleting a scheme deletes its concepts; one that still has narrower concepts elsewhere is refused
DELETE FROM zhpolicy.concept_scheme WHERE id = 'mine';
DELETE FROM zhpolicy.concept WHERE id = 'my.port';
DELETE FROM zhpolicy.concept_scheme WHERE id = 'mine';
SELECT count(*) FROM zhpolicy.concept WHERE id LIKE 'my.%';
DROP TABLE scheme_docs;

-- the ranking: concepts found directly come first; a broader concept gets half of its best
-- narrower concept, not the sum of them (five rural concepts found once each do not put the
-- area 农业农村 above them)
SELECT concept_id, pref_label, hits, score, matched
FROM zhpolicy.tag('完善农村土地承包制度，推进农村厕所革命，发展农民专业合作社，加强高标准农田建设和种业振兴。');
SELECT bool_and(d.score <= 0.5 * (SELECT max(n.score) FROM zhpolicy.tag(x.doc) n JOIN zhpolicy.concept c ON c.id = n.concept_id
                                  WHERE c.broader = d.concept_id) + 0.001) AS inherited_is_half_the_best
FROM (SELECT '完善农村土地承包制度，推进农村厕所革命，发展农民专业合作社，加强高标准农田建设和种业振兴。'::text AS doc) x,
     zhpolicy.tag(x.doc) d WHERE d.matched = 'narrower';
-- one concept counts once where its labels overlap (大湾区 inside 粤港澳大湾区)
SELECT concept_id, hits FROM zhpolicy.tag('粤港澳大湾区') WHERE concept_id = 'regional.gba';
SELECT count(*) AS spans FROM zhpolicy.tag_spans('粤港澳大湾区', ARRAY['policy']) WHERE concept_id = 'regional.gba';

-- removing shipped concepts and labels is remembered; load_vocabulary does not bring them back
-- unless asked to
BEGIN;
DELETE FROM zhpolicy.concept WHERE id = 'agri.rural_toilet';
UPDATE zhpolicy.concept_label SET label = '粤港澳（区域）' WHERE concept_id = 'regional.gba' AND label = '粤港澳';
SELECT label, shipped FROM zhpolicy.concept_label WHERE concept_id = 'regional.gba' ORDER BY 1;
DELETE FROM zhpolicy.concept_label WHERE concept_id = 'regional.gba' AND label = '大湾区';
SELECT id FROM zhpolicy.concept_removed;
SELECT concept_id, label FROM zhpolicy.concept_label_removed ORDER BY 1, 2;
SELECT zhpolicy.load_vocabulary() > 2000 AS reloaded;
SELECT count(*) AS back FROM zhpolicy.concept WHERE id = 'agri.rural_toilet';
SELECT zhpolicy.load_vocabulary('policy', restore_removed => true) > 2000 AS restored;
SELECT count(*) AS back FROM zhpolicy.concept WHERE id = 'agri.rural_toilet';
SELECT count(*) AS label_back FROM zhpolicy.concept_label WHERE concept_id = 'regional.gba' AND label = '大湾区';
SELECT count(*) AS removed FROM zhpolicy.concept_removed;
ROLLBACK;
-- a renamed shipped concept is yours, and the shipped one counts as removed
BEGIN;
UPDATE zhpolicy.concept SET id = 'my.rural_toilet' WHERE id = 'agri.rural_toilet';
SELECT id, shipped, scheme FROM zhpolicy.concept WHERE id = 'my.rural_toilet';
SELECT id FROM zhpolicy.concept_removed;
ROLLBACK;

-- what a restore does: shipped rows inserted again merge into the loaded ones (in any order,
-- broader and related concepts that come later included); a removal restored removes
BEGIN;
INSERT INTO zhpolicy.concept (id, pref_label, broader, note, related, scheme, shipped) VALUES
    ('regional.gba', '粤港澳大湾区', 'my.area', 'edited', '{my.area}', 'policy', true),
    ('my.area', '我的区域', NULL, NULL, '{}', 'local', false);
SELECT id, broader, note, related FROM zhpolicy.concept WHERE id = 'regional.gba';
INSERT INTO zhpolicy.concept_label (concept_id, label, weight, kind, shipped) VALUES ('regional.gba', '大湾区', 0.5, 'alt', true);
SELECT label, weight FROM zhpolicy.concept_label WHERE concept_id = 'regional.gba' AND label = '大湾区';
INSERT INTO zhpolicy.concept_scheme (id, title, uri, shipped) VALUES ('policy', '改过的标题', 'urn:zhpolicy:scheme:policy', true);
SELECT title FROM zhpolicy.concept_scheme WHERE id = 'policy';
INSERT INTO zhpolicy.concept_removed (id) VALUES ('agri.rural_toilet');
SELECT count(*) AS still_there FROM zhpolicy.concept WHERE id = 'agri.rural_toilet';
INSERT INTO zhpolicy.concept_label_removed (concept_id, label) VALUES ('regional.gba', '粤港澳');
SELECT count(*) AS label_still_there FROM zhpolicy.concept_label WHERE concept_id = 'regional.gba' AND label = '粤港澳';
-- a concept of your own with a shipped concept's id is still an error
INSERT INTO zhpolicy.concept (id, pref_label) VALUES ('regional.gba', '重复');
ROLLBACK;

-- removing the shipped vocabulary (to start empty), and loading it again
BEGIN;
SELECT zhpolicy.unload_vocabulary() > 2000 AS unloaded;
SELECT scheme, count(*) FROM zhpolicy.concept GROUP BY 1 ORDER BY 1;
SELECT count(*) AS tags FROM zhpolicy.tag('推进粤港澳大湾区建设');
SELECT zhpolicy.load_vocabulary() > 2000 AS loaded;
SELECT count(*) AS policy FROM zhpolicy.concept WHERE scheme = 'policy';
SELECT zhpolicy.load_vocabulary('policy', restore_removed => true) > 2000 AS restored;
SELECT (SELECT count(*) FROM zhpolicy.concept WHERE scheme = 'policy') = (SELECT count(*) FROM zhpolicy.vocabulary_file('policy')) AS all_back;
SELECT zhpolicy.unload_vocabulary('nonesuch');
ROLLBACK;
