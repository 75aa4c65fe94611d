-- Whole-document search, ranked: the ids of the 10 rows that rank highest for :'q' (phrases
-- separated by spaces), best first, by zhpolicy.rank (BM25 over exact phrase occurrences,
-- words above characters, the first line boosted).  Candidates come from the text index;
-- each row's rank sketch bounds its score, so only the rows that can reach the top 10 are
-- read.  Exactly the order of
--   SELECT id FROM docs WHERE body &@ ANY (zhpolicy.rank_terms(:'q'))
--   ORDER BY zhpolicy.rank(body, zhpolicy.rank_query(:'q', 'docs', 'body')) DESC, id LIMIT 10;
--   psql -v q='数字经济 发展' -f ranked.sql
\set QUIET on
\pset format unaligned
\pset tuples_only on
SELECT d.id
FROM zhpolicy.rank_top('docs', 'body', 'rank_sketch', :'q', 10) t
JOIN docs d ON d.tableoid = t.row_table AND d.ctid = t.row_ctid
ORDER BY t.score DESC, d.id;
