-- zhpolicy 0.1: Chinese text search for policy documents.
\echo Use "CREATE EXTENSION zhpolicy" to load this file. \quit

-- Chinese text needs a UTF8 database: fail early, with a hint.
DO $$
BEGIN
    IF current_setting('server_encoding') <> 'UTF8' THEN
        RAISE EXCEPTION 'zhpolicy requires a UTF8 database, this one is %', current_setting('server_encoding')
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'Create the database with ENCODING ''UTF8'' (and TEMPLATE template0).';
    END IF;
END
$$;

-- Parser support functions (called by PostgreSQL's text search machinery).
CREATE FUNCTION zhpolicy.prs_start(internal, int4) RETURNS internal
    AS 'MODULE_PATHNAME', 'zhpolicy_prs_start' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zhpolicy.prs_gettoken(internal, internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'zhpolicy_prs_gettoken' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zhpolicy.prs_end(internal) RETURNS void
    AS 'MODULE_PATHNAME', 'zhpolicy_prs_end' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zhpolicy.prs_lextype(internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'zhpolicy_prs_lextype' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zhpolicy.prs_headline(internal, internal, tsquery) RETURNS internal
    AS 'MODULE_PATHNAME', 'zhpolicy_prs_headline' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The parser, template, dictionary and configuration live in pg_catalog, like
-- PostgreSQL's own, so that 'zhpolicy'::regconfig resolves whatever the search_path.
CREATE TEXT SEARCH PARSER pg_catalog.zhpolicy (
    START = zhpolicy.prs_start,
    GETTOKEN = zhpolicy.prs_gettoken,
    END = zhpolicy.prs_end,
    LEXTYPES = zhpolicy.prs_lextype,
    HEADLINE = zhpolicy.prs_headline
);
COMMENT ON TEXT SEARCH PARSER pg_catalog.zhpolicy IS 'Chinese word segmentation for policy text';

CREATE FUNCTION zhpolicy.dict_init(internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'zhpolicy_dict_init' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zhpolicy.dict_lexize(internal, internal, internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'zhpolicy_dict_lexize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TEXT SEARCH TEMPLATE pg_catalog.zhpolicy (
    INIT = zhpolicy.dict_init,
    LEXIZE = zhpolicy.dict_lexize
);
COMMENT ON TEXT SEARCH TEMPLATE pg_catalog.zhpolicy IS 'token to lexeme: white space removed, full-width and case folded, stop words';

CREATE TEXT SEARCH DICTIONARY pg_catalog.zhpolicy_dict (
    TEMPLATE = zhpolicy
);
COMMENT ON TEXT SEARCH DICTIONARY pg_catalog.zhpolicy_dict IS 'zhpolicy lexemes: each word and each of its Chinese characters';

-- Spaces and punctuation take a position but give no lexeme, so phrases never match across them.
CREATE FUNCTION zhpolicy.gap_lexize(internal, internal, internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'zhpolicy_gap_lexize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TEXT SEARCH TEMPLATE pg_catalog.zhpolicy_gap (LEXIZE = zhpolicy.gap_lexize);
CREATE TEXT SEARCH DICTIONARY pg_catalog.zhpolicy_gap (TEMPLATE = zhpolicy_gap);
COMMENT ON TEXT SEARCH DICTIONARY pg_catalog.zhpolicy_gap IS 'no lexeme, one position: keeps phrases from matching across punctuation';

CREATE TEXT SEARCH CONFIGURATION pg_catalog.zhpolicy (PARSER = zhpolicy);
COMMENT ON TEXT SEARCH CONFIGURATION pg_catalog.zhpolicy IS 'Chinese policy text';
-- Every token type that carries meaning is indexed; blank takes a position
-- without a lexeme; image and blob are not indexed.
ALTER TEXT SEARCH CONFIGURATION pg_catalog.zhpolicy
    ADD MAPPING FOR asciiword, word, numword, email, url, host, num, quantity, date, time,
                    oov, foreignword, int, docnum
    WITH zhpolicy_dict;
ALTER TEXT SEARCH CONFIGURATION pg_catalog.zhpolicy ADD MAPPING FOR blank WITH zhpolicy_gap;

-- The words of a text as the index sees them, before stop words.
CREATE FUNCTION zhpolicy.segment(doc text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'zhpolicy_segment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.segment(text) IS 'words of a text, as the zhpolicy parser and dictionary see them';

-- Repair a raw document: front matter, markdown, navigation text, hard line wraps.
CREATE FUNCTION zhpolicy.clean(doc text) RETURNS text
    AS 'MODULE_PATHNAME', 'zhpolicy_clean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.clean(text) IS 'readable running text of a PDF extraction, markdown or scraped page';

-- Split a raw article into metadata and cleaned body.
CREATE FUNCTION zhpolicy.parse_article(raw text,
    OUT title text, OUT source text, OUT url text, OUT published date, OUT body text)
RETURNS record
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
    front text := substring(raw from '^\ufeff?---\r?\n(.*?)\r?\n---[ \r]*(\n|$)');
    head text;
    m text[];
BEGIN
    body := zhpolicy.clean(raw);
    head := left(body, 800);
    IF front IS NOT NULL THEN
        title := nullif(btrim(substring(front from '(?n)^title:[ \t]*(.*)$'), ' "'''), '');
        source := nullif(btrim(substring(front from '(?n)^source:[ \t]*(.*)$'), ' "'''), '');
        url := nullif(btrim(substring(front from '(?n)^url:[ \t]*(.*)$'), ' "'''), '');
        m := regexp_match(front, '(?n)^date:[ \t]*"?(\d{4})-(\d{1,2})-(\d{1,2})');
    END IF;
    title := coalesce(title, nullif(split_part(body, E'\n', 1), ''));
    source := coalesce(source, substring(head from '来源[:：][ \t]*([^ \t\n】)）]+)'));
    m := coalesce(m,
                  regexp_match(head, '(\d{4})-(\d{1,2})-(\d{1,2})'),
                  regexp_match(head, '(\d{4})年 ?(\d{1,2})月(?: ?(\d{1,2})日)?'));
    IF m IS NOT NULL THEN
        BEGIN
            published := make_date(m[1]::int, m[2]::int, coalesce(m[3], '1')::int);
        EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
            published := NULL;
        END;
    END IF;
END
$$;
COMMENT ON FUNCTION zhpolicy.parse_article(text) IS 'title, source, url, date and cleaned body of a raw article';

-- User words: edit with INSERT / UPDATE / DELETE.  A change applies to every
-- connection on its next call (the statement trigger invalidates each
-- backend's copy); re-index documents to apply it to stored tsvectors.
CREATE TABLE zhpolicy.user_word (
    word  text PRIMARY KEY,
    freq  integer,
    note  text,
    CONSTRAINT user_word_1_not_empty CHECK (word <> ''),
    CONSTRAINT user_word_2_no_space_or_control CHECK (word !~ '[[:space:][:cntrl:]]'),
    CONSTRAINT user_word_3_chinese_characters_only
        CHECK (word ~ '^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007\U00020000-\U0003134f]+$'),
    CONSTRAINT user_word_4_at_most_100_characters CHECK (char_length(word) <= 100),
    CONSTRAINT user_word_5_freq_positive CHECK (freq > 0)
);
COMMENT ON TABLE zhpolicy.user_word IS 'words the segmenter keeps whole; freq NULL means: likely enough to beat the word''s own split';
GRANT SELECT ON zhpolicy.user_word TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('zhpolicy.user_word', '');

-- Clear messages for bad rows (the constraints above stay as the guarantee).
CREATE FUNCTION zhpolicy.user_word_check() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.word IS NULL OR NEW.word = '' THEN
        RAISE EXCEPTION 'user word must not be empty'
            USING ERRCODE = 'check_violation';
    ELSIF NEW.word ~ '[[:space:][:cntrl:]]' THEN
        RAISE EXCEPTION 'user word "%" contains white space or a control character', NEW.word
            USING ERRCODE = 'check_violation',
                  HINT = 'A user word is one word: write it without spaces.';
    ELSIF char_length(NEW.word) > 100 THEN
        RAISE EXCEPTION 'user word is % characters long, the limit is 100', char_length(NEW.word)
            USING ERRCODE = 'check_violation';
    ELSIF NEW.word !~ '^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3007\U00020000-\U0003134f]+$' THEN
        RAISE EXCEPTION 'user word "%" holds characters other than Chinese characters', NEW.word
            USING ERRCODE = 'check_violation',
                  DETAIL = 'The segmenter splits Chinese runs only; Latin words, digits and punctuation are tokens of their own.',
                  HINT = 'Add the Chinese part alone (for 5G网络, add nothing: 5G and 网络 are found already).';
    ELSIF NEW.freq IS NOT NULL AND NEW.freq <= 0 THEN
        RAISE EXCEPTION 'user word frequency must be positive, not %', NEW.freq
            USING ERRCODE = 'check_violation',
                  HINT = 'Leave freq NULL to make the word just likely enough to stay whole.';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER user_word_check BEFORE INSERT OR UPDATE ON zhpolicy.user_word
    FOR EACH ROW EXECUTE FUNCTION zhpolicy.user_word_check();

CREATE FUNCTION zhpolicy.user_word_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'zhpolicy_user_word_changed' LANGUAGE C;
CREATE TRIGGER user_word_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON zhpolicy.user_word
    FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.user_word_changed();
