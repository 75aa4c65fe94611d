CREATE FUNCTION zpidx_impact_match(text, text[]) RETURNS bool AS '$libdir/zpidx' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION zpidx_impact_tfn(float8, float8) RETURNS float8 AS '$libdir/zpidx' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR &@> (LEFTARG = text, RIGHTARG = text[], PROCEDURE = zpidx_impact_match, RESTRICT = contsel, JOIN = contjoinsel);
CREATE FUNCTION zpidx_impact_extract_value(internal, internal, internal) RETURNS internal AS '$libdir/zpidx' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION zpidx_impact_extract_query(internal, internal, int2, internal, internal, internal, internal) RETURNS internal AS '$libdir/zpidx' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION zpidx_impact_compare_partial(int8, int8, int2, internal) RETURNS int4 AS '$libdir/zpidx' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION zpidx_impact_consistent(internal, int2, internal, int4, internal, internal, internal, internal) RETURNS bool AS '$libdir/zpidx' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION zpidx_impact_triconsistent(internal, int2, internal, int4, internal, internal, internal) RETURNS "char" AS '$libdir/zpidx' LANGUAGE C IMMUTABLE STRICT;
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
