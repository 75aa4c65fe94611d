-- zhpolicy.tag(): concepts of a text, direct and inherited, hits and scores.
SELECT * FROM zhpolicy.tag('保护关键信息基础设施和关基，落实数据安全法。');

-- the concepts a policy reader lists for the white paper (004), the 2025 overview (002) and the
-- rural article (000) are all there
SELECT left(a.file, 3) AS file, e.concept,
       EXISTS (SELECT 1 FROM zhpolicy.tag(a.body) t WHERE t.pref_label = e.concept) AS tagged
FROM article a
JOIN (VALUES ('002', '网络空间命运共同体'), ('002', '网络主权'), ('002', '网络安全'), ('002', '数字经济'),
             ('002', '数字鸿沟'), ('002', '全球互联网治理'), ('004', '网络空间命运共同体'), ('004', '四项原则'),
             ('002', '五点主张'), ('004', '网络主权'), ('004', '网络安全'), ('004', '数字经济'),
             ('004', '数字鸿沟'), ('004', '全球互联网治理'), ('003', '三个倡导'), ('003', '倡导发展优先'),
             ('000', '乡村振兴'), ('000', '脱贫攻坚'), ('000', '知识产权'), ('001', '网络强国'),
             ('003', '全球南方')) e(f, concept)
  ON left(a.file, 3) = e.f
ORDER BY 1, 2;
-- the top concepts of each article
SELECT left(a.file, 3) AS file, string_agg(t.pref_label, ' ' ORDER BY t.score DESC, t.concept_id) AS top_concepts
FROM article a, LATERAL (SELECT * FROM zhpolicy.tag(a.body) WHERE concept_id NOT LIKE 't.%' LIMIT 12) t
GROUP BY a.file ORDER BY a.file;

-- a change to the vocabulary reaches the next call, in this and in other connections
SELECT concept_id FROM zhpolicy.tag('推进人工智能治理');
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT dblink_connect('other', format('dbname=%s port=%s host=%s', current_database(),
       current_setting('port'), split_part(current_setting('unix_socket_directories'), ',', 1)));
SELECT * FROM dblink('other', $$SELECT string_agg(concept_id, ',') FROM zhpolicy.tag('推进人工智能治理')$$) AS t(c text);
INSERT INTO zhpolicy.concept (id, pref_label, broader) VALUES ('t.ai.gov', '人工智能治理', 't.ai');
SELECT concept_id FROM zhpolicy.tag('推进人工智能治理');
SELECT * FROM dblink('other', $$SELECT string_agg(concept_id, ',') FROM zhpolicy.tag('推进人工智能治理')$$) AS t(c text);
SELECT dblink_disconnect('other');
-- empty and NULL documents
SELECT count(*) FROM zhpolicy.tag('');
SELECT count(*) FROM zhpolicy.tag(NULL);
