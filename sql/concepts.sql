-- zhpolicy.concepts() and zhpolicy.concept_query(): concepts for a column, and search by concept.
SELECT zhpolicy.concepts('保护关键信息基础设施和关基，落实数据安全法。');
SELECT zhpolicy.concepts('保护关键信息基础设施和关基，落实数据安全法。', 1.5);
SELECT zhpolicy.concepts('保护关键信息基础设施和关基，落实数据安全法。', 1000);
SELECT zhpolicy.concepts(''), zhpolicy.concepts(NULL) IS NULL AS null_in_null_out;
-- concept search: all labels of a concept and its narrower concepts, through the GIN index
SELECT zhpolicy.concept_query('t.cyber.data');
SELECT left(file, 3) AS file FROM article WHERE tsv @@ zhpolicy.concept_query('网络安全') ORDER BY file;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT file FROM article WHERE tsv @@ zhpolicy.concept_query('t.cyber');
RESET enable_seqscan;

SELECT * FROM zhpolicy.narrower('t.cyber') ORDER BY depth, id;
SELECT zhpolicy.concept_query('no such concept');
