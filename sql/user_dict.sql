-- User words in zhpolicy.user_word: constraints, and changes seen by every connection.
SELECT zhpolicy.segment('维护网络主权，弥合数字鸿沟，发展全过程人民民主');

INSERT INTO zhpolicy.user_word (word) VALUES ('网络主权'), ('数字鸿沟');
SELECT zhpolicy.segment('维护网络主权，弥合数字鸿沟，发展全过程人民民主');
SELECT to_tsvector('zhpolicy', '维护网络主权') @@ to_tsquery('zhpolicy', '网络主权') AS found_as_one_word;

-- another connection, already open and already using the parser, sees changes on its next call
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT dblink_connect('other', format('dbname=%s port=%s host=%s', current_database(),
       current_setting('port'), split_part(current_setting('unix_socket_directories'), ',', 1)));
SELECT * FROM dblink('other', $$SELECT zhpolicy.segment('发展全过程人民民主')::text$$) AS t(words text);
INSERT INTO zhpolicy.user_word (word, freq) VALUES ('全过程人民民主', NULL);
SELECT * FROM dblink('other', $$SELECT zhpolicy.segment('发展全过程人民民主')::text$$) AS t(words text);
UPDATE zhpolicy.user_word SET word = '人民民主' WHERE word = '全过程人民民主';
SELECT * FROM dblink('other', $$SELECT zhpolicy.segment('发展全过程人民民主')::text$$) AS t(words text);
DELETE FROM zhpolicy.user_word WHERE word = '人民民主';
SELECT * FROM dblink('other', $$SELECT zhpolicy.segment('发展全过程人民民主')::text$$) AS t(words text);
SELECT dblink_disconnect('other');

-- stored tsvectors keep the old segmentation until re-indexed; they still match, through
-- the characters of the words, but only re-indexing gives the new word its lexeme
CREATE TABLE ud_doc (body text, tsv tsvector);
INSERT INTO ud_doc VALUES ('保护关键信息基础设施', to_tsvector('zhpolicy', '保护关键信息基础设施'));
INSERT INTO zhpolicy.user_word (word) VALUES ('关键信息基础设施');
SELECT tsv @@ to_tsquery('zhpolicy', '关键信息基础设施') AS before_reindex, tsv FROM ud_doc;
UPDATE ud_doc SET tsv = to_tsvector('zhpolicy', body);
SELECT tsv @@ to_tsquery('zhpolicy', '关键信息基础设施') AS after_reindex, tsv FROM ud_doc;

-- the table travels with pg_dump
SELECT 'zhpolicy.user_word'::regclass = ANY (extconfig::regclass[]) AS dumped FROM pg_extension WHERE extname = 'zhpolicy';

-- bad rows are rejected with a clear message and change nothing
INSERT INTO zhpolicy.user_word (word) VALUES ('');
INSERT INTO zhpolicy.user_word (word) VALUES ('网络 主权');
INSERT INTO zhpolicy.user_word (word) VALUES (E'网络\t主权');
INSERT INTO zhpolicy.user_word (word) VALUES ('5G网络');
INSERT INTO zhpolicy.user_word (word) VALUES (repeat('网', 101));
INSERT INTO zhpolicy.user_word (word, freq) VALUES ('网络', 0);
INSERT INTO zhpolicy.user_word (word, freq) VALUES ('网络', -5);
UPDATE zhpolicy.user_word SET word = '' WHERE word = '关键信息基础设施';
SELECT word, freq FROM zhpolicy.user_word ORDER BY word;

-- TRUNCATE also reaches every connection
TRUNCATE zhpolicy.user_word;
SELECT zhpolicy.segment('维护网络主权');
DROP TABLE ud_doc;
