drop table if exists doclen;
create table doclen as select id, length(body) nchars from docs; alter table doclen add primary key (id);
analyze doclen;
-- BM25 (k1=1.2, b=0.75) for one exact phrase: tf = non-overlapping occurrences, dl = chars
create or replace function bm25(tf float8, dl float8, df float8, n float8 default 335, avgdl float8 default 84876, k1 float8 default 1.2, b float8 default 0.75)
returns float8 language sql immutable as $$ select ln(1 + (n - df + 0.5) / (df + 0.5)) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)) $$;
analyze docs_b; analyze pass_f; analyze docs_e; analyze docs; analyze pass_d; analyze docs_c;
set enable_seqscan = off;
-- B: whole-document rows; tf counted on each matching row (a second pass over its text)
select bench('RB_rank_whole_doc', $q$
  select array_agg(id order by s desc, id) from (
    with m as materialized (select id, zpidx_count(body, %1$L) tf from docs_b where body &@ %1$L),
         s as materialized (select id, tf, count(*) over () df from m)
    select id, bm25(tf, l.nchars, df) s from s join doclen l using (id)
    order by s desc, id limit 10) t $q$);
-- F: passages; tf = sum over matching passages only
select bench('RF_rank_passages', $q$
  select array_agg(doc_id order by s desc, doc_id) from (
    with m as materialized (select doc_id, sum(zpidx_count(ptext, %1$L)) tf from pass_f where ptext &@ %1$L group by doc_id),
         s as materialized (select doc_id, tf, count(*) over () df from m)
    select doc_id, bm25(tf, l.nchars, df) s from s join doclen l on l.id = s.doc_id
    order by s desc, doc_id limit 10) t $q$);
-- E baseline: ts_rank on the stored tsvector (inexact on long rows)
select bench('RE_rank_tsvector', $q$
  select array_agg(id order by s desc, id) from (
    select id, ts_rank(tsv, websearch_to_tsquery('zhpolicy', %1$L)) s from docs_e where tsv @@ websearch_to_tsquery('zhpolicy', %1$L)
    order by s desc, id limit 10) t $q$);
