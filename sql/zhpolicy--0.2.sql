-- zhpolicy 0.2: Chinese text search for policy documents.
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

-- A trusted extension may be installed by a database owner, and its script runs as a
-- superuser: so it must build on a schema that CREATE EXTENSION made for the installing
-- role (or that a superuser made), never on one that another role prepared in advance.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) n.nspowner
                   WHERE n.nspname OPERATOR(pg_catalog.=) 'zhpolicy'
                     AND (r.rolsuper OR r.oid OPERATOR(pg_catalog.=) '@extowner@'::pg_catalog.regrole)) THEN
        RAISE EXCEPTION 'schema zhpolicy belongs to another role'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'The extension''s functions would live in a schema that role can change.',
                  HINT = 'Drop or rename that schema, or have a superuser create the extension.';
    END IF;
END
$$;
-- Every role may use what the extension offers; writing its tables takes a grant (README, Operations).
GRANT USAGE ON SCHEMA zhpolicy TO PUBLIC;

-- Parser support functions (called by PostgreSQL's text search machinery).
CREATE FUNCTION zhpolicy.prs_start(internal, int4) RETURNS internal
    AS 'MODULE_PATHNAME', 'zhpolicy_prs_start' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zhpolicy.prs_gettoken(internal, internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'zhpolicy_prs_gettoken' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zhpolicy.prs_start_compound(internal, int4) RETURNS internal
    AS 'MODULE_PATHNAME', 'zhpolicy_prs_start_compound' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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
COMMENT ON TEXT SEARCH PARSER pg_catalog.zhpolicy IS 'Chinese word segmentation for policy text (the fine-grained convention of treebank standards)';
-- The same segmenter keeping the lexicon's compounds whole (知识产权, 网络安全): for term statistics.
CREATE TEXT SEARCH PARSER pg_catalog.zhpolicy_compound (
    START = zhpolicy.prs_start_compound,
    GETTOKEN = zhpolicy.prs_gettoken,
    END = zhpolicy.prs_end,
    LEXTYPES = zhpolicy.prs_lextype,
    HEADLINE = zhpolicy.prs_headline
);
COMMENT ON TEXT SEARCH PARSER pg_catalog.zhpolicy_compound IS 'Chinese word segmentation for policy text, dictionary compounds kept whole';

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
                    oov, foreignword, int, docnum, ordinal
    WITH zhpolicy_dict;
ALTER TEXT SEARCH CONFIGURATION pg_catalog.zhpolicy ADD MAPPING FOR blank WITH zhpolicy_gap;
-- The same configuration over the compound parser: the same matches, coarser word lexemes.
CREATE TEXT SEARCH CONFIGURATION pg_catalog.zhpolicy_compound (PARSER = zhpolicy_compound);
COMMENT ON TEXT SEARCH CONFIGURATION pg_catalog.zhpolicy_compound IS 'Chinese policy text, dictionary compounds kept whole as lexemes';
ALTER TEXT SEARCH CONFIGURATION pg_catalog.zhpolicy_compound
    ADD MAPPING FOR asciiword, word, numword, email, url, host, num, quantity, date, time,
                    oov, foreignword, int, docnum, ordinal
    WITH zhpolicy_dict;
ALTER TEXT SEARCH CONFIGURATION pg_catalog.zhpolicy_compound ADD MAPPING FOR blank WITH zhpolicy_gap;

-- to_tsvector(config, doc), built without PostgreSQL's generic parse pipeline when the
-- configuration is one of zhpolicy's (any other configuration goes through to_tsvector).
CREATE FUNCTION zhpolicy.tsvector(config regconfig, doc text) RETURNS tsvector
    AS 'MODULE_PATHNAME', 'zhpolicy_tsvector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.tsvector(regconfig, text) IS 'the same tsvector as to_tsvector(config, doc), several times faster for zhpolicy configurations';
CREATE FUNCTION zhpolicy.tsvector(doc text) RETURNS tsvector
    AS 'MODULE_PATHNAME', 'zhpolicy_tsvector_default' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.tsvector(text) IS 'the same tsvector as to_tsvector(''zhpolicy'', doc), several times faster';

-- The words of a text as the index sees them, before stop words.
CREATE FUNCTION zhpolicy.segment(doc text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'zhpolicy_segment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.segment(text) IS 'words of a text, as the zhpolicy parser and dictionary see them';
CREATE FUNCTION zhpolicy.segment(doc text, granularity text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'zhpolicy_segment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.segment(text, text) IS 'words of a text at a granularity: fine (parser zhpolicy) or compound (parser zhpolicy_compound)';

-- Repair a raw document: front matter, markdown, navigation text, hard line wraps.
CREATE FUNCTION zhpolicy.clean(doc text) RETURNS text
    AS 'MODULE_PATHNAME', 'zhpolicy_clean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.clean(text) IS 'readable running text of a PDF extraction, markdown or scraped page';

-- Split a raw article into metadata and cleaned body.  No exception block (a subtransaction
-- cannot start in a parallel worker): a date that does not exist is checked, not caught.
CREATE FUNCTION zhpolicy.parse_article(raw text,
    OUT title text, OUT source text, OUT url text, OUT published date, OUT body text)
RETURNS record
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    front text := substring(raw from '^\ufeff?---\r?\n(.*?)\r?\n---[ \r]*(\n|$)');
    head text;
    m text[];
    y int;
    mo int;
    d int;
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
        y := m[1]::int;
        mo := m[2]::int;
        d := coalesce(m[3], '1')::int;
        IF y >= 1 AND mo BETWEEN 1 AND 12 AND d >= 1
           AND d <= extract(day FROM make_date(y, mo, 1) + interval '1 month - 1 day') THEN
            published := make_date(y, mo, d);
        END IF;
    END IF;
END
$$;
COMMENT ON FUNCTION zhpolicy.parse_article(text) IS 'title, source, url, date and cleaned body of a raw article';

-- Can the current role write these tables?  If not: SQLSTATE 42501 and the GRANT that allows it.
CREATE FUNCTION zhpolicy.require_write(tables text[], what text) RETURNS void
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t text;
    p text;
BEGIN
    FOREACH t IN ARRAY tables LOOP
      FOREACH p IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
        IF NOT has_table_privilege(t, p) THEN
            RAISE EXCEPTION 'permission denied to change %', what
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = format('Role %s may not insert into, update or delete from %s.', current_user, t),
                      HINT = format('The extension''s owner or a superuser can allow it: GRANT INSERT, UPDATE, DELETE ON %s TO %I;',
                                    array_to_string(tables, ', '), current_user);
        END IF;
      END LOOP;
    END LOOP;
END
$$;

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
GRANT INSERT, UPDATE, DELETE, TRUNCATE ON zhpolicy.user_word TO @extowner@ WITH GRANT OPTION;
SELECT pg_catalog.pg_extension_config_dump('zhpolicy.user_word', '');

-- Clear messages for bad rows (the constraints above stay as the guarantee).
CREATE FUNCTION zhpolicy.user_word_check() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
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

-- Statement trigger: a cache invalidation for the table, so every backend drops what it built from it.
CREATE FUNCTION zhpolicy.invalidate_cache() RETURNS trigger
    AS 'MODULE_PATHNAME', 'zhpolicy_invalidate_cache' LANGUAGE C VOLATILE;
CREATE TRIGGER user_word_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON zhpolicy.user_word
    FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.invalidate_cache('user_word');

-- ---------------------------------------------------------------- concept tagging
-- The vocabulary: concepts in a hierarchy, with labels.  Edit with INSERT / UPDATE /
-- DELETE; every change bumps zhpolicy.vocabulary_version and tells every backend to
-- rebuild its matcher on its next call.  The hierarchy (broader) is checked by statement
-- triggers rather than a self-referencing foreign key, so that the rows can arrive in any
-- order (pg_restore copies them in the order they lie on disk).
CREATE TABLE zhpolicy.concept (
    id          text PRIMARY KEY,
    pref_label  text NOT NULL,
    broader     text,
    weight      real NOT NULL DEFAULT 1,
    note        text,
    related     text[] NOT NULL DEFAULT '{}',
    CONSTRAINT concept_id_format CHECK (id ~ '^[A-Za-z0-9_.:-]+$'),
    CONSTRAINT concept_weight_positive CHECK (weight > 0),
    CONSTRAINT concept_not_own_broader CHECK (broader IS DISTINCT FROM id)
);
CREATE INDEX concept_broader_idx ON zhpolicy.concept (broader);
COMMENT ON TABLE zhpolicy.concept IS 'concepts of the vocabulary: stable id, preferred label, broader concept';

CREATE TABLE zhpolicy.concept_label (
    concept_id  text NOT NULL REFERENCES zhpolicy.concept (id) ON UPDATE CASCADE ON DELETE CASCADE,
    label       text NOT NULL,
    weight      real NOT NULL DEFAULT 1,
    kind        text NOT NULL DEFAULT 'alt',
    PRIMARY KEY (concept_id, label),
    CONSTRAINT concept_label_weight_positive CHECK (weight > 0),
    CONSTRAINT concept_label_kind CHECK (kind IN ('alt', 'hidden'))
);
COMMENT ON TABLE zhpolicy.concept_label IS 'alternative labels (kind alt: synonyms, abbreviations, older wordings) and hidden labels (kind hidden: variants that match but are not shown)';

-- The vocabulary's change counter, for the backends' caches only: not dumped (a restore
-- counts afresh); tag_table compares contents (vocabulary_fingerprint), not this counter.
CREATE TABLE zhpolicy.vocabulary_version (
    version     bigint NOT NULL,
    changed_at  timestamptz NOT NULL,
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton)
);
INSERT INTO zhpolicy.vocabulary_version VALUES (1, now(), true);

GRANT SELECT ON zhpolicy.concept, zhpolicy.concept_label, zhpolicy.vocabulary_version TO PUBLIC;
GRANT INSERT, UPDATE, DELETE, TRUNCATE ON zhpolicy.concept, zhpolicy.concept_label TO @extowner@ WITH GRANT OPTION;
SELECT pg_catalog.pg_extension_config_dump('zhpolicy.concept', '');
SELECT pg_catalog.pg_extension_config_dump('zhpolicy.concept_label', '');

-- Is a label something a text can contain: not empty, not only spaces or punctuation?
CREATE FUNCTION zhpolicy.check_label(label text, what text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF label IS NULL OR btrim(label) = '' THEN
        RAISE EXCEPTION '% must not be empty or blank', what
            USING ERRCODE = 'check_violation';
    ELSIF regexp_replace(label, '[[:space:][:punct:]\u00a0-\u00bf\u2010-\u206f\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]', '', 'g') = '' THEN
        RAISE EXCEPTION '% "%" has no letter, digit or Chinese character', what, label
            USING ERRCODE = 'check_violation',
                  HINT = 'A label is matched as text: write the words it stands for.';
    ELSIF label ~ '[[:cntrl:]]' OR label <> btrim(label) THEN
        RAISE EXCEPTION '% "%" has control characters or surrounding spaces', what, label
            USING ERRCODE = 'check_violation';
    END IF;
END
$$;

-- Row check of a concept: its preferred label (the hierarchy is checked per statement).
CREATE FUNCTION zhpolicy.concept_check() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM zhpolicy.check_label(NEW.pref_label, 'preferred label');
    RETURN NEW;
END
$$;
CREATE TRIGGER concept_check BEFORE INSERT OR UPDATE ON zhpolicy.concept
    FOR EACH ROW EXECUTE FUNCTION zhpolicy.concept_check();

-- A renamed concept keeps its narrower concepts (as ON UPDATE CASCADE would).
CREATE FUNCTION zhpolicy.concept_renamed() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- the relation the trigger fired on: zhpolicy.concept, or on a Citus node this node's copy
    EXECUTE format('UPDATE %s SET broader = $1 WHERE broader = $2', TG_RELID::regclass) USING NEW.id, OLD.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER concept_renamed AFTER UPDATE OF id ON zhpolicy.concept
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION zhpolicy.concept_renamed();

-- At the end of each statement, whatever the order of its rows: every broader concept
-- exists, no concept is broader than itself through others, a deleted concept leaves no
-- narrower concept behind.
CREATE FUNCTION zhpolicy.concept_hierarchy_check() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    bad record;
    -- the relation the trigger fired on: zhpolicy.concept, or on a Citus node this node's copy
    rel text := TG_RELID::regclass::text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        EXECUTE format($q$SELECT c.id, c.broader
            FROM %1$s c JOIN changed_rows o ON c.broader = o.id
            WHERE NOT EXISTS (SELECT 1 FROM %1$s p WHERE p.id = c.broader)
            ORDER BY c.id LIMIT 1$q$, rel) INTO bad;
        IF bad.id IS NOT NULL THEN
            RAISE EXCEPTION 'concept "%" cannot be deleted: "%" is narrower than it', bad.broader, bad.id
                USING ERRCODE = 'foreign_key_violation',
                      HINT = 'Delete its narrower concepts too, or give them another broader concept first.';
        END IF;
        -- related links to deleted concepts go with them
        EXECUTE format($q$UPDATE %1$s c
            SET related = ARRAY(SELECT r FROM unnest(c.related) r WHERE r NOT IN (SELECT o.id FROM changed_rows o))
            WHERE c.related && ARRAY(SELECT o.id FROM changed_rows o)$q$, rel);
        RETURN NULL;
    END IF;
    EXECUTE format($q$SELECT n.id, r AS related FROM changed_rows n, unnest(n.related) r
        WHERE NOT EXISTS (SELECT 1 FROM %1$s p WHERE p.id = r) OR r = n.id
        ORDER BY n.id LIMIT 1$q$, rel) INTO bad;
    IF bad.id IS NOT NULL THEN
        RAISE EXCEPTION 'related concept "%" of "%" does not exist or is the concept itself', bad.related, bad.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    EXECUTE format($q$SELECT n.id, n.broader FROM changed_rows n
        WHERE n.broader IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %1$s p WHERE p.id = n.broader)
        ORDER BY n.id LIMIT 1$q$, rel) INTO bad;
    IF bad.id IS NOT NULL THEN
        RAISE EXCEPTION 'broader concept "%" of "%" does not exist', bad.broader, bad.id
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Insert the broader concept first, or in the same statement.';
    END IF;
    EXECUTE format($q$WITH RECURSIVE up(start, first, cur, depth) AS (
            SELECT n.id, n.broader, n.broader, 1 FROM changed_rows n WHERE n.broader IS NOT NULL
            UNION ALL
            SELECT u.start, u.first, c.broader, u.depth + 1
            FROM up u JOIN %1$s c ON c.id = u.cur
            WHERE u.cur <> u.start AND c.broader IS NOT NULL AND u.depth <= 1000
        )
        SELECT start AS id, first AS broader, depth FROM up
        WHERE cur = start OR depth > 1000 ORDER BY start LIMIT 1$q$, rel) INTO bad;
    IF bad.id IS NOT NULL AND bad.depth > 1000 THEN
        RAISE EXCEPTION 'the broader chain of "%" is more than 1000 concepts long', bad.id
            USING ERRCODE = 'check_violation';
    ELSIF bad.id IS NOT NULL THEN
        RAISE EXCEPTION 'concept "%" cannot have "%" as broader concept: that makes a cycle', bad.id, bad.broader
            USING ERRCODE = 'check_violation',
                  HINT = 'A concept cannot be broader than itself, directly or through others.';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER concept_hierarchy_insert AFTER INSERT ON zhpolicy.concept
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.concept_hierarchy_check();
CREATE TRIGGER concept_hierarchy_update AFTER UPDATE ON zhpolicy.concept
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.concept_hierarchy_check();
CREATE TRIGGER concept_hierarchy_delete AFTER DELETE ON zhpolicy.concept
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.concept_hierarchy_check();

CREATE FUNCTION zhpolicy.concept_label_check() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM zhpolicy.check_label(NEW.label, 'label');
    RETURN NEW;
END
$$;
CREATE TRIGGER concept_label_check BEFORE INSERT OR UPDATE ON zhpolicy.concept_label
    FOR EACH ROW EXECUTE FUNCTION zhpolicy.concept_label_check();

-- Every change to the vocabulary bumps its version (each backend's matcher is rebuilt).  A
-- statement that changes no row (an upsert that finds nothing new) bumps nothing.  SECURITY
-- DEFINER so that a role allowed to edit the vocabulary needs no right on the counter: it
-- does one fixed UPDATE, with a fixed search_path.
CREATE FUNCTION zhpolicy.vocabulary_bump() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' OR EXISTS (SELECT 1 FROM changed_rows) THEN
        UPDATE zhpolicy.vocabulary_version SET version = version + 1, changed_at = now();
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER concept_bump_insert AFTER INSERT ON zhpolicy.concept
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.vocabulary_bump();
CREATE TRIGGER concept_bump_update AFTER UPDATE ON zhpolicy.concept
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.vocabulary_bump();
CREATE TRIGGER concept_bump_delete AFTER DELETE ON zhpolicy.concept
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.vocabulary_bump();
CREATE TRIGGER concept_bump_truncate AFTER TRUNCATE ON zhpolicy.concept
    FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.vocabulary_bump();
CREATE TRIGGER concept_label_bump_insert AFTER INSERT ON zhpolicy.concept_label
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.vocabulary_bump();
CREATE TRIGGER concept_label_bump_update AFTER UPDATE ON zhpolicy.concept_label
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.vocabulary_bump();
CREATE TRIGGER concept_label_bump_delete AFTER DELETE ON zhpolicy.concept_label
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.vocabulary_bump();
CREATE TRIGGER concept_label_bump_truncate AFTER TRUNCATE ON zhpolicy.concept_label
    FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.vocabulary_bump();
-- ... and tells every backend that its matcher is stale (a cache invalidation of vocabulary_version)
CREATE TRIGGER vocabulary_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON zhpolicy.vocabulary_version
    FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.invalidate_cache('vocabulary_version');

-- The current vocabulary version.
CREATE FUNCTION zhpolicy.vocabulary_version() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT version FROM zhpolicy.vocabulary_version $$;

-- A hash of what tagging depends on (every concept and label, and the lexicon): equal
-- vocabularies give equal fingerprints, in any database, after any restore.
CREATE FUNCTION zhpolicy.vocabulary_fingerprint() RETURNS text
AS 'MODULE_PATHNAME', 'zhpolicy_vocabulary_fingerprint' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.vocabulary_fingerprint() IS 'hash of the vocabulary and lexicon that tagging uses; tag_table re-tags rows tagged under another';

-- A concept and all its narrower concepts, with their depth below it.
CREATE FUNCTION zhpolicy.narrower(concept text, OUT id text, OUT depth int)
RETURNS SETOF record
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH RECURSIVE t(id, depth) AS (
        SELECT c.id, 0 FROM zhpolicy.concept c
        WHERE c.id = $1
           OR (c.pref_label = $1 AND NOT EXISTS (SELECT 1 FROM zhpolicy.concept c2 WHERE c2.id = $1))
        UNION
        SELECT c.id, t.depth + 1 FROM zhpolicy.concept c JOIN t ON c.broader = t.id
        WHERE t.depth < 1000
    )
    SELECT id, min(depth) FROM t GROUP BY id
$$;

-- The rows of a vocabulary shipped with the extension (file zhpolicy_vocabulary_NAME.tsv).
CREATE FUNCTION zhpolicy.vocabulary_file(name text,
    OUT id text, OUT broader text, OUT pref_label text, OUT alt_labels text, OUT hidden_labels text,
    OUT related text, OUT note text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'zhpolicy_vocabulary_file' LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- Load (or refresh) a shipped vocabulary into its scheme; returns the number of concepts in the
-- file.  Concepts and labels of your own are kept; so are your weights, and what you removed of
-- the shipped vocabulary (restore_removed => true loads that again).  Concepts already loaded take
-- the file's wording (preferred label, broader concept, note, related concepts).
CREATE FUNCTION zhpolicy.load_vocabulary(name text DEFAULT 'policy', restore_removed boolean DEFAULT false)
RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    skipped integer;
BEGIN
    PERFORM zhpolicy.require_write(ARRAY['zhpolicy.concept', 'zhpolicy.concept_label'], 'the zhpolicy vocabulary');
    IF restore_removed THEN
        PERFORM zhpolicy.require_write(ARRAY['zhpolicy.concept_removed', 'zhpolicy.concept_label_removed'],
                                       'what was removed of the zhpolicy vocabulary');
        DELETE FROM zhpolicy.concept_removed r WHERE r.id IN (SELECT f.id FROM zhpolicy.vocabulary_file(name) f);
        DELETE FROM zhpolicy.concept_label_removed r WHERE r.concept_id IN (SELECT f.id FROM zhpolicy.vocabulary_file(name) f);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM zhpolicy.concept_scheme s WHERE s.id = name) THEN
        PERFORM zhpolicy.require_write(ARRAY['zhpolicy.concept_scheme'], 'the zhpolicy concept schemes');
        INSERT INTO zhpolicy.concept_scheme (id, title, uri, shipped) VALUES (name, name, 'urn:zhpolicy:scheme:' || name, true);
    END IF;
    -- new concepts: not there yet, neither removed nor under a removed one (one statement: the
    -- hierarchy is checked once, whatever the file's order; a file with a cycle or an unknown
    -- broader concept is refused)
    INSERT INTO zhpolicy.concept (id, pref_label, broader, note, scheme, shipped)
    WITH RECURSIVE f AS (SELECT * FROM zhpolicy.vocabulary_file(name)),
    blocked(id) AS (
        SELECT r.id FROM zhpolicy.concept_removed r
        UNION
        SELECT f.id FROM f JOIN blocked b ON f.broader = b.id
    )
    SELECT f.id, f.pref_label, f.broader, f.note, name, true FROM f
    WHERE f.id NOT IN (SELECT b.id FROM blocked b) AND NOT EXISTS (SELECT 1 FROM zhpolicy.concept c WHERE c.id = f.id);
    -- shipped concepts loaded before take the file's wording
    UPDATE zhpolicy.concept c
    SET pref_label = f.pref_label, broader = f.broader, note = f.note
    FROM (SELECT v.id, v.pref_label, v.note,
                 CASE WHEN v.broader IS NULL OR EXISTS (SELECT 1 FROM zhpolicy.concept b WHERE b.id = v.broader)
                      THEN v.broader ELSE x.broader END AS broader
          FROM zhpolicy.vocabulary_file(name) v JOIN zhpolicy.concept x ON x.id = v.id) f
    WHERE c.id = f.id AND c.shipped
      AND (c.pref_label, c.broader, c.note) IS DISTINCT FROM (f.pref_label, f.broader, f.note);
    -- labels of shipped concepts that are not there and were not removed
    INSERT INTO zhpolicy.concept_label (concept_id, label, kind, shipped)
    SELECT DISTINCT ON (f.id, btrim(l.label)) f.id, btrim(l.label), l.kind, true
    FROM zhpolicy.vocabulary_file(name) f JOIN zhpolicy.concept c ON c.id = f.id AND c.shipped,
        LATERAL (SELECT a, 'alt' FROM unnest(coalesce(string_to_array(f.alt_labels, '|'), '{}')) a
                 UNION ALL
                 SELECT h, 'hidden' FROM unnest(coalesce(string_to_array(f.hidden_labels, '|'), '{}')) h) l(label, kind)
    WHERE btrim(l.label) <> '' AND btrim(l.label) <> f.pref_label
      AND NOT EXISTS (SELECT 1 FROM zhpolicy.concept_label x WHERE x.concept_id = f.id AND x.label = btrim(l.label))
      AND NOT EXISTS (SELECT 1 FROM zhpolicy.concept_label_removed r WHERE r.concept_id = f.id AND r.label = btrim(l.label))
    ORDER BY f.id, btrim(l.label), l.kind;
    -- related links once every concept is there (they may point forward in the file)
    UPDATE zhpolicy.concept c SET related = f.related
    FROM (SELECT v.id, ARRAY(SELECT btrim(r) FROM unnest(string_to_array(v.related, '|')) r
                             WHERE btrim(r) <> '' AND EXISTS (SELECT 1 FROM zhpolicy.concept x WHERE x.id = btrim(r))) AS related
          FROM zhpolicy.vocabulary_file(name) v WHERE v.related IS NOT NULL) f
    WHERE c.id = f.id AND c.shipped AND c.related IS DISTINCT FROM f.related;
    SELECT count(*) INTO skipped FROM zhpolicy.vocabulary_file(name) f
    WHERE NOT EXISTS (SELECT 1 FROM zhpolicy.concept c WHERE c.id = f.id);
    IF skipped > 0 THEN
        RAISE NOTICE 'load_vocabulary: % concepts of "%" that were removed are not loaded again', skipped, name
            USING HINT = format('SELECT zhpolicy.load_vocabulary(%L, restore_removed => true); loads them.', name);
    END IF;
    RETURN (SELECT count(*) FROM zhpolicy.vocabulary_file(name));
END
$$;
COMMENT ON FUNCTION zhpolicy.load_vocabulary(text, boolean) IS 'load a vocabulary shipped with zhpolicy (''policy'', which CREATE EXTENSION loads) into its scheme';

-- A tsquery that finds texts about a concept: any label of it or of a narrower concept.
CREATE FUNCTION zhpolicy.concept_query(concept text) RETURNS tsquery
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q tsquery;
BEGIN
    SELECT tsquery_or_agg INTO q FROM (
        SELECT string_agg('(' || websearch_to_tsquery('zhpolicy', '"' || replace(l.label, '"', ' ') || '"')::text || ')', ' | ')::tsquery AS tsquery_or_agg
        FROM zhpolicy.narrower(concept) n
        JOIN LATERAL (SELECT c.pref_label AS label FROM zhpolicy.concept c WHERE c.id = n.id
                      UNION SELECT cl.label FROM zhpolicy.concept_label cl WHERE cl.concept_id = n.id) l ON true
        WHERE websearch_to_tsquery('zhpolicy', '"' || replace(l.label, '"', ' ') || '"')::text <> ''
    ) s;
    IF q IS NULL THEN
        RAISE EXCEPTION 'no concept "%"', concept
            USING ERRCODE = 'undefined_object',
                  HINT = 'Give a concept id or preferred label of zhpolicy.concept.';
    END IF;
    RETURN q;
END
$$;

-- Tagging a text with the vocabulary (C, one matcher per backend, rebuilt when the vocabulary changes).
CREATE FUNCTION zhpolicy.tag(doc text,
    OUT concept_id text, OUT pref_label text, OUT hits integer, OUT score float8, OUT matched text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'zhpolicy_tag' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.tag(text) IS 'concepts of a text: hits, score, and whether matched directly or through narrower concepts';

CREATE FUNCTION zhpolicy.tag_spans(doc text,
    OUT concept_id text, OUT label text, OUT start_pos integer, OUT length integer, OUT matched_text text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'zhpolicy_tag_spans' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.tag_spans(text) IS 'every label match: substr(doc, start_pos, length) is the matched text';

CREATE FUNCTION zhpolicy.concepts(doc text, min_score float8 DEFAULT 0) RETURNS text[]
AS 'MODULE_PATHNAME', 'zhpolicy_concepts' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.concepts(text, float8) IS 'ids of the concepts of a text with at least min_score, best first';

-- What tag_table did to each row: the hash of its text and the fingerprint of what it was
-- tagged with.  Keyed by the table's OID (a regclass, so a dump carries the table's name
-- and a restore finds the new OID) and the tags column.  Any role that may update a table
-- may read and write its log (row-level security), so a table's owner can run tag_table.
CREATE TABLE zhpolicy.tag_log (
    table_oid    regclass NOT NULL,
    tags_column  name NOT NULL,
    pk           text NOT NULL,
    text_md5     text NOT NULL,
    fingerprint  text NOT NULL,
    tagged_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (table_oid, tags_column, pk)
);
COMMENT ON TABLE zhpolicy.tag_log IS 'rows tagged by zhpolicy.tag_table: text hash and vocabulary fingerprint';
ALTER TABLE zhpolicy.tag_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY tag_log_table_writers ON zhpolicy.tag_log
    USING (pg_catalog.has_table_privilege(table_oid::pg_catalog.oid, 'UPDATE'))
    WITH CHECK (pg_catalog.has_table_privilege(table_oid::pg_catalog.oid, 'UPDATE'));
GRANT SELECT, INSERT, UPDATE, DELETE ON zhpolicy.tag_log TO PUBLIC;
-- rows of dropped tables are not dumped (their OIDs could name another table after a restore)
SELECT pg_catalog.pg_extension_config_dump('zhpolicy.tag_log',
    'WHERE table_oid::pg_catalog.oid IN (SELECT c.oid FROM pg_catalog.pg_class c)');

-- The column of tbl named col, with its type; a clear error if there is none.
CREATE FUNCTION zhpolicy.column_type(tbl regclass, col name) RETURNS regtype
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t regtype;
BEGIN
    SELECT a.atttypid::regtype INTO t FROM pg_attribute a
    WHERE a.attrelid = tbl AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
    IF t IS NULL THEN
        RAISE EXCEPTION 'column "%" of table % does not exist', col, tbl
            USING ERRCODE = 'undefined_column';
    END IF;
    RETURN t;
END
$$;

-- Check what tag_table is given; returns the table's primary key column.
CREATE FUNCTION zhpolicy.tag_table_key(tbl regclass, text_column name, tags_column name) RETURNS name
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pk name;
    t regtype;
BEGIN
    IF tbl IS NULL OR text_column IS NULL OR tags_column IS NULL THEN
        RAISE EXCEPTION 'table, text column and tags column must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    t := zhpolicy.column_type(tbl, text_column);
    IF t NOT IN ('text'::regtype, 'character varying'::regtype) THEN
        RAISE EXCEPTION 'column "%" of table % is %, not text', text_column, tbl, t
            USING ERRCODE = 'datatype_mismatch';
    END IF;
    t := zhpolicy.column_type(tbl, tags_column);
    IF t <> 'text[]'::regtype THEN
        RAISE EXCEPTION 'column "%" of table % is %, not text[]', tags_column, tbl, t
            USING ERRCODE = 'datatype_mismatch',
                  HINT = format('ALTER TABLE %s ADD COLUMN %I text[];', tbl, tags_column);
    END IF;
    SELECT a.attname INTO pk FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
    WHERE i.indrelid = tbl AND i.indisprimary AND i.indnatts = 1;
    IF pk IS NULL THEN
        RAISE EXCEPTION 'table % has no single-column primary key', tbl
            USING ERRCODE = 'invalid_table_definition',
                  HINT = 'tag_table remembers rows by their primary key; add one.';
    END IF;
    RETURN pk;
END
$$;

-- What a row's tags depend on besides its text: the vocabulary and the tagging settings.
CREATE FUNCTION zhpolicy.tag_table_fingerprint(text_column name, min_score float8, schemes text[]) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT md5(zhpolicy.vocabulary_fingerprint() || '/' || text_column || '/' || coalesce(min_score, 0)::text
               || coalesce('/' || array_to_string(ARRAY(SELECT DISTINCT s FROM unnest(schemes) s ORDER BY 1), ','), ''))
$$;

-- The rows tag_table would tag now: new, text changed, tags missing, or tagged with another
-- vocabulary or settings, as a FROM ... WHERE clause over tbl aliased t (parameters: $1 the
-- table, $2 the tags column, $3 the fingerprint).  Table and columns go into the SQL once, as
-- identifiers; values are parameters.
CREATE FUNCTION zhpolicy.tag_table_due(tbl regclass, pk name, text_column name, tags_column name) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT format($q$
        FROM %3$s t LEFT JOIN zhpolicy.tag_log l
          ON l.table_oid::oid = $1::oid AND l.tags_column = $2 AND l.pk = t.%1$I::text
        WHERE l.pk IS NULL OR l.fingerprint <> $3 OR t.%4$I IS NULL
           OR l.text_md5 <> md5(coalesce(t.%2$I::text, ''))$q$, pk, text_column, tbl, tags_column)
$$;

-- How many rows tag_table would tag now.
CREATE FUNCTION zhpolicy.tag_table_pending(tbl regclass, text_column name, tags_column name,
                                           min_score float8 DEFAULT 0, schemes text[] DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pk name := zhpolicy.tag_table_key(tbl, text_column, tags_column);
    n bigint;
BEGIN
    IF zhpolicy.is_citus_table(tbl) THEN
        -- a Citus table: keys and text hashes come from the workers, the log is here
        EXECUTE format($q$
            WITH w AS MATERIALIZED (SELECT t.%1$I::text AS k, md5(coalesce(t.%2$I::text, '')) AS h,
                                           t.%4$I IS NULL AS untagged FROM %3$s t)
            SELECT count(*) FROM w LEFT JOIN zhpolicy.tag_log l
              ON l.table_oid::oid = $1::oid AND l.tags_column = $2 AND l.pk = w.k
            WHERE l.pk IS NULL OR l.fingerprint <> $3 OR w.untagged OR l.text_md5 <> w.h$q$,
            pk, text_column, tbl, tags_column)
        INTO n USING tbl, tags_column, zhpolicy.tag_table_fingerprint(text_column, min_score, schemes);
        RETURN n;
    END IF;
    EXECUTE 'SELECT count(*) ' || zhpolicy.tag_table_due(tbl, pk, text_column, tags_column)
    INTO n USING tbl, tags_column, zhpolicy.tag_table_fingerprint(text_column, min_score, schemes);
    RETURN n;
END
$$;
COMMENT ON FUNCTION zhpolicy.tag_table_pending(regclass, name, name, float8, text[]) IS 'how many rows zhpolicy.tag_table would tag now';

-- One batch of tag_table: lock up to batch_size pending rows (others running on the same
-- table wait for this batch, then skip what it did), tag them, log them; returns how many.
CREATE FUNCTION zhpolicy.tag_table_batch(tbl regclass, text_column name, tags_column name,
                                         batch_size integer DEFAULT 500, min_score float8 DEFAULT 0,
                                         schemes text[] DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pk name := zhpolicy.tag_table_key(tbl, text_column, tags_column);
    n bigint;
    w record;
    after text;
BEGIN
    IF batch_size IS NULL OR batch_size < 1 THEN
        RAISE EXCEPTION 'batch_size must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF zhpolicy.is_citus_table(tbl) THEN
        -- a Citus table (no row locks across nodes): windows from the first key, until one tags rows
        LOOP
            w := zhpolicy.tag_table_window(tbl, text_column, tags_column, batch_size, coalesce(min_score, 0), after, schemes);
            EXIT WHEN w.tagged > 0 OR w.scanned < batch_size;
            after := w.last_key;
        END LOOP;
        RETURN w.tagged;
    END IF;
    -- one batch at a time per table: key 'zhpolicy tag_table' (0x7a68) and the table's OID
    PERFORM pg_advisory_xact_lock(31336, tbl::oid::bigint::bit(32)::int4);
    EXECUTE format($q$
        WITH todo AS (
            SELECT t.tableoid AS rel, t.ctid AS row_id, t.%1$I::text AS pk, t.%2$I::text AS body
            %5$s
            ORDER BY t.%1$I LIMIT $4 FOR UPDATE OF t SKIP LOCKED
        ), upd AS (
            UPDATE %3$s t SET %4$I = zhpolicy.concepts(coalesce(todo.body, ''), $5, $6)
            FROM todo WHERE t.tableoid = todo.rel AND t.ctid = todo.row_id
            RETURNING todo.pk, md5(coalesce(todo.body, '')) AS h
        )
        INSERT INTO zhpolicy.tag_log AS l (table_oid, tags_column, pk, text_md5, fingerprint, tagged_at)
        SELECT $1, $2, upd.pk, upd.h, $3, now() FROM upd
        ON CONFLICT (table_oid, tags_column, pk) DO UPDATE
        SET text_md5 = excluded.text_md5, fingerprint = excluded.fingerprint,
            tagged_at = excluded.tagged_at$q$,
        pk, text_column, tbl, tags_column, zhpolicy.tag_table_due(tbl, pk, text_column, tags_column))
    USING tbl, tags_column, zhpolicy.tag_table_fingerprint(text_column, min_score, schemes), batch_size,
          coalesce(min_score, 0), schemes;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION zhpolicy.tag_table_batch(regclass, name, name, integer, float8, text[]) IS 'one batch of zhpolicy.tag_table, in the caller''s transaction';

-- tag_table's progress line.
CREATE FUNCTION zhpolicy.tag_table_progress(tbl regclass, done bigint, todo bigint, started timestamptz)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF todo IS NULL THEN
        RAISE NOTICE 'zhpolicy.tag_table %: done, % rows tagged', tbl, done;
    ELSE
        RAISE NOTICE 'zhpolicy.tag_table %: % rows tagged, about % left, % rows/s', tbl, done,
            greatest(todo - done, 0),
            round(done / greatest(extract(epoch FROM clock_timestamp() - started), 0.001)::numeric, 1);
    END IF;
END
$$;

-- Is tbl a Citus table (distributed, reference or Citus-local)?  false where Citus is not installed.
CREATE FUNCTION zhpolicy.is_citus_table(tbl regclass) RETURNS boolean
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    found boolean;
BEGIN
    IF to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
        RETURN false;
    END IF;
    EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid OPERATOR(pg_catalog.=) $1)'
    INTO found USING tbl;
    RETURN found;
END
$$;

-- tag_table on a Citus table, one window of its rows: the next batch_size rows after the key
-- `after`, in key order.  Their keys and text hashes (computed on the workers, in parallel) come
-- to the coordinator and are compared with zhpolicy.tag_log there; the rows that are due are
-- tagged by one UPDATE that runs on the workers, shard by shard in parallel; the log is written
-- on the coordinator.  No row locks (Citus has none across nodes): one window at a time per table
-- (the same advisory lock as tag_table_batch), and the UPDATE logs the hash of the text it tagged,
-- so a text changed meanwhile is tagged again by the next run.  Returns how many rows it tagged,
-- how many it looked at (fewer than batch_size: the table's end) and the last key it looked at.
CREATE FUNCTION zhpolicy.tag_table_window(tbl regclass, text_column name, tags_column name,
                                          batch_size integer, min_score float8, after text,
                                          schemes text[] DEFAULT NULL,
                                          OUT tagged bigint, OUT scanned bigint, OUT last_key text)
RETURNS record
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pk name := zhpolicy.tag_table_key(tbl, text_column, tags_column);
    pk_type text;
    fp text := zhpolicy.tag_table_fingerprint(text_column, min_score, schemes);
    due text[];
    keys text[] := '{}';
    hashes text[] := '{}';
    r record;
BEGIN
    IF batch_size IS NULL OR batch_size < 1 THEN
        RAISE EXCEPTION 'batch_size must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT format_type(a.atttypid, a.atttypmod) INTO pk_type FROM pg_attribute a
    WHERE a.attrelid = tbl AND a.attname = pk;
    PERFORM pg_advisory_xact_lock(31336, tbl::oid::bigint::bit(32)::int4);
    EXECUTE format($q$
        WITH w AS MATERIALIZED (
            SELECT t.%1$I AS k, md5(coalesce(t.%2$I::text, '')) AS h, t.%4$I IS NULL AS untagged
            FROM %3$s t WHERE $4::text IS NULL OR t.%1$I > $4::%5$s
            ORDER BY t.%1$I LIMIT $5
        )
        SELECT count(*), max(w.k)::text,
               array_agg(w.k::text ORDER BY w.k) FILTER (WHERE l.pk IS NULL OR l.fingerprint <> $3 OR w.untagged
                                                         OR l.text_md5 <> w.h)
        FROM w LEFT JOIN zhpolicy.tag_log l
          ON l.table_oid::oid = $1::oid AND l.tags_column = $2 AND l.pk = w.k::text$q$,
        pk, text_column, tbl, tags_column, pk_type)
    INTO scanned, last_key, due USING tbl, tags_column, fp, after, batch_size;
    tagged := 0;
    IF due IS NULL THEN
        RETURN;
    END IF;
    FOR r IN EXECUTE format($q$
        UPDATE %3$s t SET %4$I = zhpolicy.concepts(coalesce(t.%2$I::text, ''), $2, $3)
        WHERE t.%1$I = ANY ($1::%5$s[])
        RETURNING t.%1$I::text AS pk, md5(coalesce(t.%2$I::text, '')) AS h$q$,
        pk, text_column, tbl, tags_column, pk_type)
    USING due, min_score, schemes
    LOOP
        keys := keys || r.pk;
        hashes := hashes || r.h;
    END LOOP;
    INSERT INTO zhpolicy.tag_log AS l (table_oid, tags_column, pk, text_md5, fingerprint, tagged_at)
    SELECT tbl, tags_column, u.pk, u.h, fp, now() FROM unnest(keys, hashes) u(pk, h)
    ON CONFLICT ON CONSTRAINT tag_log_pkey DO UPDATE
    SET text_md5 = excluded.text_md5, fingerprint = excluded.fingerprint, tagged_at = excluded.tagged_at;
    tagged := cardinality(keys);
END
$$;
COMMENT ON FUNCTION zhpolicy.tag_table_window(regclass, name, name, integer, float8, text, text[]) IS 'one window of zhpolicy.tag_table on a Citus table, in the caller''s transaction';

-- Make the dictionary and vocabulary tables Citus reference tables, so that every node of the
-- cluster segments and tags with the same user words, concepts, labels and document
-- frequencies.  Run once on the coordinator, after citus_add_node; returns the tables it changed
-- (none the second time).  zhpolicy.vocabulary_version (each node's change counter) and
-- zhpolicy.tag_log (tag_table's log, kept where tag_table runs) stay local.
CREATE FUNCTION zhpolicy.citus_distribute() RETURNS SETOF regclass
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t regclass;
    saved text;
BEGIN
    IF to_regproc('pg_catalog.create_reference_table') IS NULL THEN
        RAISE EXCEPTION 'Citus is not installed in this database'
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'CREATE EXTENSION citus; and add the worker nodes first.';
    END IF;
    -- the tables' triggers run on every node's copy; they only touch that copy (or the node's own
    -- vocabulary_version), which is what Citus calls a safe trigger
    saved := current_setting('citus.enable_unsafe_triggers');
    PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
    -- Citus cannot convert a table that a foreign key links to a table of the extension (it
    -- would create the other table on the workers, where the extension made it already): the
    -- labels' foreign key is dropped on every node first (the workers' copies of the extension's
    -- tables are empty; a run that stops half way is completed by the next), and made again
    -- between the two reference tables, on every node's copy
    IF NOT zhpolicy.is_citus_table('zhpolicy.concept_label') THEN
        PERFORM * FROM pg_catalog.run_command_on_workers(
            'ALTER TABLE zhpolicy.concept_label DROP CONSTRAINT IF EXISTS concept_label_concept_id_fkey');
        ALTER TABLE zhpolicy.concept_label DROP CONSTRAINT IF EXISTS concept_label_concept_id_fkey;
    END IF;
    -- the same for the concepts' foreign key to their schemes
    IF NOT zhpolicy.is_citus_table('zhpolicy.concept') THEN
        PERFORM * FROM pg_catalog.run_command_on_workers(
            'ALTER TABLE zhpolicy.concept DROP CONSTRAINT IF EXISTS concept_scheme_fkey');
        ALTER TABLE zhpolicy.concept DROP CONSTRAINT IF EXISTS concept_scheme_fkey;
    END IF;
    FOREACH t IN ARRAY ARRAY['zhpolicy.user_word', 'zhpolicy.concept_scheme', 'zhpolicy.concept', 'zhpolicy.concept_label',
                             'zhpolicy.concept_removed', 'zhpolicy.concept_label_removed',
                             'zhpolicy.term_df', 'zhpolicy.df_corpus']::regclass[] LOOP
        IF NOT zhpolicy.is_citus_table(t) THEN
            EXECUTE 'SELECT pg_catalog.create_reference_table($1)' USING t;
            RETURN NEXT t;
        END IF;
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'zhpolicy.concept_label'::regclass
                   AND conname = 'concept_label_concept_id_fkey') THEN
        ALTER TABLE zhpolicy.concept_label ADD CONSTRAINT concept_label_concept_id_fkey
            FOREIGN KEY (concept_id) REFERENCES zhpolicy.concept (id) ON UPDATE CASCADE ON DELETE CASCADE;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = 'zhpolicy.concept'::regclass
                   AND conname = 'concept_scheme_fkey') THEN
        ALTER TABLE zhpolicy.concept ADD CONSTRAINT concept_scheme_fkey
            FOREIGN KEY (scheme) REFERENCES zhpolicy.concept_scheme (id) ON UPDATE CASCADE ON DELETE CASCADE;
    END IF;
    PERFORM set_config('citus.enable_unsafe_triggers', saved, true);
END
$$;
COMMENT ON FUNCTION zhpolicy.citus_distribute() IS 'make the user words, vocabulary and document frequencies Citus reference tables (run once on the coordinator)';

-- Tag the rows of a table that are new, whose text changed, or that were tagged under another
-- vocabulary: store zhpolicy.concepts(text, min_score) in the tags column, in batches, each
-- committed.  Cancel it at any time and call it again: it goes on where it stopped.  Two runs
-- at once take turns batch by batch and never tag the same row twice.  (A procedure that
-- commits cannot have a SET clause: every name and operator here is schema-qualified.)
CREATE PROCEDURE zhpolicy.tag_table(tbl regclass, text_column name, tags_column name,
                                    batch_size integer DEFAULT 500, min_score float8 DEFAULT 0,
                                    schemes text[] DEFAULT NULL)
LANGUAGE plpgsql AS $$
DECLARE
    todo bigint;
    n bigint;
    done bigint := 0;
    started timestamptz := pg_catalog.clock_timestamp();
    w record;
    after text;
BEGIN
    PERFORM zhpolicy.tag_table_key(tbl, text_column, tags_column);
    IF batch_size IS NULL OR batch_size OPERATOR(pg_catalog.<) 1 THEN
        RAISE EXCEPTION 'batch_size must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    todo := zhpolicy.tag_table_pending(tbl, text_column, tags_column, COALESCE(min_score, 0), schemes);
    COMMIT;
    IF zhpolicy.is_citus_table(tbl) THEN
        -- a Citus table: windows of rows in key order, each tagged on the workers and committed
        LOOP
            w := zhpolicy.tag_table_window(tbl, text_column, tags_column, batch_size, COALESCE(min_score, 0), after, schemes);
            COMMIT;
            IF w.tagged OPERATOR(pg_catalog.>) 0 THEN
                done := done OPERATOR(pg_catalog.+) w.tagged;
                PERFORM zhpolicy.tag_table_progress(tbl, done, todo, started);
            END IF;
            EXIT WHEN w.scanned OPERATOR(pg_catalog.<) batch_size;
            after := w.last_key;
        END LOOP;
    ELSE
        LOOP
            n := zhpolicy.tag_table_batch(tbl, text_column, tags_column, batch_size, COALESCE(min_score, 0), schemes);
            COMMIT;
            EXIT WHEN n IS NULL OR n OPERATOR(pg_catalog.=) 0;
            done := done OPERATOR(pg_catalog.+) n;
            PERFORM zhpolicy.tag_table_progress(tbl, done, todo, started);
        END LOOP;
    END IF;
    PERFORM zhpolicy.tag_table_progress(tbl, done, NULL, started);
END
$$;

-- Document frequencies of terms, for keywords(): gathered from a table's text column.
CREATE TABLE zhpolicy.term_df (
    corpus  text NOT NULL,
    term    text NOT NULL,
    df      bigint NOT NULL,
    PRIMARY KEY (corpus, term)
);
CREATE TABLE zhpolicy.df_corpus (
    corpus        text PRIMARY KEY,
    n_docs        bigint NOT NULL,
    collected_at  timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON zhpolicy.term_df, zhpolicy.df_corpus TO PUBLIC;
GRANT INSERT, UPDATE, DELETE, TRUNCATE ON zhpolicy.term_df, zhpolicy.df_corpus TO @extowner@ WITH GRANT OPTION;
SELECT pg_catalog.pg_extension_config_dump('zhpolicy.term_df', '');
SELECT pg_catalog.pg_extension_config_dump('zhpolicy.df_corpus', '');

-- A stop-word dictionary without characters, for choosing keyword terms.
CREATE TEXT SEARCH DICTIONARY pg_catalog.zhpolicy_stop (TEMPLATE = zhpolicy, StopWords = zhpolicy, Chars = false);

-- The terms of a text that can be keywords: words of two or more characters, not stop words,
-- with dictionary compounds whole (知识产权 rather than 知识 and 产权).
CREATE FUNCTION zhpolicy.keyword_terms(doc text) RETURNS SETOF text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT t FROM unnest(zhpolicy.segment(doc, 'compound')) t
    WHERE char_length(t) >= 2 AND t ~ '^[[:alpha:]一-龥][[:alnum:]一-龥]*$'
      AND ts_lexize('zhpolicy_stop', t) <> '{}'
$$;

-- The distinct keyword terms of a text, as an array: what collect_df counts once per document
-- (a function in the select list, so that Citus runs it on the workers; Citus takes only
-- immutable functions in FROM).
CREATE FUNCTION zhpolicy.keyword_term_set(doc text) RETURNS text[]
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT coalesce(array_agg(DISTINCT t ORDER BY t), '{}') FROM zhpolicy.keyword_terms(doc) t $$;

-- Refuse a column that is not text (or varchar): what collect_df, rank_query and rank_top read.
CREATE FUNCTION zhpolicy.require_text_column(tbl regclass, text_column name) RETURNS void
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF zhpolicy.column_type(tbl, text_column) NOT IN ('text'::regtype, 'character varying'::regtype) THEN
        RAISE EXCEPTION 'column "%" of table % is not text', text_column, tbl
            USING ERRCODE = 'datatype_mismatch';
    END IF;
END
$$;

-- Gather document frequencies of the terms of a table's text column; returns the number of
-- documents.  The corpus is named after the table (schema-qualified) unless named.
CREATE FUNCTION zhpolicy.collect_df(tbl regclass, text_column name, corpus text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    name text := coalesce(collect_df.corpus, tbl::text);
    n bigint;
BEGIN
    PERFORM zhpolicy.require_text_column(tbl, text_column);
    PERFORM zhpolicy.require_write(ARRAY['zhpolicy.term_df', 'zhpolicy.df_corpus'], 'zhpolicy document frequencies');
    DELETE FROM zhpolicy.term_df WHERE term_df.corpus = name;
    EXECUTE format('SELECT count(*) FROM %s', tbl) INTO n;
    EXECUTE format($q$
        INSERT INTO zhpolicy.term_df (corpus, term, df)
        SELECT $1, y.t, count(*) FROM %s x CROSS JOIN LATERAL unnest(zhpolicy.keyword_term_set(x.%I::text)) y(t)
        GROUP BY y.t$q$, tbl, text_column) USING name;
    INSERT INTO zhpolicy.df_corpus (corpus, n_docs, collected_at) VALUES (name, n, now())
    ON CONFLICT (corpus) DO UPDATE SET n_docs = excluded.n_docs, collected_at = excluded.collected_at;
    RETURN n;
END
$$;

-- A document's top terms by TF-IDF against a corpus gathered with collect_df (the most
-- recent one by default), and whether a concept of the vocabulary covers each term yet.
CREATE FUNCTION zhpolicy.keywords(doc text, n integer DEFAULT 10, corpus text DEFAULT NULL,
    OUT term text, OUT tf integer, OUT df bigint, OUT score float8, OUT covered_by text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c text := corpus;
    n_docs bigint;
BEGIN
    IF doc IS NULL THEN
        RETURN;
    END IF;
    IF c IS NULL THEN
        SELECT d.corpus INTO c FROM zhpolicy.df_corpus d ORDER BY d.collected_at DESC LIMIT 1;
    END IF;
    SELECT d.n_docs INTO n_docs FROM zhpolicy.df_corpus d WHERE d.corpus = c;
    IF n_docs IS NULL THEN
        RAISE EXCEPTION 'no document frequencies%', coalesce(' for corpus "' || c || '"', '')
            USING ERRCODE = 'undefined_object',
                  HINT = 'Gather them first: SELECT zhpolicy.collect_df(''my_table'', ''body'');';
    END IF;
    RETURN QUERY
    SELECT t.term, t.tf::integer, coalesce(f.df, 0),
           round((t.tf * (ln((n_docs + 1.0) / (coalesce(f.df, 0) + 1.0)) + 1))::numeric, 3)::float8,
           (SELECT g.concept_id FROM zhpolicy.tag(t.term) g ORDER BY g.score DESC LIMIT 1)
    FROM (SELECT k AS term, count(*) AS tf FROM zhpolicy.keyword_terms(doc) k GROUP BY k) t
    LEFT JOIN zhpolicy.term_df f ON f.corpus = c AND f.term = t.term
    ORDER BY 4 DESC, 1
    LIMIT greatest(n, 0);
END
$$;
COMMENT ON FUNCTION zhpolicy.keywords(text, integer, text) IS 'top terms by TF-IDF; covered_by is NULL for terms no concept covers yet';

-- The whole-document text index: GIN keys are pairs of adjacent characters of the text itself
-- (no tsvector, so no position limit), rechecked against the row; &@ means strpos(doc, q) > 0,
-- and LIKE and ILIKE use the same index.  COST 1000: a call reads a whole document (often from
-- TOAST), and a table of a few hundred long rows fits in a few heap pages, so at the default cost
-- the planner would think a sequential scan of every document cheaper than the index.
CREATE FUNCTION zhpolicy.contains(doc text, q text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'zhpolicy_contains' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION zhpolicy.contains(text, text) IS 'whether doc contains q, as strpos(doc, q) > 0; the operator &@, served by gin_bigram_ops';
CREATE OPERATOR zhpolicy.&@ (LEFTARG = text, RIGHTARG = text, FUNCTION = zhpolicy.contains,
                             RESTRICT = matchingsel, JOIN = matchingjoinsel);
COMMENT ON OPERATOR zhpolicy.&@ (text, text) IS 'contains: doc &@ q is strpos(doc, q) > 0, searched with a gin_bigram_ops index';
-- The candidates of &@ as the text index lists them: rows that hold every pair of adjacent
-- characters of q (folded as the index folds them).  Every row that contains q is one; the index
-- answers &@~ without reading a row, which is what zhpolicy.rank_top takes its candidates and
-- document frequencies from.
CREATE FUNCTION zhpolicy.may_contain(doc text, q text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'zhpolicy_may_contain' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION zhpolicy.may_contain(text, text) IS 'whether doc holds every character pair of q (the text index''s candidates for &@); the operator &@~';
CREATE OPERATOR zhpolicy.&@~ (LEFTARG = text, RIGHTARG = text, FUNCTION = zhpolicy.may_contain,
                              RESTRICT = matchingsel, JOIN = matchingjoinsel);
COMMENT ON OPERATOR zhpolicy.&@~ (text, text) IS 'may contain: doc &@~ q holds every character pair of q, answered by a gin_bigram_ops index alone';
CREATE FUNCTION zhpolicy.occurrences(doc text, q text) RETURNS integer
    AS 'MODULE_PATHNAME', 'zhpolicy_occurrences' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION zhpolicy.occurrences(text, text) IS 'how many times q occurs in doc, without overlaps (0 for an empty q)';
CREATE FUNCTION zhpolicy.bigram_extract_value(text, internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'zhpolicy_bigram_extract_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zhpolicy.bigram_extract_query(text, internal, int2, internal, internal, internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME', 'zhpolicy_bigram_extract_query' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zhpolicy.bigram_consistent(internal, int2, text, int4, internal, internal, internal, internal) RETURNS boolean
    AS 'MODULE_PATHNAME', 'zhpolicy_bigram_consistent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zhpolicy.bigram_triconsistent(internal, int2, text, int4, internal, internal, internal) RETURNS "char"
    AS 'MODULE_PATHNAME', 'zhpolicy_bigram_triconsistent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zhpolicy.bigram_compare_partial(int4, int4, int2, internal) RETURNS int4
    AS 'MODULE_PATHNAME', 'zhpolicy_bigram_compare_partial' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR CLASS zhpolicy.gin_bigram_ops FOR TYPE text USING gin AS
    OPERATOR 1 zhpolicy.&@ (text, text),
    OPERATOR 2 pg_catalog.~~ (text, text),
    OPERATOR 3 pg_catalog.~~* (text, text),
    OPERATOR 4 zhpolicy.&@~ (text, text),
    FUNCTION 1 pg_catalog.btint4cmp(int4, int4),
    FUNCTION 2 zhpolicy.bigram_extract_value(text, internal, internal),
    FUNCTION 3 zhpolicy.bigram_extract_query(text, internal, int2, internal, internal, internal, internal),
    FUNCTION 4 zhpolicy.bigram_consistent(internal, int2, text, int4, internal, internal, internal, internal),
    FUNCTION 5 zhpolicy.bigram_compare_partial(int4, int4, int2, internal),
    FUNCTION 6 zhpolicy.bigram_triconsistent(internal, int2, text, int4, internal, internal, internal),
    STORAGE int4;
COMMENT ON OPERATOR CLASS zhpolicy.gin_bigram_ops USING gin IS 'exact search in rows of any length: &@, LIKE and ILIKE through pairs of adjacent characters (and &@~, their candidates)';
-- The fragments of a whole document around the terms of a query (words separated by spaces, or
-- "quoted" phrases, matched exactly as zhpolicy.contains matches), highlighted; linear in the
-- document's length (ts_headline needs the tsquery's positions, which stop at 16,383).
CREATE FUNCTION zhpolicy.snippet(doc text, query text, start_sel text DEFAULT '<b>',
                                 stop_sel text DEFAULT '</b>', max_fragments integer DEFAULT 3,
                                 context integer DEFAULT 40, fragment_delimiter text DEFAULT ' … ',
                                 html boolean DEFAULT false) RETURNS text
    AS 'MODULE_PATHNAME', 'zhpolicy_snippet' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.snippet(text, text, text, text, integer, integer, text, boolean) IS 'exact highlighting of whole documents: fragments around the query''s words and "phrases"';
-- Relevance ranking (zhpolicy.rank): BM25 over the exact occurrences of a query's phrases.
-- A query as rank() reads it: its phrases, their weights (idf times word weight), and the
-- statistics they came from (mean length in bytes, rows, rows holding each phrase).
CREATE TYPE zhpolicy.rank_query AS (
    terms    text[],
    weights  float8[],
    avg_len  float8,
    n_docs   bigint,
    df       bigint[]
);

-- The phrases of a query: separated by white space ("double quotes" keep spaces), repeats dropped.
CREATE FUNCTION zhpolicy.rank_terms(query text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(array_agg(t ORDER BY o), '{}') FROM (
        SELECT t, min(o) AS o FROM (
            SELECT btrim(coalesce(m[1], m[2])) AS t, o
            FROM regexp_matches(query, '"([^"]*)"|([^[:space:]"]+)', 'g') WITH ORDINALITY AS x(m, o)) y
        WHERE t <> '' GROUP BY t) z
$$;

-- Share of a phrase's Han characters inside words of two or more characters (1 without Han).
CREATE FUNCTION zhpolicy.rank_word_share(phrase text) RETURNS float8
    AS 'MODULE_PATHNAME', 'zhpolicy_rank_word_share' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- A rank query without corpus statistics: idf 1 for every phrase, no length normalisation.
CREATE FUNCTION zhpolicy.rank_query(query text) RETURNS zhpolicy.rank_query
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ROW(t, coalesce((SELECT array_agg(0.5 OPERATOR(pg_catalog.+) (0.5 OPERATOR(pg_catalog.*) zhpolicy.rank_word_share(x)) ORDER BY o)
                            FROM unnest(t) WITH ORDINALITY AS u(x, o)), '{}'),
               NULL::float8, NULL::bigint, NULL::bigint[])::zhpolicy.rank_query
    FROM zhpolicy.rank_terms(query) AS t
$$;

-- A rank query from phrases and statistics: weight = idf x (0.5 + 0.5 x word share).
CREATE FUNCTION zhpolicy.rank_query_of(terms text[], df bigint[], n_docs bigint, avg_len float8)
RETURNS zhpolicy.rank_query
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ROW(terms,
               coalesce((SELECT array_agg(ln(1 + (n_docs - d + 0.5) / (d + 0.5))
                                          * (0.5 + 0.5 * zhpolicy.rank_word_share(t)) ORDER BY o)
                         FROM unnest(terms, df) WITH ORDINALITY AS u(t, d, o)), '{}'),
               avg_len, n_docs, df)::zhpolicy.rank_query
$$;

-- A rank query with statistics of a table's text column, gathered now: the number of rows, their
-- mean length, and for each phrase its document frequency, counted as the rows the text index
-- lists for it (&@~: rows holding each of its character pairs; exactly the rows that contain it
-- for a phrase of one or two characters, a few more for a longer one), so that it costs an index
-- scan and no row is read; without the index it is the same count by a sequential scan.
CREATE FUNCTION zhpolicy.rank_query(query text, tbl regclass, text_column name) RETURNS zhpolicy.rank_query
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    terms text[] := zhpolicy.rank_terms(query);
    n bigint;
    avg_len float8;
    dfs bigint[] := '{}';
    df bigint;
    t text;
BEGIN
    PERFORM zhpolicy.require_text_column(tbl, text_column);
    EXECUTE format('SELECT count(*), avg(octet_length(%I)) FROM %s', text_column, tbl) INTO n, avg_len;
    FOREACH t IN ARRAY terms LOOP
        EXECUTE format('SELECT count(*) FROM %s WHERE %I::text OPERATOR(zhpolicy.&@~) $1', tbl, text_column)
            INTO df USING t;
        dfs := dfs || df;
    END LOOP;
    RETURN zhpolicy.rank_query_of(terms, dfs, n, avg_len);
END
$$;

-- Relevance of a document (and its title, if separate) to a rank query; higher is better.
CREATE FUNCTION zhpolicy.rank(doc text, query zhpolicy.rank_query, title text DEFAULT NULL) RETURNS float8
    AS 'MODULE_PATHNAME', 'zhpolicy_rank' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- The same for a query string, without corpus statistics.
CREATE FUNCTION zhpolicy.rank(doc text, query text) RETURNS float8
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT zhpolicy.rank(doc, zhpolicy.rank_query(query)) $$;

-- What rank() counted for each phrase of the query, and its part of the score.
CREATE FUNCTION zhpolicy.rank_explain(doc text, query zhpolicy.rank_query, title text DEFAULT NULL,
    OUT term text, OUT tf bigint, OUT in_title bigint, OUT checked bigint, OUT words bigint,
    OUT tf_weighted float8, OUT weight float8, OUT score float8)
RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'zhpolicy_rank_explain' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 4;
COMMENT ON TYPE zhpolicy.rank_query IS 'a query for zhpolicy.rank: phrases, their weights and the statistics they came from';
COMMENT ON FUNCTION zhpolicy.rank_terms(text) IS 'the phrases of a ranking query, separated by white space';
COMMENT ON FUNCTION zhpolicy.rank_word_share(text) IS 'share of a phrase''s Han characters inside words of two or more characters';
COMMENT ON FUNCTION zhpolicy.rank_query(text) IS 'a rank query without corpus statistics (idf 1, no length normalisation)';
COMMENT ON FUNCTION zhpolicy.rank_query(text, regclass, name) IS 'a rank query with idf and mean length from a table''s text column';
COMMENT ON FUNCTION zhpolicy.rank(text, zhpolicy.rank_query, text) IS 'BM25 over exact phrase occurrences, words above characters, title or lead boosted';
COMMENT ON FUNCTION zhpolicy.rank(text, text) IS 'zhpolicy.rank without corpus statistics';
COMMENT ON FUNCTION zhpolicy.rank_explain(text, zhpolicy.rank_query, text) IS 'what zhpolicy.rank counted for each phrase';

-- The rank sketch of a document (its length, lead and commonest keys), kept in a column
-- beside the text so that rank_top can bound a row's score without reading the row.
CREATE FUNCTION zhpolicy.rank_sketch(doc text) RETURNS bytea
    AS 'MODULE_PATHNAME', 'zhpolicy_rank_sketch' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The tier keys of a document, for a GIN index on zhpolicy.rank_tiers(body): for each pair of
-- characters (and each character), one key for every tier its count reaches (counts boosted in
-- the lead, normalised to the row's length, tiers a factor of sqrt 2 apart).  rank_top finds the
-- index by itself and reads rows through it, commonest first, instead of bounding every row that
-- holds a phrase.  COST: a call reads and counts a whole document.
CREATE FUNCTION zhpolicy.rank_tiers(doc text) RETURNS integer[]
    AS 'MODULE_PATHNAME', 'zhpolicy_rank_tiers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 10000;
COMMENT ON FUNCTION zhpolicy.rank_tiers(text) IS 'tier keys of a document, for the GIN index zhpolicy.rank_top reads rows through';

-- An upper bound of zhpolicy.rank(doc, query) from doc's rank sketch alone.
-- held, when not NULL, lists the phrases (numbered from 1) the row holds; the others count 0.
CREATE FUNCTION zhpolicy.rank_bound(sketch bytea, query zhpolicy.rank_query, held integer[] DEFAULT NULL) RETURNS float8
    AS 'MODULE_PATHNAME', 'zhpolicy_rank_bound' LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- The k rows of a table that rank highest for a query, as ORDER BY zhpolicy.rank(...) DESC
-- LIMIT k finds them among the rows that contain a phrase: the text index lists the candidates
-- (&@~) without reading a row, which also gives each phrase's document frequency; each
-- candidate's rank sketch bounds its score, and candidates are scored exactly in the order of
-- their bounds until the k-th exact score reaches the next bound.  With epsilon > 0 it stops
-- once the k-th exact score reaches (1 - epsilon) x the next bound: a row left out scores at
-- most that much above the k-th row returned.
CREATE FUNCTION zhpolicy.rank_top(tbl regclass, text_column name, sketch_column name, query text,
    k integer DEFAULT 10, epsilon float8 DEFAULT 0, OUT row_table oid, OUT row_ctid tid, OUT score float8)
RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'zhpolicy_rank_top' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 10
    SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION zhpolicy.rank_sketch(text) IS 'length, lead and commonest keys of a document, for zhpolicy.rank_bound and rank_top';
COMMENT ON FUNCTION zhpolicy.rank_bound(bytea, zhpolicy.rank_query, integer[]) IS 'upper bound of zhpolicy.rank from a rank sketch';
COMMENT ON FUNCTION zhpolicy.rank_query_of(text[], bigint[], bigint, float8) IS 'a rank query from phrases and their statistics';
COMMENT ON FUNCTION zhpolicy.rank_top(regclass, name, name, text, integer, float8) IS 'exact top k rows by zhpolicy.rank, reading few rows';

-- On a Citus cluster these functions read the reference tables (concepts, document frequencies)
-- from inside a task that a distributed query pushed down to a worker; Citus refuses such
-- nested queries unless this setting allows them (its concern is a distributed table's shard
-- moving away; a reference table's copy on the node never does).  Where Citus is not loaded
-- the setting is an unused placeholder.  The C functions (tag, concepts, the parser) do the
-- same inside their table reads (src/cache.c).
ALTER FUNCTION zhpolicy.keywords(text, integer, text) SET citus.allow_nested_distributed_execution = on;
ALTER FUNCTION zhpolicy.concept_query(text) SET citus.allow_nested_distributed_execution = on;
ALTER FUNCTION zhpolicy.narrower(text) SET citus.allow_nested_distributed_execution = on;
ALTER FUNCTION zhpolicy.vocabulary_version() SET citus.allow_nested_distributed_execution = on;

-- ---------------------------------------------------------------- concept schemes
-- Every concept belongs to one scheme (a SKOS ConceptScheme): 'policy', the vocabulary shipped
-- with zhpolicy and loaded by CREATE EXTENSION; 'local', where concepts inserted without a
-- scheme go; and any scheme a user creates or imports.  Concept ids are unique across all
-- schemes, so that tags stay one id each; a concept may have a broader concept of another scheme.
CREATE TABLE zhpolicy.concept_scheme (
    id       text PRIMARY KEY,
    title    text,
    uri      text,
    note     text,
    shipped  boolean NOT NULL DEFAULT false,
    CONSTRAINT concept_scheme_id_format CHECK (id ~ '^[A-Za-z0-9_.:-]+$'),
    CONSTRAINT concept_scheme_uri_key UNIQUE (uri)
);
COMMENT ON TABLE zhpolicy.concept_scheme IS 'concept schemes (SKOS ConceptScheme): the shipped policy scheme, local, and your own';
INSERT INTO zhpolicy.concept_scheme (id, title, uri, note, shipped) VALUES
    ('policy', '中国公共政策主题词表（zhpolicy）', 'urn:zhpolicy:scheme:policy',
     'The policy vocabulary shipped with zhpolicy: concepts of Chinese public policy since 1978.', true),
    ('local', '本地概念', 'urn:zhpolicy:scheme:local', 'Concepts added without naming a scheme.', true);

-- shipped: the row came with the extension (load_vocabulary); a dump carries it, and a restore
-- merges it into the row that CREATE EXTENSION loaded instead of adding it twice.
ALTER TABLE zhpolicy.concept
    ADD COLUMN scheme text NOT NULL DEFAULT 'local',
    ADD COLUMN notation text,
    ADD COLUMN uri text,
    ADD COLUMN shipped boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT concept_scheme_fkey FOREIGN KEY (scheme) REFERENCES zhpolicy.concept_scheme (id)
        ON UPDATE CASCADE ON DELETE CASCADE;
CREATE INDEX concept_scheme_idx ON zhpolicy.concept (scheme);
ALTER TABLE zhpolicy.concept_label ADD COLUMN shipped boolean NOT NULL DEFAULT false;

-- What you removed of the shipped vocabulary (concepts, and labels of concepts that stay), so
-- that a restore or a later load_vocabulary does not bring it back.
CREATE TABLE zhpolicy.concept_removed (
    id          text PRIMARY KEY,
    removed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE zhpolicy.concept_label_removed (
    concept_id  text NOT NULL,
    label       text NOT NULL,
    removed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (concept_id, label)
);
COMMENT ON TABLE zhpolicy.concept_removed IS 'shipped concepts you deleted: not loaded again by load_vocabulary or a restore';
COMMENT ON TABLE zhpolicy.concept_label_removed IS 'shipped labels you deleted or renamed: not loaded again by load_vocabulary or a restore';
GRANT SELECT ON zhpolicy.concept_scheme, zhpolicy.concept_removed, zhpolicy.concept_label_removed TO PUBLIC;
GRANT INSERT, UPDATE, DELETE, TRUNCATE ON zhpolicy.concept_scheme, zhpolicy.concept_removed,
    zhpolicy.concept_label_removed TO @extowner@ WITH GRANT OPTION;
SELECT pg_catalog.pg_extension_config_dump('zhpolicy.concept_scheme', '');
SELECT pg_catalog.pg_extension_config_dump('zhpolicy.concept_removed', '');
SELECT pg_catalog.pg_extension_config_dump('zhpolicy.concept_label_removed', '');

-- A shipped row inserted again (by a restore, after CREATE EXTENSION loaded the same row) is
-- merged into the row that is there.  Concepts are merged at the end of the statement, once
-- every row of a COPY is in (an edited broader or related concept may come later in it).
CREATE FUNCTION zhpolicy.concept_merge_row() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW.shipped AND EXISTS (SELECT 1 FROM zhpolicy.concept c WHERE c.id = NEW.id AND c.shipped) THEN
        IF to_regclass('pg_temp.zhpolicy_concept_merge') IS NULL THEN
            CREATE TEMP TABLE zhpolicy_concept_merge (LIKE zhpolicy.concept);
        END IF;
        INSERT INTO pg_temp.zhpolicy_concept_merge SELECT NEW.*;
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER concept_merge_row BEFORE INSERT ON zhpolicy.concept
    FOR EACH ROW EXECUTE FUNCTION zhpolicy.concept_merge_row();
CREATE FUNCTION zhpolicy.concept_merge_apply() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF to_regclass('pg_temp.zhpolicy_concept_merge') IS NOT NULL THEN
        UPDATE zhpolicy.concept c
        SET pref_label = m.pref_label, broader = m.broader, weight = m.weight, note = m.note,
            related = m.related, scheme = m.scheme, notation = m.notation, uri = m.uri
        FROM pg_temp.zhpolicy_concept_merge m
        WHERE c.id = m.id
          AND (c.pref_label, c.broader, c.weight, c.note, c.related, c.scheme, c.notation, c.uri)
              IS DISTINCT FROM (m.pref_label, m.broader, m.weight, m.note, m.related, m.scheme, m.notation, m.uri);
        DELETE FROM pg_temp.zhpolicy_concept_merge;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER concept_merge_apply AFTER INSERT ON zhpolicy.concept
    FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.concept_merge_apply();

-- A label that is there as a shipped label: the insert sets its weight and kind instead.
CREATE FUNCTION zhpolicy.concept_label_merge_row() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM zhpolicy.concept_label l
               WHERE l.concept_id = NEW.concept_id AND l.label = NEW.label AND l.shipped) THEN
        UPDATE zhpolicy.concept_label l SET weight = NEW.weight, kind = NEW.kind
        WHERE l.concept_id = NEW.concept_id AND l.label = NEW.label
          AND (l.weight, l.kind) IS DISTINCT FROM (NEW.weight, NEW.kind);
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER concept_label_merge_row BEFORE INSERT ON zhpolicy.concept_label
    FOR EACH ROW EXECUTE FUNCTION zhpolicy.concept_label_merge_row();

-- A shipped scheme inserted again (a restore): its title, IRI and note are taken.
CREATE FUNCTION zhpolicy.concept_scheme_merge_row() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW.shipped AND EXISTS (SELECT 1 FROM zhpolicy.concept_scheme s WHERE s.id = NEW.id AND s.shipped) THEN
        UPDATE zhpolicy.concept_scheme s SET title = NEW.title, uri = NEW.uri, note = NEW.note
        WHERE s.id = NEW.id AND (s.title, s.uri, s.note) IS DISTINCT FROM (NEW.title, NEW.uri, NEW.note);
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER concept_scheme_merge_row BEFORE INSERT ON zhpolicy.concept_scheme
    FOR EACH ROW EXECUTE FUNCTION zhpolicy.concept_scheme_merge_row();
-- schemes are part of what tagging reads
CREATE TRIGGER concept_scheme_bump_insert AFTER INSERT ON zhpolicy.concept_scheme
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.vocabulary_bump();
CREATE TRIGGER concept_scheme_bump_update AFTER UPDATE ON zhpolicy.concept_scheme
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.vocabulary_bump();
CREATE TRIGGER concept_scheme_bump_delete AFTER DELETE ON zhpolicy.concept_scheme
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.vocabulary_bump();

-- Deleting (or renaming) a shipped concept or label is remembered.  SECURITY DEFINER so that a
-- role allowed to edit the vocabulary needs no right on the record: fixed statements only.
CREATE FUNCTION zhpolicy.concept_remember_removed() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed_rows o WHERE o.shipped) THEN
        PERFORM set_config('zhpolicy_internal.recording_removal', 'on', true);
        INSERT INTO zhpolicy.concept_removed (id)
        SELECT o.id FROM changed_rows o WHERE o.shipped ON CONFLICT DO NOTHING;
        PERFORM set_config('zhpolicy_internal.recording_removal', 'off', true);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER concept_remember_removed AFTER DELETE ON zhpolicy.concept
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.concept_remember_removed();
CREATE FUNCTION zhpolicy.concept_label_remember_removed() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM changed_rows o WHERE o.shipped) THEN
        PERFORM set_config('zhpolicy_internal.recording_removal', 'on', true);
        INSERT INTO zhpolicy.concept_label_removed (concept_id, label)
        SELECT o.concept_id, o.label FROM changed_rows o
        WHERE o.shipped AND NOT EXISTS (SELECT 1 FROM zhpolicy.concept_removed r WHERE r.id = o.concept_id)
        ON CONFLICT DO NOTHING;
        PERFORM set_config('zhpolicy_internal.recording_removal', 'off', true);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER concept_label_remember_removed AFTER DELETE ON zhpolicy.concept_label
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.concept_label_remember_removed();
-- a renamed shipped concept or label is yours from then on; the shipped one counts as removed
CREATE FUNCTION zhpolicy.concept_renamed_shipped() RETURNS trigger
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- the table is the trigger's argument, not TG_TABLE_NAME: on a Citus worker that is a shard's name
    IF TG_ARGV[0] = 'concept' THEN
        IF OLD.shipped AND NEW.id IS DISTINCT FROM OLD.id THEN
            PERFORM set_config('zhpolicy_internal.recording_removal', 'on', true);
            INSERT INTO zhpolicy.concept_removed (id) VALUES (OLD.id) ON CONFLICT DO NOTHING;
            PERFORM set_config('zhpolicy_internal.recording_removal', 'off', true);
            NEW.shipped := false;
        END IF;
    ELSIF OLD.shipped AND (NEW.concept_id, NEW.label) IS DISTINCT FROM (OLD.concept_id, OLD.label) THEN
        PERFORM set_config('zhpolicy_internal.recording_removal', 'on', true);
        INSERT INTO zhpolicy.concept_label_removed (concept_id, label) VALUES (OLD.concept_id, OLD.label)
        ON CONFLICT DO NOTHING;
        PERFORM set_config('zhpolicy_internal.recording_removal', 'off', true);
        NEW.shipped := false;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER concept_renamed_shipped BEFORE UPDATE OF id ON zhpolicy.concept
    FOR EACH ROW EXECUTE FUNCTION zhpolicy.concept_renamed_shipped('concept');
CREATE TRIGGER concept_label_renamed_shipped BEFORE UPDATE OF concept_id, label ON zhpolicy.concept_label
    FOR EACH ROW EXECUTE FUNCTION zhpolicy.concept_renamed_shipped('concept_label');
-- ... and a removal restored from a dump removes the shipped rows that CREATE EXTENSION loaded
-- (a removed concept with its narrower shipped concepts, which a newer release may have added)
CREATE FUNCTION zhpolicy.concept_removed_apply() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- not when the removal is being recorded (the rows are on their way out already)
    IF current_setting('zhpolicy_internal.recording_removal', true) = 'on'
       OR NOT EXISTS (SELECT 1 FROM changed_rows) THEN
        RETURN NULL;
    ELSIF TG_ARGV[0] = 'concept_removed' THEN
        DELETE FROM zhpolicy.concept c
        WHERE c.shipped AND c.id IN (SELECT n.id FROM changed_rows r, zhpolicy.narrower(r.id) n
                                     WHERE EXISTS (SELECT 1 FROM zhpolicy.concept x WHERE x.id = r.id AND x.shipped));
    ELSE
        DELETE FROM zhpolicy.concept_label l USING changed_rows r
        WHERE l.concept_id = r.concept_id AND l.label = r.label AND l.shipped;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER concept_removed_apply AFTER INSERT ON zhpolicy.concept_removed
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.concept_removed_apply('concept_removed');
CREATE TRIGGER concept_label_removed_apply AFTER INSERT ON zhpolicy.concept_label_removed
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION zhpolicy.concept_removed_apply('concept_label_removed');

-- Remove a shipped vocabulary (start empty, or keep only your own schemes); returns the number
-- of concepts removed.  It stays removed through dumps, restores and upgrades, until
-- load_vocabulary(name, restore_removed => true).
CREATE FUNCTION zhpolicy.unload_vocabulary(name text DEFAULT 'policy') RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n integer;
BEGIN
    PERFORM zhpolicy.require_write(ARRAY['zhpolicy.concept', 'zhpolicy.concept_label'], 'the zhpolicy vocabulary');
    IF NOT EXISTS (SELECT 1 FROM zhpolicy.concept_scheme s WHERE s.id = name) THEN
        RAISE EXCEPTION 'concept scheme "%" does not exist', name
            USING ERRCODE = 'undefined_object', HINT = 'The shipped vocabulary is ''policy''.';
    END IF;
    DELETE FROM zhpolicy.concept c WHERE c.scheme = name AND c.shipped;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION zhpolicy.unload_vocabulary(text) IS 'remove a shipped vocabulary; it stays removed through dump, restore and upgrade';

-- Tagging with some schemes only (NULL: all of them).
CREATE FUNCTION zhpolicy.tag(doc text, schemes text[],
    OUT concept_id text, OUT pref_label text, OUT hits integer, OUT score float8, OUT matched text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'zhpolicy_tag' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.tag(text, text[]) IS 'concepts of a text from the schemes named (NULL: all schemes)';
CREATE FUNCTION zhpolicy.tag_spans(doc text, schemes text[],
    OUT concept_id text, OUT label text, OUT start_pos integer, OUT length integer, OUT matched_text text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'zhpolicy_tag_spans' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.tag_spans(text, text[]) IS 'every label match of the schemes named (NULL: all schemes)';
CREATE FUNCTION zhpolicy.concepts(doc text, min_score float8, schemes text[]) RETURNS text[]
AS 'MODULE_PATHNAME', 'zhpolicy_concepts' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.concepts(text, float8, text[]) IS 'ids of the concepts of the schemes named (NULL: all) with at least min_score, best first';

-- ---------------------------------------------------------------- SKOS in and out
-- The triples of an RDF document (Turtle, which includes N-Triples; or strict N-Triples), read by
-- libserd; a syntax error names its line and column.
CREATE FUNCTION zhpolicy.rdf_triples(doc text, syntax text DEFAULT 'turtle',
    OUT line integer, OUT subject text, OUT predicate text, OUT object text, OUT object_kind text,
    OUT lang text, OUT datatype text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'zhpolicy_rdf_triples' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION zhpolicy.rdf_triples(text, text) IS 'triples of a Turtle or N-Triples document, with the line each ends on';

-- A Turtle string literal: "..." with \ " and control characters escaped.
CREATE FUNCTION zhpolicy.turtle_literal(s text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT '"' || replace(replace(replace(replace(replace(replace(s, E'\\', E'\\\\'), '"', E'\\"'),
                  E'\n', E'\\n'), E'\r', E'\\r'), E'\t', E'\\t'), E'\b', E'\\b') || '"'
$$;

-- The IRI of a concept: the one it was imported with, or urn:zhpolicy:concept:ID.
CREATE FUNCTION zhpolicy.concept_iri(id text, uri text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT '<' || coalesce(uri, 'urn:zhpolicy:concept:' || id) || '>' $$;

-- A scheme as SKOS in Turtle: the scheme, then each concept with its labels (@zh), broader,
-- narrower, related, notation and note.  import_skos reads it back.
CREATE FUNCTION zhpolicy.export_skos(scheme text DEFAULT 'policy') RETURNS text
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s zhpolicy.concept_scheme;
    out text;
BEGIN
    SELECT * INTO s FROM zhpolicy.concept_scheme cs WHERE cs.id = scheme;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'concept scheme "%" does not exist', scheme
            USING ERRCODE = 'undefined_object',
                  HINT = 'The schemes are the rows of zhpolicy.concept_scheme, such as ''policy''.';
    END IF;
    SELECT string_agg(block, E'\n' ORDER BY ord, key COLLATE "C") INTO out FROM (
        SELECT 0 AS ord, '' AS key, format(E'@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n'
            '@prefix dct: <http://purl.org/dc/terms/> .\n'
            '@prefix zhpolicy: <urn:zhpolicy:> .\n\n'
            '<%s> a skos:ConceptScheme%s%s .\n',
            coalesce(s.uri, 'urn:zhpolicy:scheme:' || s.id),
            coalesce(E' ;\n    dct:title ' || zhpolicy.turtle_literal(s.title) || '@zh', ''),
            coalesce(E' ;\n    skos:scopeNote ' || zhpolicy.turtle_literal(s.note), '')) AS block
        UNION ALL
        SELECT 1, c.id, zhpolicy.concept_iri(c.id, c.uri) || E' a skos:Concept ;\n    '
            || concat_ws(E' ;\n    ',
                'skos:inScheme <' || coalesce(s.uri, 'urn:zhpolicy:scheme:' || s.id) || '>',
                CASE WHEN c.broader IS NULL THEN 'skos:topConceptOf <' || coalesce(s.uri, 'urn:zhpolicy:scheme:' || s.id) || '>' END,
                'skos:prefLabel ' || zhpolicy.turtle_literal(c.pref_label) || '@zh',
                (SELECT 'skos:altLabel ' || string_agg(zhpolicy.turtle_literal(l.label) || '@zh', ', ' ORDER BY l.label COLLATE "C")
                 FROM zhpolicy.concept_label l WHERE l.concept_id = c.id AND l.kind = 'alt'),
                (SELECT 'skos:hiddenLabel ' || string_agg(zhpolicy.turtle_literal(l.label) || '@zh', ', ' ORDER BY l.label COLLATE "C")
                 FROM zhpolicy.concept_label l WHERE l.concept_id = c.id AND l.kind = 'hidden'),
                (SELECT 'skos:broader ' || zhpolicy.concept_iri(b.id, b.uri) FROM zhpolicy.concept b WHERE b.id = c.broader),
                (SELECT 'skos:narrower ' || string_agg(zhpolicy.concept_iri(n.id, n.uri), ', ' ORDER BY n.id COLLATE "C")
                 FROM zhpolicy.concept n WHERE n.broader = c.id AND n.scheme = c.scheme),
                (SELECT 'skos:related ' || string_agg(zhpolicy.concept_iri(r.id, r.uri), ', ' ORDER BY o.n)
                 FROM unnest(c.related) WITH ORDINALITY o(rid, n) JOIN zhpolicy.concept r ON r.id = o.rid),
                'skos:notation ' || zhpolicy.turtle_literal(c.notation),
                'skos:scopeNote ' || zhpolicy.turtle_literal(c.note) || '@zh',
                CASE WHEN c.weight <> 1 THEN 'zhpolicy:weight ' || zhpolicy.turtle_literal(c.weight::text) END,
                CASE WHEN c.uri IS NOT NULL THEN 'zhpolicy:conceptId ' || zhpolicy.turtle_literal(c.id) END)
            || E' .\n'
        FROM zhpolicy.concept c WHERE c.scheme = s.id
    ) x;
    RETURN out;
END
$$;
COMMENT ON FUNCTION zhpolicy.export_skos(text) IS 'a concept scheme as W3C SKOS in Turtle';

-- Load a SKOS document (Turtle or N-Triples) into a scheme, replacing what that scheme held;
-- returns the number of concepts.  Every concept (rdf:type skos:Concept) of the document goes
-- into the scheme; ids come from the concept IRIs (see the README), with id_prefix in front.
-- Any error (syntax, unknown concept, cycle, an id taken by another scheme) names the line, and
-- nothing is loaded.
CREATE FUNCTION zhpolicy.import_skos(doc text, scheme text, id_prefix text DEFAULT '', syntax text DEFAULT 'turtle')
RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    skos constant text := 'http://www.w3.org/2004/02/skos/core#';
    rdf_type constant text := 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
    bad record;
    scheme_iri text;
    scheme_title text;
    n integer;
    other_lang integer;
    poly integer;
BEGIN
    PERFORM zhpolicy.require_write(ARRAY['zhpolicy.concept', 'zhpolicy.concept_label', 'zhpolicy.concept_scheme'],
                                   'the zhpolicy vocabulary');
    IF scheme !~ '^[A-Za-z0-9_.:-]+$' THEN
        RAISE EXCEPTION 'invalid scheme id "%"', scheme
            USING ERRCODE = 'invalid_parameter_value', HINT = 'A scheme id is letters, digits and _ . : -';
    END IF;
    CREATE TEMP TABLE zhpolicy_skos_t ON COMMIT DROP AS SELECT * FROM zhpolicy.rdf_triples(doc, syntax);
    CREATE INDEX ON zhpolicy_skos_t (subject, predicate);
    CREATE INDEX ON zhpolicy_skos_t (predicate, object);
    ANALYZE zhpolicy_skos_t;
    -- the concepts, and their ids
    CREATE TEMP TABLE zhpolicy_skos_c ON COMMIT DROP AS
    SELECT DISTINCT ON (t.subject) t.subject AS iri, t.line,
           id_prefix || CASE WHEN t.subject LIKE 'urn:zhpolicy:concept:%' THEN substr(t.subject, 22)
                             ELSE coalesce((SELECT x.object FROM zhpolicy_skos_t x WHERE x.subject = t.subject
                                            AND x.predicate = 'urn:zhpolicy:conceptId' LIMIT 1),
                                           substring(t.subject from '([^/#:]*)$')) END AS id
    FROM zhpolicy_skos_t t WHERE t.predicate = rdf_type AND t.object = skos || 'Concept' AND t.object_kind = 'iri'
    ORDER BY t.subject, t.line;
    CREATE INDEX ON zhpolicy_skos_c (iri);
    CREATE INDEX ON zhpolicy_skos_c (id);
    ANALYZE zhpolicy_skos_c;
    SELECT * INTO bad FROM zhpolicy_skos_c WHERE id !~ '^[A-Za-z0-9_.:-]+$' OR id = id_prefix OR left(iri, 2) = '_:'
    ORDER BY line LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'line %: concept <%> gives no usable id ("%")', bad.line, bad.iri, bad.id
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'A concept id is the end of its IRI after the last / # or :, in letters, digits and _ . : -',
                  HINT = 'Blank-node concepts and IRIs ending in other characters cannot be loaded; give the concepts IRIs.';
    END IF;
    SELECT a.line, a.iri, b.iri AS other, a.id INTO bad FROM zhpolicy_skos_c a JOIN zhpolicy_skos_c b ON a.id = b.id AND a.iri > b.iri
    ORDER BY a.line LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'line %: concepts <%> and <%> would both get the id "%"', bad.line, bad.other, bad.iri, bad.id
            USING ERRCODE = 'unique_violation';
    END IF;
    SELECT c.line, c.id, x.scheme INTO bad FROM zhpolicy_skos_c c JOIN zhpolicy.concept x ON x.id = c.id
    WHERE x.scheme <> import_skos.scheme ORDER BY c.line LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'line %: concept id "%" is taken by scheme "%"', bad.line, bad.id, bad.scheme
            USING ERRCODE = 'unique_violation',
                  HINT = 'Concept ids are unique across schemes: import with an id_prefix, such as import_skos(doc, scheme, ''my.'').';
    END IF;
    -- every concept a link points to: in the document, or a concept of another scheme already here
    CREATE TEMP TABLE zhpolicy_skos_link ON COMMIT DROP AS
    SELECT t.line, c.id AS from_id, t.predicate, t.object AS iri,
           coalesce(o.id, (SELECT x.id FROM zhpolicy.concept x
                           WHERE x.scheme <> import_skos.scheme
                             AND (x.uri = t.object OR (x.uri IS NULL AND 'urn:zhpolicy:concept:' || x.id = t.object)))) AS to_id
    FROM zhpolicy_skos_t t JOIN zhpolicy_skos_c c ON c.iri = t.subject LEFT JOIN zhpolicy_skos_c o ON o.iri = t.object
    WHERE t.predicate IN (skos || 'broader', skos || 'narrower', skos || 'related');
    ANALYZE zhpolicy_skos_link;
    SELECT * INTO bad FROM zhpolicy_skos_link WHERE to_id IS NULL ORDER BY line LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'line %: unknown concept <%>', bad.line, bad.iri
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format('%s of "%s" is not a skos:Concept of the document nor a concept of another scheme.',
                                  substring(bad.predicate from '[^#]*$'), bad.from_id);
    END IF;
    -- broader: skos:broader, or skos:narrower read backwards; the first one in the document stays
    -- broader, any other becomes a related link (the tables hold a tree)
    CREATE TEMP TABLE zhpolicy_skos_edge ON COMMIT DROP AS
    SELECT child, parent, min(line) AS line FROM (
        SELECT from_id AS child, to_id AS parent, line FROM zhpolicy_skos_link WHERE predicate = skos || 'broader'
        UNION ALL
        SELECT to_id, from_id, line FROM zhpolicy_skos_link WHERE predicate = skos || 'narrower'
    ) x WHERE child <> parent AND child IN (SELECT id FROM zhpolicy_skos_c) GROUP BY child, parent;
    CREATE TEMP TABLE zhpolicy_skos_b ON COMMIT DROP AS
    SELECT DISTINCT ON (child) child, parent, line FROM zhpolicy_skos_edge ORDER BY child, line, parent;
    CREATE INDEX ON zhpolicy_skos_b (child);
    ANALYZE zhpolicy_skos_edge, zhpolicy_skos_b;
    SELECT count(DISTINCT e.child) INTO poly FROM zhpolicy_skos_edge e
    WHERE NOT EXISTS (SELECT 1 FROM zhpolicy_skos_b b WHERE b.child = e.child AND b.parent = e.parent);
    WITH RECURSIVE up(start, cur, line, depth) AS (
        SELECT b.child, b.parent, b.line, 1 FROM zhpolicy_skos_b b
        UNION ALL
        SELECT u.start, b.parent, u.line, u.depth + 1 FROM up u JOIN zhpolicy_skos_b b ON b.child = u.cur
        WHERE u.cur <> u.start AND u.depth < 1000
    )
    SELECT start, line INTO bad FROM up WHERE cur = start ORDER BY line LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'line %: the broader concepts of "%" make a cycle', bad.line, bad.start
            USING ERRCODE = 'check_violation', HINT = 'A concept cannot be broader than itself, directly or through others.';
    END IF;
    -- labels: zh, zh-Hans, zh-CN and untagged are kept; zh-Hant, zh-TW, zh-HK too (tagging reads
    -- Traditional characters as Simplified); other languages are left out
    CREATE TEMP TABLE zhpolicy_skos_label ON COMMIT DROP AS
    SELECT c.id, t.line, substring(t.predicate from '[^#]*$') AS kind,
           btrim(regexp_replace(t.object, '[[:space:]]+', ' ', 'g')) AS label,
           CASE WHEN t.lang IS NULL OR lower(t.lang) IN ('zh', 'zh-hans', 'zh-cn', 'zh-sg') THEN 1
                WHEN lower(t.lang) ~ '^zh(-|$)' THEN 2 ELSE 0 END AS pref
    FROM zhpolicy_skos_t t JOIN zhpolicy_skos_c c ON c.iri = t.subject
    WHERE t.predicate IN (skos || 'prefLabel', skos || 'altLabel', skos || 'hiddenLabel') AND t.object_kind = 'literal';
    CREATE INDEX ON zhpolicy_skos_label (id);
    ANALYZE zhpolicy_skos_label;
    SELECT count(*) INTO other_lang FROM zhpolicy_skos_label WHERE pref = 0;
    DELETE FROM zhpolicy_skos_label WHERE pref = 0 OR label = '';
    SELECT c.* INTO bad FROM zhpolicy_skos_c c WHERE NOT EXISTS (SELECT 1 FROM zhpolicy_skos_label l WHERE l.id = c.id AND l.kind = 'prefLabel')
    ORDER BY c.line LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'line %: concept <%> has no Chinese skos:prefLabel', bad.line, bad.iri
            USING ERRCODE = 'not_null_violation',
                  DETAIL = 'Labels tagged zh, zh-Hans, zh-Hant (and their regions) or untagged are read; others are left out.';
    END IF;
    SELECT l.* INTO bad FROM zhpolicy_skos_label l
    WHERE l.label ~ '[[:cntrl:]]' OR regexp_replace(l.label, '[[:space:][:punct:]\u00a0-\u00bf\u2010-\u206f\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]', '', 'g') = ''
    ORDER BY l.line LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'line %: label "%" of "%" is not something a text can contain', bad.line, bad.label, bad.id
            USING ERRCODE = 'check_violation',
                  DETAIL = 'A label has a letter, digit or Chinese character and no control characters (line breaks included).';
    END IF;

    -- replace the scheme's contents, in statements that each see the whole vocabulary
    SELECT t.subject, (SELECT x.object FROM zhpolicy_skos_t x WHERE x.subject = t.subject AND x.object_kind = 'literal'
                       AND x.predicate IN ('http://purl.org/dc/terms/title', skos || 'prefLabel', 'http://www.w3.org/2000/01/rdf-schema#label')
                       ORDER BY (x.lang IS NULL OR x.lang ~* '^zh') DESC, x.line LIMIT 1)
    INTO scheme_iri, scheme_title
    FROM zhpolicy_skos_t t WHERE t.predicate = rdf_type AND t.object = skos || 'ConceptScheme' ORDER BY t.line LIMIT 1;
    IF left(scheme_iri, 2) = '_:' OR EXISTS (SELECT 1 FROM zhpolicy.concept_scheme s
                                             WHERE s.uri = scheme_iri AND s.id <> import_skos.scheme) THEN
        scheme_iri := NULL;         -- a blank node, or the IRI of another scheme (a copy of it)
    END IF;
    INSERT INTO zhpolicy.concept_scheme AS s (id, title, uri)
    VALUES (scheme, coalesce(scheme_title, scheme), scheme_iri)
    ON CONFLICT (id) DO UPDATE SET title = coalesce(excluded.title, s.title), uri = coalesce(excluded.uri, s.uri);
    INSERT INTO zhpolicy.concept AS x (id, pref_label, broader, note, notation, uri, scheme, weight)
    SELECT c.id,
           (SELECT l.label FROM zhpolicy_skos_label l WHERE l.id = c.id AND l.kind = 'prefLabel' ORDER BY l.pref, l.line LIMIT 1),
           b.parent,
           (SELECT btrim(t.object) FROM zhpolicy_skos_t t WHERE t.subject = c.iri AND t.object_kind = 'literal'
              AND t.predicate IN (skos || 'scopeNote', skos || 'definition')
            ORDER BY (t.lang IS NULL OR t.lang ~* '^zh') DESC, t.predicate DESC, t.line LIMIT 1),
           (SELECT t.object FROM zhpolicy_skos_t t WHERE t.subject = c.iri AND t.predicate = skos || 'notation' ORDER BY t.line LIMIT 1),
           CASE WHEN c.iri <> 'urn:zhpolicy:concept:' || substr(c.id, length(id_prefix) + 1) THEN c.iri END,
           scheme,
           coalesce((SELECT t.object::real FROM zhpolicy_skos_t t WHERE t.subject = c.iri AND t.predicate = 'urn:zhpolicy:weight'
                     AND t.object ~ '^[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?$' LIMIT 1), 1)
    FROM zhpolicy_skos_c c LEFT JOIN zhpolicy_skos_b b ON b.child = c.id
    ON CONFLICT (id) DO UPDATE
    SET pref_label = excluded.pref_label, broader = excluded.broader, note = excluded.note, notation = excluded.notation,
        uri = excluded.uri, weight = excluded.weight, related = '{}';
    -- what the scheme held and the document does not
    DELETE FROM zhpolicy.concept c
    WHERE c.scheme = import_skos.scheme AND NOT EXISTS (SELECT 1 FROM zhpolicy_skos_c z WHERE z.id = c.id);
    DELETE FROM zhpolicy.concept_label l USING zhpolicy_skos_c c WHERE l.concept_id = c.id;
    INSERT INTO zhpolicy.concept_label (concept_id, label, kind)
    SELECT DISTINCT ON (l.id, l.label) l.id, l.label, CASE WHEN l.kind = 'hiddenLabel' THEN 'hidden' ELSE 'alt' END
    FROM zhpolicy_skos_label l JOIN zhpolicy.concept c ON c.id = l.id
    WHERE l.label <> c.pref_label
    ORDER BY l.id, l.label, (l.kind = 'hiddenLabel'), l.line;
    UPDATE zhpolicy.concept c SET related = r.related
    FROM (SELECT id, array_agg(to_id ORDER BY first_line) AS related FROM (
              SELECT from_id AS id, to_id, min(line) AS first_line FROM (
                  SELECT from_id, to_id, line FROM zhpolicy_skos_link WHERE predicate = skos || 'related'
                  UNION ALL
                  SELECT e.child, e.parent, e.line FROM zhpolicy_skos_edge e
                  WHERE NOT EXISTS (SELECT 1 FROM zhpolicy_skos_b b WHERE b.child = e.child AND b.parent = e.parent)
              ) y WHERE from_id <> to_id GROUP BY from_id, to_id) z GROUP BY id) r
    WHERE c.id = r.id;
    SELECT count(*) INTO n FROM zhpolicy_skos_c;
    IF other_lang > 0 THEN
        RAISE NOTICE 'import_skos: % labels in languages other than Chinese were left out', other_lang;
    END IF;
    IF poly > 0 THEN
        RAISE NOTICE 'import_skos: % concepts have more than one broader concept: the first is kept as broader, the others as related', poly;
    END IF;
    DROP TABLE zhpolicy_skos_t, zhpolicy_skos_c, zhpolicy_skos_link, zhpolicy_skos_edge, zhpolicy_skos_b, zhpolicy_skos_label;
    RETURN n;
END
$$;
COMMENT ON FUNCTION zhpolicy.import_skos(text, text, text, text) IS 'load W3C SKOS (Turtle or N-Triples) into a scheme, replacing its concepts';

-- The text of a SKOS file installed with the vocabularies: $SHAREDIR/extension/zhpolicy_vocabulary_NAME.ttl.
CREATE FUNCTION zhpolicy.vocabulary_skos_file(name text) RETURNS text
AS 'MODULE_PATHNAME', 'zhpolicy_vocabulary_skos_file' LANGUAGE C STABLE STRICT PARALLEL SAFE;
-- import_skos of such a file (the names vocabulary_file accepts: lowercase letters, digits, _).
CREATE FUNCTION zhpolicy.import_skos_file(name text, scheme text, id_prefix text DEFAULT '') RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN zhpolicy.import_skos(zhpolicy.vocabulary_skos_file(name), scheme, id_prefix, 'turtle');
END
$$;

-- The shipped vocabulary is there from the start: CREATE EXTENSION then tag() tags.
-- (zhpolicy.unload_vocabulary() removes it, for good: README, Concept tagging.)
SELECT zhpolicy.load_vocabulary('policy');
