-- Bad input never fails or crashes: NULL, empty, punctuation, huge, odd scripts.
SELECT to_tsvector('zhpolicy', NULL) IS NULL AS null_in_null_out,
       zhpolicy.segment(NULL) IS NULL AS seg_null, zhpolicy.clean(NULL) IS NULL AS clean_null;
SELECT to_tsvector('zhpolicy', '') AS empty, zhpolicy.segment('') AS seg_empty, zhpolicy.clean('') AS clean_empty;
-- a granularity that does not exist
SELECT zhpolicy.segment('网络安全', 'coarse');
SELECT zhpolicy.segment('网络安全', NULL) IS NULL AS granularity_null;
SELECT to_tsvector('zhpolicy', '，。！？、；：“”‘’（）《》【】—…·　 ') AS only_punct,
       to_tsvector('zhpolicy', E' \n\t\r\n  ') AS only_space;
-- a 10 MB document
SELECT octet_length(d) > 10000000 AS ten_mb, length(to_tsvector('zhpolicy', d)) > 500 AS indexed
FROM (SELECT repeat(body, 500) AS d FROM article WHERE file LIKE '004%') x;
-- 100 kB of Latin letters without a space: a blob, not indexed, no error
SELECT length(to_tsvector('zhpolicy', repeat('a', 100000))) AS long_run_lexemes,
       (SELECT count(*) FROM ts_parse('zhpolicy', repeat('a', 100000))) AS pieces,
       to_tsvector('zhpolicy', '前' || repeat('x', 3000) || '后') AS around_blob;
-- long runs of blanks and of Han characters
SELECT length(to_tsvector('zhpolicy', repeat('　', 5000) || '网络' || repeat('，', 5000))) AS blanks,
       length(to_tsvector('zhpolicy', repeat('网络空间命运共同体', 2000))) AS long_han_run;
-- emoji, Japanese, Korean, unassigned and private-use code points
SELECT to_tsvector('zhpolicy', '😀👍🏽 数字 🇨🇳') AS emoji;
SELECT to_tsvector('zhpolicy', '日本語のテキストです') AS japanese;
SELECT to_tsvector('zhpolicy', '한국어 텍스트입니다') AS korean;
SELECT to_tsvector('zhpolicy', U&'\+0E0000\+10FFFD\0378\E000 字') AS unassigned;
-- stop words are indexed (a search finds what LIKE finds); queries of punctuation match nothing
SELECT plainto_tsquery('zhpolicy', '的了是') AS stop_only, plainto_tsquery('zhpolicy', '，。') AS punct_only;
SELECT count(*) FROM article WHERE tsv @@ plainto_tsquery('zhpolicy', '的');
SELECT websearch_to_tsquery('zhpolicy', '&|!<->():* 网络 "" -');
-- ts_headline on empty and huge input
SELECT ts_headline('zhpolicy', '', plainto_tsquery('zhpolicy', '网络')) AS empty_headline;
SELECT length(ts_headline('zhpolicy', repeat('互联网发展。', 20000), plainto_tsquery('zhpolicy', '互联网'))) > 0 AS huge_headline;

-- a database that is not UTF8 cannot install the extension
\set regress_db :DBNAME
CREATE DATABASE zhpolicy_latin1 ENCODING 'LATIN1' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C';
\c zhpolicy_latin1
CREATE EXTENSION zhpolicy;
\c :regress_db
DROP DATABASE zhpolicy_latin1;
