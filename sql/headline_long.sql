-- ts_headline on rows past the 16,383 positions of a tsquery: linear, and still the fragments
-- around the best matches with the options honoured.
CREATE TABLE long_doc AS
SELECT string_agg(body, E'\n' ORDER BY file) AS doc FROM article;
-- a 50,000-character row: the whole corpus, a distinctive sentence at the end
UPDATE long_doc SET doc = left(repeat(doc, 2), 49950) || E'\n结尾处专门讨论量子通信网络的安全标准。';
SELECT length(doc) AS chars FROM long_doc;
-- the best fragment is the one with both words, near the end of the row
SELECT ts_headline('zhpolicy', doc, to_tsquery('zhpolicy', '量子 & 通信')) AS one_fragment FROM long_doc;
-- MaxFragments fragments, each with a highlight, joined by the delimiter
SELECT array_length(string_to_array(h, ' | '), 1) AS fragments,
       (SELECT bool_and(f LIKE '%<b>%') FROM unnest(string_to_array(h, ' | ')) f) AS each_highlighted,
       (SELECT bool_and(length(regexp_replace(f, '<[^>]*>', '', 'g')) < 120) FROM unnest(string_to_array(h, ' | ')) f) AS short
FROM (SELECT ts_headline('zhpolicy', doc, websearch_to_tsquery('zhpolicy', '网络安全'),
                         'MaxFragments=3, MaxWords=20, MinWords=5, FragmentDelimiter=" | "') AS h FROM long_doc) x;
-- only words of the query are highlighted, not characters that are also lexemes (网 of 网民);
-- past the positions a phrase's words are highlighted where they occur (see the README)
SELECT DISTINCT m[1] AS highlighted
FROM long_doc, regexp_matches(ts_headline('zhpolicy', doc, to_tsquery('zhpolicy', '网络安全'), 'MaxFragments=5'),
                              '<b>(.*?)</b>', 'g') m ORDER BY 1;
-- HighlightAll keeps the whole row
SELECT replace(replace(ts_headline('zhpolicy', doc, to_tsquery('zhpolicy', '网络'), 'HighlightAll=true'),
               '<b>', ''), '</b>', '') = doc AS text_kept FROM long_doc;
-- no match: the first MinWords words
SELECT ts_headline('zhpolicy', doc, to_tsquery('zhpolicy', '鲸鱼'), 'MinWords=3, MaxWords=5') AS no_match FROM long_doc;
-- options are checked as PostgreSQL checks them
SELECT ts_headline('zhpolicy', doc, to_tsquery('zhpolicy', '网络'), 'MinWords=10, MaxWords=5') FROM long_doc;
SELECT ts_headline('zhpolicy', doc, to_tsquery('zhpolicy', '网络'), 'MaxFragments=-1') FROM long_doc;
SELECT ts_headline('zhpolicy', doc, to_tsquery('zhpolicy', '网络'), 'Bogus=1') FROM long_doc;

-- 10 MB in one row: within a generous 30 s (it took 80 s before the linear selector) and within
-- 40 bytes of backend memory per byte of text (it took about 240)
\c
CREATE FUNCTION pg_temp.hwm_kb() RETURNS bigint LANGUAGE sql AS
$$ SELECT substring(pg_read_file('/proc/self/status') from 'VmHWM:\s+(\d+)')::bigint $$;
CREATE TEMP TABLE ten_mb AS SELECT left(repeat(doc, 200), 3500000) AS doc FROM long_doc;
SELECT octet_length(doc) > 10000000 AS ten_mb FROM ten_mb;
SELECT pg_temp.hwm_kb() AS kb0 \gset
\set t0 `date +%s%N`
SELECT length(ts_headline('zhpolicy', doc, to_tsquery('zhpolicy', '网络安全'), 'MaxFragments=3')) > 0 AS done FROM ten_mb;
\set t1 `date +%s%N`
SELECT (:t1 - :t0) / 1e9 < 30 AS within_30_s, (pg_temp.hwm_kb() - :kb0) * 1024 < 40 * 10000000 AS within_memory;
DROP TABLE long_doc;
