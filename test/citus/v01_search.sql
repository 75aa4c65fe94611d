-- Searches of the table made under 0.1 (v01.sql): the same before and
-- after ALTER EXTENSION zhpolicy UPDATE, and on the cluster as on the single node.
\pset format unaligned
\pset tuples_only on
SELECT count(*), md5(string_agg(id || ':' || md5(tsv::text), ',' ORDER BY id)) FROM v01;
SELECT q, id, round(ts_rank(tsv, websearch_to_tsquery('zhpolicy', q))::numeric,6)
FROM v01, unnest(ARRAY['网络空间命运共同体', '数字经济', '人工智能', '数据安全 OR 知识产权', '"网络 安全"']) q
WHERE tsv @@ websearch_to_tsquery('zhpolicy', q) ORDER BY q, id;
