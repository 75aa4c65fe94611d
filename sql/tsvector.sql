-- zhpolicy.tsvector(config, doc) is to_tsvector(config, doc), built faster: the same
-- bytes for every configuration, every corpus article, raw and cleaned.
CREATE TEXT SEARCH DICTIONARY tsv_stop (TEMPLATE = zhpolicy, StopWords = zhpolicy);
CREATE TEXT SEARCH DICTIONARY tsv_words (TEMPLATE = zhpolicy, Chars = false, Simplify = false);
CREATE TEXT SEARCH CONFIGURATION tsv_stop_cfg (COPY = zhpolicy);
ALTER TEXT SEARCH CONFIGURATION tsv_stop_cfg ALTER MAPPING FOR word, oov WITH tsv_stop;
CREATE TEXT SEARCH CONFIGURATION tsv_words_cfg (COPY = zhpolicy_compound);
ALTER TEXT SEARCH CONFIGURATION tsv_words_cfg ALTER MAPPING FOR word, oov, asciiword WITH tsv_words;
ALTER TEXT SEARCH CONFIGURATION tsv_words_cfg DROP MAPPING FOR blank, url;
-- a configuration with a dictionary of another template goes through to_tsvector itself
CREATE TEXT SEARCH CONFIGURATION tsv_mixed_cfg (COPY = zhpolicy);
ALTER TEXT SEARCH CONFIGURATION tsv_mixed_cfg ALTER MAPPING FOR asciiword WITH english_stem;
SELECT c.cfg, count(*) AS docs,
       count(*) FILTER (WHERE zhpolicy.tsvector(c.cfg::regconfig, d) = to_tsvector(c.cfg::regconfig, d)
                          AND zhpolicy.tsvector(c.cfg::regconfig, d)::text = to_tsvector(c.cfg::regconfig, d)::text) AS same
FROM (VALUES ('zhpolicy'), ('zhpolicy_compound'), ('tsv_stop_cfg'), ('tsv_words_cfg'), ('tsv_mixed_cfg'), ('english')) c(cfg),
     (SELECT body AS d FROM article UNION ALL SELECT raw FROM article) a
GROUP BY c.cfg ORDER BY c.cfg;
SELECT count(*) FILTER (WHERE zhpolicy.tsvector(body) = tsv) AS one_argument_form FROM article;
-- edge cases: empty, punctuation only, mixed scripts, user-visible position limits
-- (256 positions per lexeme, positions up to 16383), stop words taking positions
SELECT s, zhpolicy.tsvector(s) = to_tsvector('zhpolicy', s) AS same, zhpolicy.tsvector(s) AS tsv
FROM (VALUES (''), ('，。！'), ('构建网络空间命运共同体，网络'), ('IPv6和5G：2023年11月8日 https://a.cn/x 國發〔2023〕5號'),
             ('的的的是是')) v(s);
SELECT zhpolicy.tsvector('tsv_stop_cfg', '我们的网络和他们的网络') AS with_stop_words,
       to_tsvector('tsv_stop_cfg', '我们的网络和他们的网络') AS to_tsvector;
SELECT length(zhpolicy.tsvector(d)) AS lexemes, zhpolicy.tsvector(d) = to_tsvector('zhpolicy', d) AS same,
       (SELECT max(array_length(positions, 1)) FROM unnest(zhpolicy.tsvector(d))) AS max_positions,
       (SELECT positions FROM unnest(zhpolicy.tsvector(d)) WHERE lexeme = '振') AS last_word_positions
FROM (SELECT repeat('网络安全，', 5000) || '乡村振兴' AS d) x;
SELECT zhpolicy.tsvector(NULL) IS NULL AS null_doc, zhpolicy.tsvector(NULL::regconfig, '网络') IS NULL AS null_cfg;
-- a user word is whole in both
INSERT INTO zhpolicy.user_word (word) VALUES ('知识产权');
SELECT zhpolicy.tsvector('保护知识产权') = to_tsvector('zhpolicy', '保护知识产权') AS same,
       zhpolicy.tsvector('保护知识产权') AS tsv;
DELETE FROM zhpolicy.user_word WHERE word = '知识产权';
-- an index on the expression serves searches written with it
CREATE TABLE tsv_doc AS SELECT file, body FROM article;
CREATE INDEX tsv_doc_idx ON tsv_doc USING gin (zhpolicy.tsvector(body));
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT file FROM tsv_doc WHERE zhpolicy.tsvector(body) @@ websearch_to_tsquery('zhpolicy', '命运共同体');
SELECT left(file, 3) AS file FROM tsv_doc WHERE zhpolicy.tsvector(body) @@ websearch_to_tsquery('zhpolicy', '命运共同体') ORDER BY 1;
RESET enable_seqscan;
-- an unknown configuration fails as to_tsvector does
SELECT zhpolicy.tsvector('no_such_config', '网络');
DROP TABLE tsv_doc;
DROP TEXT SEARCH CONFIGURATION tsv_stop_cfg, tsv_words_cfg, tsv_mixed_cfg;
DROP TEXT SEARCH DICTIONARY tsv_stop, tsv_words;
