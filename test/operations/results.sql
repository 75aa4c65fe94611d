-- What a user sees of a database with zhpolicy: segmentation, search, tagging, the vocabulary,
-- user words and the tag log.  Run on a database and on its restored or upgraded copy: the
-- outputs must be equal.  Expects the table docs(id, body, tsv, tags) of the operations tests.
\pset format unaligned
\pset tuples_only on
SELECT 'user words', string_agg(word || ':' || coalesce(freq::text, '-'), ' ' ORDER BY word) FROM zhpolicy.user_word;
SELECT 'concepts', count(*), md5(string_agg(concat_ws('/', id, pref_label, broader, weight, note), '|' ORDER BY id)) FROM zhpolicy.concept;
SELECT 'labels', count(*), md5(string_agg(concat_ws('/', concept_id, label, weight), '|' ORDER BY concept_id, label)) FROM zhpolicy.concept_label;
SELECT 'segment', id, md5(zhpolicy.segment(body)::text) FROM docs ORDER BY id;
SELECT 'tsvector', id, md5(tsv::text), md5(to_tsvector('zhpolicy', body)::text) FROM docs ORDER BY id;
-- a generated column is recomputed by a restore: equal only when the extension's data came first
\if :{?strict_generated}
SELECT 'generated tsvector', id, md5(tsv_gen::text) FROM docs ORDER BY id;
\endif
SELECT 'tags', id, tags, zhpolicy.concepts(body) = tags FROM docs ORDER BY id;
SELECT 'search', q, (SELECT string_agg(id::text, ',' ORDER BY id) FROM docs WHERE tsv @@ websearch_to_tsquery('zhpolicy', q)),
       (SELECT string_agg(id::text, ',' ORDER BY id) FROM docs WHERE tsv_gen @@ websearch_to_tsquery('zhpolicy', q))
FROM unnest(ARRAY['网络安全', '数字经济', '星河数智港', '人类命运共同体', '"网络空间" 治理', '测试概念词']) q;
SELECT 'rank', q, (SELECT string_agg(id::text, ',' ORDER BY ts_rank_cd(tsv, websearch_to_tsquery('zhpolicy', q)) DESC, id)
                   FROM docs WHERE tsv @@ websearch_to_tsquery('zhpolicy', q))
FROM unnest(ARRAY['网络安全', '发展']) q;
SELECT 'index used', count(*) > 0 FROM pg_indexes WHERE tablename = 'docs' AND indexdef LIKE '%gin%';
SELECT 'tag log', count(*) FROM zhpolicy.tag_log;
SELECT 'pending', zhpolicy.tag_table_pending('docs', 'body', 'tags');
SELECT 'fingerprint', zhpolicy.vocabulary_fingerprint();
SELECT 'keywords', string_agg(term, ' ' ORDER BY score DESC, term) FROM zhpolicy.keywords((SELECT body FROM docs ORDER BY id LIMIT 1), 5);
