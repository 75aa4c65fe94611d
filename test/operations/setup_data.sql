-- The data of the operations tests: user words, an edited vocabulary, a table with stored
-- tsvectors, a GIN index, tags written by tag_table and document frequencies.  psql variable
-- corpus: a directory of .txt articles the server can read.
SET client_min_messages = warning;
SELECT zhpolicy.load_vocabulary() > 100 AS loaded;
INSERT INTO zhpolicy.user_word (word, freq) VALUES ('星河数智港', NULL), ('网络空间治理', 500);
-- the vocabulary edited: a concept added, one removed, a label changed, top concepts updated
-- (so that on disk they come after their narrower concepts, as in the review's case)
INSERT INTO zhpolicy.concept (id, pref_label, broader, note) VALUES ('ops.test', '测试概念词', 'cyber', 'added');
INSERT INTO zhpolicy.concept_label (concept_id, label) VALUES ('ops.test', '星河数智港');
DELETE FROM zhpolicy.concept WHERE id = (SELECT c.id FROM zhpolicy.concept c
    WHERE NOT EXISTS (SELECT 1 FROM zhpolicy.concept n WHERE n.broader = c.id) ORDER BY c.id DESC LIMIT 1);
UPDATE zhpolicy.concept_label SET label = label || '测试改名'
WHERE (concept_id, label) = (SELECT concept_id, label FROM zhpolicy.concept_label ORDER BY concept_id, label LIMIT 1);
UPDATE zhpolicy.concept SET note = coalesce(note, '') || ' (updated)' WHERE broader IS NULL;
-- a scheme of the user's, from 0.2 on (a restore must bring its row before its concepts)
DO $$
BEGIN
    IF to_regclass('zhpolicy.concept_scheme') IS NOT NULL THEN
        INSERT INTO zhpolicy.concept_scheme (id, title) VALUES ('ops', '运维测试');
        INSERT INTO zhpolicy.concept (id, pref_label, broader, scheme) VALUES ('ops.scheme', '方案测试词', 'ops.test', 'ops');
    END IF;
END
$$;
-- tsv: a plain column (dumped as it is); tsv_gen: a generated column (recomputed on restore)
CREATE TABLE docs (id bigint PRIMARY KEY, body text NOT NULL, tsv tsvector,
                   tsv_gen tsvector GENERATED ALWAYS AS (zhpolicy.tsvector(body)) STORED, tags text[]);
INSERT INTO docs (id, body)
SELECT row_number() OVER (ORDER BY f), zhpolicy.clean(pg_read_file(:'corpus' || '/' || f))
FROM pg_ls_dir(:'corpus') f WHERE f LIKE '%.txt';
INSERT INTO docs (id, body) VALUES (100, '建设星河数智港，推进网络空间治理和测试概念词。');
UPDATE docs SET tsv = zhpolicy.tsvector(body);
CREATE INDEX docs_tsv_idx ON docs USING gin (tsv);
CREATE INDEX docs_tsv_gen_idx ON docs USING gin (tsv_gen);
CALL zhpolicy.tag_table('docs', 'body', 'tags');
SELECT zhpolicy.collect_df('docs', 'body') AS documents;
-- the ranked whole-document recipe, from 0.2 on: the text index, the rank sketch column and the
-- tier index (a restore rebuilds the expression index; rank_top must still find and use it)
DO $$
BEGIN
    IF to_regprocedure('zhpolicy.rank_tiers(text)') IS NOT NULL THEN
        CREATE TABLE ranked_docs (id bigint PRIMARY KEY, body text NOT NULL,
            rank_sketch bytea GENERATED ALWAYS AS (zhpolicy.rank_sketch(body)) STORED);
        INSERT INTO ranked_docs (id, body) SELECT id, body FROM docs;
        CREATE INDEX ranked_docs_text_idx ON ranked_docs USING gin (body zhpolicy.gin_bigram_ops);
        CREATE INDEX ranked_docs_tiers_idx ON ranked_docs USING gin (zhpolicy.rank_tiers(body));
        ANALYZE ranked_docs;
    END IF;
END
$$;
