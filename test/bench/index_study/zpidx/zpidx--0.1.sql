CREATE FUNCTION zpidx_contains(text, text) RETURNS bool AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zpidx_count(text, text) RETURNS int4 AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zpidx_nkeys(text, int4) RETURNS int4 AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zpidx_snippet(text, text, int4 DEFAULT 30, int4 DEFAULT 3) RETURNS text AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR &@ (LEFTARG = text, RIGHTARG = text, PROCEDURE = zpidx_contains, RESTRICT = contsel, JOIN = contjoinsel);
CREATE FUNCTION zpidx_extract_value(internal, internal, internal) RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION zpidx_extract_value_ub(internal, internal, internal) RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION zpidx_extract_query(text, internal, int2, internal, internal, internal, internal) RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION zpidx_extract_query_ub(text, internal, int2, internal, internal, internal, internal) RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION zpidx_compare_partial(int4, int4, int2, internal) RETURNS int4 AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION zpidx_consistent(internal, int2, text, int4, internal, internal, internal, internal) RETURNS bool AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION zpidx_triconsistent(internal, int2, text, int4, internal, internal, internal) RETURNS "char" AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT;
CREATE OPERATOR CLASS zpidx_bigram_ops FOR TYPE text USING gin AS
  OPERATOR 1 &@ (text, text),
  FUNCTION 1 btint4cmp(int4, int4),
  FUNCTION 2 zpidx_extract_value(internal, internal, internal),
  FUNCTION 3 zpidx_extract_query(text, internal, int2, internal, internal, internal, internal),
  FUNCTION 4 zpidx_consistent(internal, int2, text, int4, internal, internal, internal, internal),
  FUNCTION 5 zpidx_compare_partial(int4, int4, int2, internal),
  FUNCTION 6 zpidx_triconsistent(internal, int2, text, int4, internal, internal, internal),
  STORAGE int4;
CREATE OPERATOR CLASS zpidx_unibi_ops FOR TYPE text USING gin AS
  OPERATOR 1 &@ (text, text),
  FUNCTION 1 btint4cmp(int4, int4),
  FUNCTION 2 zpidx_extract_value_ub(internal, internal, internal),
  FUNCTION 3 zpidx_extract_query_ub(text, internal, int2, internal, internal, internal, internal),
  FUNCTION 4 zpidx_consistent(internal, int2, text, int4, internal, internal, internal, internal),
  FUNCTION 6 zpidx_triconsistent(internal, int2, text, int4, internal, internal, internal),
  STORAGE int4;
CREATE FUNCTION zpidx_contains_full(text, text) RETURNS bool AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zpidx_impact_match(text, text[]) RETURNS bool AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zpidx_impact_tfn(float8, float8) RETURNS float8 AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR &@> (LEFTARG = text, RIGHTARG = text[], PROCEDURE = zpidx_impact_match, RESTRICT = contsel, JOIN = contjoinsel);
CREATE FUNCTION zpidx_impact_extract_value(internal, internal, internal) RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION zpidx_impact_extract_query(internal, internal, int2, internal, internal, internal, internal) RETURNS internal AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION zpidx_impact_compare_partial(int8, int8, int2, internal) RETURNS int4 AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION zpidx_impact_consistent(internal, int2, internal, int4, internal, internal, internal, internal) RETURNS bool AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION zpidx_impact_triconsistent(internal, int2, internal, int4, internal, internal, internal) RETURNS "char" AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT;
CREATE OPERATOR CLASS zpidx_impact_ops FOR TYPE text USING gin AS
  OPERATOR 1 &@ (text, text),
  OPERATOR 2 &@> (text, text[]),
  FUNCTION 1 btint8cmp(int8, int8),
  FUNCTION 2 zpidx_impact_extract_value(internal, internal, internal),
  FUNCTION 3 zpidx_impact_extract_query(internal, internal, int2, internal, internal, internal, internal),
  FUNCTION 4 zpidx_impact_consistent(internal, int2, internal, int4, internal, internal, internal, internal),
  FUNCTION 5 zpidx_impact_compare_partial(int8, int8, int2, internal),
  FUNCTION 6 zpidx_impact_triconsistent(internal, int2, internal, int4, internal, internal, internal),
  STORAGE int8;
