-- Cancellation: the SQL functions over the engine (websearch_to_tsquery, whose tsquery building is
-- PostgreSQL's, is left out: see the README), given 10 MB of hostile input, stops within
-- about a second of statement_timeout (or finishes sooner), in linear time.  The bound below is
-- generous (the machine is shared); the README gives measured figures.
CREATE TABLE hostile_input (name text PRIMARY KEY, doc text);
INSERT INTO hostile_input VALUES
  ('brackets', repeat('[', 10000000)),
  ('links', repeat('[a](', 2500000)),
  ('images', repeat('![', 5000000)),
  ('headings', repeat(E'#', 10000000)),
  ('heading lines', repeat(E'# 标题\n', 1250000)),
  ('stars', repeat('*', 10000000)),
  ('backticks', repeat('`', 10000000)),
  ('newlines', repeat(E'\n', 10000000)),
  ('ideographic spaces', repeat('　', 3400000)),
  ('one character', repeat('网', 3400000)),
  ('han and ascii', repeat('网a', 2500000)),
  ('url', 'http://' || repeat('a/', 5000000)),
  ('digits', repeat('1', 10000000)),
  ('wrapped lines', repeat(E'网络安全\n', 1000000));
CREATE TABLE cancel_result (call text, input text, finished boolean, seconds float8);
\set calls '{"SELECT zhpolicy.clean($1)", "SELECT zhpolicy.segment($1)", "SELECT to_tsvector(''zhpolicy'', $1)", "SELECT zhpolicy.tsvector($1)", "SELECT ts_headline(''zhpolicy'', $1, to_tsquery(''zhpolicy'', ''网络''))", "SELECT zhpolicy.concepts($1)", "SELECT count(*) FROM zhpolicy.tag_spans($1)", "SELECT zhpolicy.parse_article($1)"}'
SET client_min_messages = warning;
SET statement_timeout = '500ms';
-- one statement per call and input (a statement's timeout fires once); a cancel anywhere in it is
-- caught, so every call leaves its row
\set ECHO none
SELECT format($f$DO $d$
DECLARE
    t0 timestamptz := clock_timestamp();
    finished boolean := true;
BEGIN
    BEGIN
        BEGIN
            EXECUTE %L USING (SELECT doc FROM hostile_input WHERE name = %L);
        EXCEPTION WHEN query_canceled THEN
            finished := false;
        WHEN OTHERS THEN
            NULL;  -- a clear error (a 10 MB query is too big for a tsquery) also ends the call
        END;
        INSERT INTO cancel_result VALUES (%L, %L, finished, extract(epoch FROM clock_timestamp() - t0));
    EXCEPTION WHEN query_canceled THEN
        -- a parallel worker's cancel can reach the leader a second time
        INSERT INTO cancel_result VALUES (%L, %L, false, extract(epoch FROM clock_timestamp() - t0));
    END;
END $d$$f$, c, h.name, c, h.name, c, h.name)
FROM unnest(:'calls'::text[]) c, hostile_input h ORDER BY c, h.name \gexec
\set ECHO all
RESET statement_timeout;
RESET client_min_messages;
SELECT count(*) AS calls, count(*) FILTER (WHERE seconds < 3) AS stopped_in_time FROM cancel_result;
SELECT call, input, finished, round(seconds::numeric, 1) AS seconds FROM cancel_result WHERE seconds >= 3 ORDER BY 1, 2;
DROP TABLE hostile_input, cancel_result;
