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
-- the tags as a set; their order (the ranking) changed in 0.2, so upgrade.sh leaves out 'tags in order'
-- (and the lines of what 0.1 does not have: schemes, links, label kinds, removed)
SELECT 'tags', id, ARRAY(SELECT t FROM unnest(tags) t ORDER BY t COLLATE "C"),
       ARRAY(SELECT t FROM unnest(zhpolicy.concepts(body)) t ORDER BY t COLLATE "C") = ARRAY(SELECT t FROM unnest(tags) t ORDER BY t COLLATE "C")
FROM docs ORDER BY id;
SELECT 'tags in order', id, tags, zhpolicy.concepts(body) = tags FROM docs ORDER BY id;
SELECT 'schemes', string_agg(concat_ws('/', id, title, uri, shipped), '|' ORDER BY id) FROM zhpolicy.concept_scheme;
SELECT 'concept schemes', c.scheme, c.shipped, count(*) FROM zhpolicy.concept c GROUP BY c.scheme, c.shipped ORDER BY 2, 3;
SELECT 'links', md5(string_agg(concat_ws('/', id, related::text, scheme, notation, uri, shipped), '|' ORDER BY id)) FROM zhpolicy.concept;
SELECT 'label kinds', md5(string_agg(concat_ws('/', concept_id, label, kind, shipped), '|' ORDER BY concept_id, label)) FROM zhpolicy.concept_label;
SELECT 'removed', (SELECT count(*) FROM zhpolicy.concept_removed), (SELECT count(*) FROM zhpolicy.concept_label_removed);
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
-- the ranked recipe (0.2 on): the same top rows, through the tier index
SELECT to_regclass('ranked_docs') IS NOT NULL AS has_ranked \gset
\if :has_ranked
SELECT 'ranked', q, (SELECT string_agg(d.id::text, ',' ORDER BY t.score DESC, d.id)
                     FROM zhpolicy.rank_top('ranked_docs', 'body', 'rank_sketch', q, 5) t
                     JOIN ranked_docs d ON d.ctid = t.row_ctid)
FROM unnest(ARRAY['网络安全', '发展 数字经济', '星河数智港']) q;
SELECT 'ranked indexes', string_agg(indexname || ':' || (indexdef LIKE '%rank_tiers(body)%'), ',' ORDER BY indexname)
FROM pg_indexes WHERE tablename = 'ranked_docs';
\endif
