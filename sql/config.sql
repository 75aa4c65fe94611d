-- The zhpolicy configuration: which token types are indexed, the dictionary, stop words.
SELECT t.alias,
       coalesce(string_agg(m.mapdict::regdictionary::text, ', '), '(not indexed)') AS dictionaries
FROM ts_token_type('zhpolicy') t
LEFT JOIN pg_ts_config_map m
       ON m.mapcfg = 'zhpolicy'::regconfig AND m.maptokentype = t.tokid
GROUP BY t.tokid, t.alias ORDER BY t.tokid;

-- the configuration resolves whatever the search_path
SET search_path = public;
SELECT 'zhpolicy'::regconfig, 'zhpolicy_dict'::regdictionary;
RESET search_path;

-- the dictionary: case and width folding, white space of line wraps removed, each
-- Chinese word also as its characters; no stop words, so that a search finds what LIKE finds
SELECT ts_lexize('zhpolicy_dict', 'ＩＰｖ６') AS fullwidth,
       ts_lexize('zhpolicy_dict', 'UNGGE') AS upper,
       ts_lexize('zhpolicy_dict', E'有\n\n利于') AS wrapped,
       ts_lexize('zhpolicy_dict', '的') AS one_char,
       ts_lexize('zhpolicy_dict', '我们') AS two_chars;
SELECT to_tsvector('zhpolicy', '我们的网络和你们的网络');

-- dictionaries on the same template: with the shipped stop-word list, without characters
CREATE TEXT SEARCH DICTIONARY zh_stop (TEMPLATE = zhpolicy, StopWords = zhpolicy);
SELECT ts_lexize('zh_stop', '的') AS stopword, ts_lexize('zh_stop', '我们') AS stopword2;
CREATE TEXT SEARCH DICTIONARY zh_words (TEMPLATE = zhpolicy, Chars = false);
SELECT ts_lexize('zh_words', '网络空间') AS words_only;
DROP TEXT SEARCH DICTIONARY zh_words;
-- an unknown option, a missing stop-word file
CREATE TEXT SEARCH DICTIONARY zh_bad (TEMPLATE = zhpolicy, Stemmer = 'x');
-- (the share directory is masked, so the test passes on any installation of PostgreSQL)
DO $$
DECLARE
    hint text;
BEGIN
    CREATE TEXT SEARCH DICTIONARY zh_bad (TEMPLATE = zhpolicy, StopWords = 'no_such_file');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
    RAISE NOTICE '% (SQLSTATE %) %', regexp_replace(SQLERRM, '"/[^"]*/(tsearch_data|extension)/', '"SHAREDIR/\1/'),
        SQLSTATE, coalesce('HINT: ' || nullif(hint, ''), '');
END $$;
DROP TEXT SEARCH DICTIONARY zh_stop;

-- normalisation options: Simplify (Traditional to Simplified) and Fold (NFKC, case), both on by default
SELECT ts_lexize('zhpolicy_dict', '網絡空間') AS simplified, ts_lexize('zhpolicy_dict', 'ÄRGER') AS folded;
CREATE TEXT SEARCH DICTIONARY zh_trad (TEMPLATE = zhpolicy, Simplify = false);
CREATE TEXT SEARCH DICTIONARY zh_nofold (TEMPLATE = zhpolicy, Fold = false);
SELECT ts_lexize('zh_trad', '網絡空間') AS kept_traditional, ts_lexize('zh_nofold', 'ＩＰｖ６') AS kept_width;
CREATE TEXT SEARCH DICTIONARY zh_bad (TEMPLATE = zhpolicy, Simplify = 'maybe');
DROP TEXT SEARCH DICTIONARY zh_trad;
DROP TEXT SEARCH DICTIONARY zh_nofold;

-- Traditional and Simplified text index and match alike
SELECT to_tsvector('zhpolicy', '網絡空間命運共同體') = to_tsvector('zhpolicy', '网络空间命运共同体') AS same_vector,
       to_tsvector('zhpolicy', '网络空间命运共同体') @@ websearch_to_tsquery('zhpolicy', '網絡空間') AS trad_query_finds_simp;

-- a user's copy of the configuration works like any other
CREATE TEXT SEARCH CONFIGURATION my_zh (COPY = zhpolicy);
SELECT to_tsvector('my_zh', '网络空间命运共同体');
DROP TEXT SEARCH CONFIGURATION my_zh;
