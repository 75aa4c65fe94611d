-- The whole-document text index (gin_bigram_ops): &@, LIKE and ILIKE through the index find
-- exactly the rows strpos / a sequential LIKE finds (rows past 1,000,000 characters: long_documents).

-- rows: each article raw and cleaned; whole documents of 20,000-200,000 characters made of
-- the articles in different orders; one row past 1,000,000 characters; short tricky rows
CREATE TABLE textdoc (id bigint PRIMARY KEY, body text);
INSERT INTO textdoc
SELECT row_number() OVER (ORDER BY file, kind), t
FROM article, LATERAL (VALUES (1, raw), (2, body)) v(kind, t);
INSERT INTO textdoc
SELECT 100 + k, string_agg(b, E'\n' ORDER BY (n * k) % 7, n)
FROM generate_series(1, 12) k,
     LATERAL (SELECT row_number() OVER (ORDER BY file) AS n, body AS b FROM article) a,
     generate_series(1, 1 + k % 4) r
GROUP BY k;
INSERT INTO textdoc
SELECT 200, string_agg(body || '第' || r || '遍。', E'\n' ORDER BY r, file)
FROM article, generate_series(1, 3) r;
INSERT INTO textdoc VALUES
    (300, 'Digital ECONOMY 数字经济 ＡＢＣ１２３ full-width'),
    (301, 'emoji 😀数字 and 𠀀𠀁 beyond the BMP'),
    (302, E'数\t字 经　济 ends with 数'),
    (303, 'İstanbul ǅ ß ΣΑΣ 100%_done \back\slash'),
    (304, '数'),
    (305, ''),
    (306, NULL);
SELECT count(*) AS rows, max(length(body)) > 100000 AS has_long_row,
       count(*) FILTER (WHERE length(body) BETWEEN 20000 AND 200000) AS whole_documents
FROM textdoc;

CREATE INDEX textdoc_body_idx ON textdoc USING gin (body zhpolicy.gin_bigram_ops);
ANALYZE textdoc;

-- queries: substrings of 1-8 characters cut from every row at spread offsets (including the
-- last characters of the longest row), the same with one character changed (mostly
-- absent), with ASCII case changed, and hand-picked edge cases
CREATE TABLE textq (qid serial, q text);
INSERT INTO textq (q)
SELECT DISTINCT substr(body, (1 + (k * 7919 + id * 104729) % greatest(length(body) - len, 1))::int, len)
FROM textdoc, unnest(ARRAY[1, 2, 3, 4, 6, 8]) len, generate_series(1, 1) k
WHERE length(body) > 10;
INSERT INTO textq (q)
SELECT DISTINCT right(body, len) FROM textdoc, generate_series(1, 8) len WHERE id = 200;
INSERT INTO textq (q)
SELECT DISTINCT substr(q, 1, length(q) - 1) || '鑫' FROM textq WHERE length(q) >= 3 AND qid % 3 = 0;
INSERT INTO textq (q)
SELECT DISTINCT upper(q) FROM textq WHERE q ~ '[a-z]' AND qid % 2 = 0;
INSERT INTO textq (q) VALUES
    ('数字经济'), ('数'), ('济'), ('经　济'), (E'数\t字'), ('ＡＢＣ'), ('abc'), ('ABC'), ('１２３'), ('123'),
    ('😀数'), ('😀'), ('𠀀𠀁'), ('𠀁'), ('İ'), ('i'), ('σας'), ('ΣΑΣ'), ('ß'), ('100%_'), ('%'), ('_'),
    ('\'), ('\back'), (' '), ('  '), (''), ('第3遍。'), ('第4遍。'), ('不存在的词语组合');
SELECT count(*) AS queries, count(DISTINCT q) AS distinct_queries FROM textq;

-- LIKE pattern of a literal (the escaping an ORM does for contains)
CREATE FUNCTION like_literal(q text) RETURNS text IMMUTABLE STRICT
    LANGUAGE sql AS $$ SELECT '%' || replace(replace(replace(q, '\', '\\'), '%', '\%'), '_', '\_') || '%' $$;

-- ids found by one operator, through the index (sequential scans off) or without it
CREATE FUNCTION text_ids(op text, q text, use_index boolean) RETURNS bigint[]
LANGUAGE plpgsql AS $$
DECLARE
    r bigint[];
    cond text := CASE op
        WHEN '&@' THEN 'body OPERATOR(zhpolicy.&@) $1'
        WHEN 'strpos' THEN 'strpos(body, $1) > 0'
        WHEN 'like' THEN 'body LIKE like_literal($1)'
        WHEN 'ilike' THEN 'body ILIKE like_literal($1)'
        WHEN 'like_raw' THEN 'body LIKE $1' END;
BEGIN
    PERFORM set_config('enable_seqscan', CASE WHEN use_index THEN 'off' ELSE 'on' END, true);
    PERFORM set_config('enable_bitmapscan', CASE WHEN use_index THEN 'on' ELSE 'off' END, true);
    PERFORM set_config('enable_indexscan', 'off', true);
    EXECUTE 'SELECT coalesce(array_agg(id ORDER BY id), ''{}'') FROM textdoc WHERE ' || cond INTO r USING q;
    RETURN r;
END $$;

-- every query, three operators (ILIKE, whose sequential scan is slow, on a third of them and every
-- query with letters): the index finds exactly what strpos / a sequential scan finds
SELECT op, count(*) AS queries,
       count(*) FILTER (WHERE cardinality(truth) > 0) AS with_matches,
       sum(cardinality(truth)) AS matches,
       count(*) FILTER (WHERE found IS DISTINCT FROM truth) AS wrong
FROM (SELECT op, q,
             text_ids(op, q, true) AS found,
             CASE op WHEN '&@' THEN text_ids('strpos', q, false) ELSE text_ids(op, q, false) END AS truth
      FROM textq, unnest(ARRAY['&@', 'like', 'ilike']) op
      WHERE op <> 'ilike' OR qid % 3 = 0 OR q ~* '[a-zß-ÿα-ω]') s
GROUP BY op ORDER BY op;

-- the queries cut from the end of the longest row find it through the index
SELECT length(q) AS len, 200 = ANY (text_ids('&@', q, true)) AS found_in_longest_row
FROM textq WHERE q IN (SELECT right(body, n) FROM textdoc, generate_series(2, 8, 3) n WHERE id = 200)
ORDER BY 1;

-- LIKE patterns with wildcards inside, anchors and escapes: index equals sequential scan
SELECT p, text_ids('like_raw', p, true) = text_ids('like_raw', p, false) AS same,
       cardinality(text_ids('like_raw', p, false)) AS rows
FROM unnest(ARRAY['%数字%经济%', '%数_经%', '数%', '%遍。', '%第_遍%', '%100\%\_done%', '%\\back%',
                  '%%', '_', '', '%😀_字%', '%经济 %', 'Digital%', '%𠀁 %']) p
ORDER BY p;

-- the plans: a bitmap index scan for each operator, and for a one-character query
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM textdoc WHERE body OPERATOR(zhpolicy.&@) '数字经济';
EXPLAIN (COSTS OFF) SELECT id FROM textdoc WHERE body LIKE '%数字经济%';
EXPLAIN (COSTS OFF) SELECT id FROM textdoc WHERE body ILIKE '%digital 数字%';
EXPLAIN (COSTS OFF) SELECT id FROM textdoc WHERE body OPERATOR(zhpolicy.&@) '数';
RESET enable_seqscan;

-- may contain (&@~): the rows holding every character pair of q, the same by index and by a
-- sequential scan, never missing a row that contains q; a plan without a recheck of the rows
CREATE FUNCTION may_ids(q text, use_index boolean) RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE r bigint[];
BEGIN
    PERFORM set_config('enable_seqscan', CASE WHEN use_index THEN 'off' ELSE 'on' END, true);
    PERFORM set_config('enable_bitmapscan', CASE WHEN use_index THEN 'on' ELSE 'off' END, true);
    PERFORM set_config('enable_indexscan', CASE WHEN use_index THEN 'on' ELSE 'off' END, true);
    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO r FROM textdoc WHERE body OPERATOR(zhpolicy.&@~) q;
    RETURN r;
END $$;
SELECT count(*) AS queries,
       count(*) FILTER (WHERE may_ids(q, true) = may_ids(q, false)) AS same_by_index,
       count(*) FILTER (WHERE text_ids('strpos', q, false) <@ may_ids(q, true)) AS superset_of_contains,
       count(*) FILTER (WHERE cardinality(may_ids(q, true)) > cardinality(text_ids('strpos', q, false))) AS strictly_more
FROM textq;
SELECT zhpolicy.may_contain('数字经济', '字经') AS pair, zhpolicy.may_contain('经济数字', '字经') AS pairs_apart,
       zhpolicy.may_contain('经济 字', '济字') AS not_across_space, zhpolicy.may_contain('abc', '') AS empty_query,
       zhpolicy.may_contain('', '   ') AS no_keys, zhpolicy.may_contain('ABC', 'bc') AS folds_case,
       zhpolicy.may_contain('数字', '数') AS one_char, zhpolicy.may_contain(NULL, 'a') IS NULL AS strict;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM textdoc WHERE body OPERATOR(zhpolicy.&@~) '数字经济';
RESET enable_seqscan;
DROP FUNCTION may_ids(text, boolean);

-- occurrences: non-overlapping counts, equal to a count by splitting
SELECT q, zhpolicy.occurrences(body, q) AS n,
       (length(body) - length(replace(body, q, ''))) / length(q) AS by_replace
FROM textdoc, unnest(ARRAY['数字', '第3遍', '网络']) q WHERE id = 200 ORDER BY q;
SELECT zhpolicy.occurrences('aaaa', 'aa') AS aa, zhpolicy.occurrences('abc', '') AS empty,
       zhpolicy.occurrences('', 'a') AS in_empty, zhpolicy.occurrences(NULL, 'a') IS NULL AS strict;

-- contains: the edges of strpos
SELECT zhpolicy.contains('abc', '') AS empty_query, zhpolicy.contains('', '') AS both_empty,
       zhpolicy.contains('', 'a') AS empty_doc, zhpolicy.contains('ABC', 'abc') AS no_case_folding,
       zhpolicy.contains('ＡＢＣ', 'ABC') AS no_width_folding, zhpolicy.contains(NULL, 'a') IS NULL AS strict;

-- a row stored out of line, uncompressed: a hit in its last slice, a miss, and a hit that spans
-- the boundary of two slices (32,768 bytes)
CREATE TABLE textext (id int, body text);
ALTER TABLE textext ALTER body SET STORAGE EXTERNAL;
INSERT INTO textext VALUES (1, repeat('a', 32766) || '数字' || repeat('b', 500000) || '尾巴');
SELECT body OPERATOR(zhpolicy.&@) '尾巴' AS last_slice, body OPERATOR(zhpolicy.&@) 'a数字b' AS spans_slices,
       body OPERATOR(zhpolicy.&@) '巴尾' AS absent, body OPERATOR(zhpolicy.&@) repeat('b', 600000) AS longer_than_run
FROM textext;

-- rows added and changed after the index was built, and a rebuilt index
INSERT INTO textdoc VALUES (400, '新增的行：全过程人民民主'), (401, repeat('长', 300000) || '全过程人民民主');
UPDATE textdoc SET body = body || '更新后追加的句子' WHERE id = 101;
SELECT text_ids('&@', '全过程人民民主', true) AS found, text_ids('&@', '更新后追加', true) AS updated;
REINDEX INDEX textdoc_body_idx;
SELECT text_ids('&@', '全过程人民民主', true) AS found_after_reindex;

-- errors: a LIKE pattern that ends with its escape character is the server's error, as without
-- the index; the operator class is for text (and varchar, which is binary-coercible) only
SET enable_seqscan = off;
SELECT id FROM textdoc WHERE body LIKE '%数\';
RESET enable_seqscan;
CREATE TABLE textbad (v varchar(10), n int);
CREATE INDEX ON textbad USING gin (n zhpolicy.gin_bigram_ops);
CREATE INDEX ON textbad USING gin (v zhpolicy.gin_bigram_ops);
DROP TABLE textbad, textext;
