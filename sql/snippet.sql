-- zhpolicy.snippet: exact highlighting of whole documents.  The query's terms are its words
-- (split at white space) and "quoted" or “quoted” phrases, found byte for byte as strpos finds them.
SELECT zhpolicy.snippet('构建网络空间命运共同体是信息时代的必然选择。互联网让世界变成了地球村。',
                        '网络 "地球村"', context => 5) AS two_fragments;
-- a phrase keeps its space; Chinese quotes work too; a term inside another is one highlight
SELECT zhpolicy.snippet('推进 digital economy 发展，数字经济和数字 经济。', '"digital economy" “数字经济” 数字',
                        max_fragments => 0) AS phrases;
-- overlapping and adjacent occurrences are one highlight
SELECT zhpolicy.snippet('abcabcab', 'abc bca', max_fragments => 0, start_sel => '[', stop_sel => ']') AS merged,
       zhpolicy.snippet('网络安全', '网络 安全', max_fragments => 0) AS adjacent;
-- exact: no folding (zhpolicy.contains does none either)
SELECT zhpolicy.snippet('Ｎetwork network NETWORK', 'network', max_fragments => 0) AS exact;
-- html => true escapes the document's text, never the markers
SELECT zhpolicy.snippet('<script>alert("x")</script> 网络 & 安全', '网络 alert', html => true) AS escaped,
       zhpolicy.snippet('<i>网络</i>', '网络') AS not_escaped;
-- no occurrence: the beginning of the document, 2 x context characters; an empty query likewise
SELECT zhpolicy.snippet('第一段文字。第二段文字。', '不存在', context => 3) AS none,
       zhpolicy.snippet('第一段文字。', '', context => 2) AS empty_query;
-- fragments do not cross a line break, and are joined by fragment_delimiter
SELECT zhpolicy.snippet(E'第一行讲网络。\n第二行讲别的。\n第三行讲安全。', '网络 安全', context => 10,
                        fragment_delimiter => ' | ') AS lines;
-- the best fragment has the most distinct terms: max_fragments => 1 picks where both occur
SELECT zhpolicy.snippet(repeat('网络。', 50) || '这里网络与安全并举。' || repeat('安全。', 50), '网络 安全',
                        max_fragments => 1, context => 3) AS best;

-- on the corpus: removing the markers of the whole-document form gives the text back, and the
-- number of highlights is what a regular expression counts
SELECT left(file, 3) AS file,
       replace(replace(zhpolicy.snippet(body, '网络 数据', max_fragments => 0), '<b>', ''), '</b>', '') = body AS text_kept,
       (length(zhpolicy.snippet(body, '网络 数据', max_fragments => 0)) - length(body)) / 7
         = (SELECT count(*) FROM regexp_matches(body, '(网络|数据)+', 'g')) AS same_count
FROM article ORDER BY file;
-- every highlight of a fragment snippet is a term, and every fragment is text of the document
SELECT left(file, 3) AS file,
       (SELECT bool_and(m[1] IN ('网络', '数据') OR m[1] ~ '^(网络|数据)+$')
          FROM regexp_matches(zhpolicy.snippet(body, '网络 数据'), '<b>(.*?)</b>', 'g') m) AS highlights_are_terms,
       (SELECT bool_and(strpos(body, replace(replace(f, '<b>', ''), '</b>', '')) > 0)
          FROM regexp_split_to_table(zhpolicy.snippet(body, '网络 数据'), ' … ') f) AS fragments_from_text
FROM article ORDER BY file;

-- a row of more than 1,000,000 characters: a phrase cut from its end is found, in linear time
CREATE TABLE snippet_long AS
SELECT repeat(string_agg(body, E'\n' ORDER BY file), 60) || '文末的独特短语在这里。' AS doc FROM article;
SELECT length(doc) > 1000000 AS long_row, zhpolicy.snippet(doc, '"独特短语"', context => 3) AS tail FROM snippet_long;
\set t0 `date +%s%N`
SELECT length(zhpolicy.snippet(repeat(doc, 10), '网络安全 数字经济 "独特短语"')) > 0 AS ten_mb FROM snippet_long;
\set t1 `date +%s%N`
SELECT (:t1 - :t0) / 1e9 < 10 AS ten_mb_within_10_s;
DROP TABLE snippet_long;

-- errors
SELECT zhpolicy.snippet('网络', '网络', max_fragments => -1);
SELECT zhpolicy.snippet('网络', '网络', context => -1);
SELECT zhpolicy.snippet('网络', '网络', context => 100001);
SELECT zhpolicy.snippet('网络', repeat('网 ', 400000));
SELECT zhpolicy.snippet(NULL, '网络') IS NULL AS strict;
