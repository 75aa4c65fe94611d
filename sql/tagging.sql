-- Concept tagging: the vocabulary tables, tag(), tag_spans(), concepts(), concept_query(), keywords().

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

-- direct and inherited concepts, hits and scores
SELECT * FROM zhpolicy.tag('保护关键信息基础设施和关基，落实数据安全法。');
SELECT * FROM zhpolicy.concepts('保护关键信息基础设施和关基，落实数据安全法。');
SELECT * FROM zhpolicy.concepts('保护关键信息基础设施和关基，落实数据安全法。', 1.5);

-- word boundaries: 联合国 not inside 联合国家 (联合 + 国家); AI not inside MAIL; Traditional and
-- full-width forms match (one span for two labels of a concept that fold alike)
SELECT concept_id, label, start_pos, length, matched_text
FROM zhpolicy.tag_spans('联合国家与联合国，MAIL与AI和ａｉ，維護網絡安全');
-- a label split by a hard line wrap of a PDF (a paragraph wrapped at 20 characters) is found
SELECT count(*) FILTER (WHERE matched_text LIKE E'%\n%') AS across_wraps, count(*) AS spans
FROM zhpolicy.tag_spans(regexp_replace(repeat('我们要保障数据安全和关键信息基础设施的安全，推动联合国框架下的合作。', 6),
                                       '(.{20})', E'\\1\n\n', 'g'));

-- every span's offsets point at the matched text
SELECT count(*) AS spans,
       count(*) FILTER (WHERE substr(d, start_pos, length) = matched_text) AS offsets_right
FROM (SELECT E'关基、数据安全法，联合国与AI。' AS d) x, zhpolicy.tag_spans(d);

-- a change to the vocabulary reaches the next call, in this and in other connections
SELECT zhpolicy.vocabulary_version() > 1 AS version_bumped;
SELECT zhpolicy.concepts('推进人工智能治理');
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT dblink_connect('other', format('dbname=%s port=%s host=%s', current_database(),
       current_setting('port'), split_part(current_setting('unix_socket_directories'), ',', 1)));
SELECT * FROM dblink('other', $$SELECT zhpolicy.concepts('推进人工智能治理')::text$$) AS t(c text);
INSERT INTO zhpolicy.concept (id, pref_label, broader) VALUES ('t.ai.gov', '人工智能治理', 't.ai');
SELECT zhpolicy.concepts('推进人工智能治理');
SELECT * FROM dblink('other', $$SELECT zhpolicy.concepts('推进人工智能治理')::text$$) AS t(c text);
SELECT dblink_disconnect('other');

-- concept search: all labels of a concept and its narrower concepts, through the GIN index
SELECT zhpolicy.concept_query('t.cyber.data');
SELECT left(file, 3) AS file FROM article WHERE tsv @@ zhpolicy.concept_query('网络安全') ORDER BY file;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT file FROM article WHERE tsv @@ zhpolicy.concept_query('t.cyber');
RESET enable_seqscan;

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

-- the shipped vocabulary loads (again: nothing doubles), and tags each corpus article
SELECT zhpolicy.load_vocabulary() > 150 AS loaded;
SELECT zhpolicy.load_vocabulary() = (SELECT count(*) FROM zhpolicy.vocabulary_file('policy')) AS reloaded;
SELECT count(*) >= 150 AS at_least_150, count(*) FILTER (WHERE broader IS NOT NULL) > 100 AS hierarchical
FROM zhpolicy.concept WHERE id NOT LIKE 't.%';
SELECT left(a.file, 3) AS file, string_agg(t.pref_label, ' ' ORDER BY t.score DESC, t.concept_id) AS top_concepts
FROM article a, LATERAL (SELECT * FROM zhpolicy.tag(a.body) WHERE concept_id NOT LIKE 't.%' LIMIT 12) t
GROUP BY a.file ORDER BY a.file;
-- the concepts a policy reader lists for the white paper (004), the 2025 overview (002) and the
-- rural article (000) are all there
SELECT left(a.file, 3) AS file, e.concept,
       EXISTS (SELECT 1 FROM zhpolicy.tag(a.body) t WHERE t.pref_label = e.concept) AS tagged
FROM article a
JOIN (VALUES ('002', '网络空间命运共同体'), ('002', '网络主权'), ('002', '网络安全'), ('002', '数字经济'),
             ('002', '数字鸿沟'), ('002', '全球互联网治理'), ('004', '网络空间命运共同体'), ('004', '四项原则'),
             ('002', '五点主张'), ('004', '网络主权'), ('004', '网络安全'), ('004', '数字经济'),
             ('004', '数字鸿沟'), ('004', '全球互联网治理'), ('003', '三个倡导'), ('003', '倡导发展优先'),
             ('000', '乡村振兴'), ('000', '脱贫攻坚'), ('000', '知识产权')) e(f, concept)
  ON left(a.file, 3) = e.f
ORDER BY 1, 2;
SELECT left(a.file, 3) AS file, count(*) AS spans,
       count(*) FILTER (WHERE substr(a.body, s.start_pos, s.length) = s.matched_text) AS offsets_right
FROM article a, zhpolicy.tag_spans(a.body) s GROUP BY a.file ORDER BY a.file;
SELECT zhpolicy.vocabulary_file('../../etc/passwd');
SELECT zhpolicy.vocabulary_file('nonesuch');

-- keywords: TF-IDF against document frequencies gathered from the articles
SELECT zhpolicy.collect_df('article', 'body') AS documents;
SELECT term, tf, df, score, covered_by FROM zhpolicy.keywords(
  (SELECT body FROM article WHERE file LIKE '000%'), 8);
SELECT zhpolicy.collect_df('article', 'no_such_column');
SELECT * FROM zhpolicy.keywords('网络', 3, 'no corpus');

-- empty and NULL documents
SELECT count(*) FROM zhpolicy.tag('');
SELECT zhpolicy.concepts(''), zhpolicy.concepts(NULL) IS NULL AS null_in_null_out;
