-- Whole-document search, step 2: the ids of the rows that contain :'q', one a line, exactly
-- the rows strpos(body, :'q') > 0 and body LIKE '%q%' find, through the index.
--   psql -v q=数字经济 -f search.sql
\set QUIET on
\pset format unaligned
\pset tuples_only on
SELECT id FROM docs WHERE body OPERATOR(zhpolicy.&@) :'q' ORDER BY id;
