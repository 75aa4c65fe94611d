-- exact top-k by the BM25 tf component of one phrase (idf is a constant for one phrase),
-- walking impact levels down until the k-th exact score beats what any unseen row could score
create or replace function zp_top10_impact(q text, k int default 10) returns int[] language plpgsql as $$
declare lev int; ids int[]; kth float8; n int;
begin
  foreach lev in array array[44,40,36,32,28,24,20,16,12,8,4,0] loop
    execute format($f$ with m as materialized (select g.id, zpidx_count(g.body, %1$L) tf from docs_g g where g.body &@> array[%1$L, %2$L])
      select array_agg(id order by s desc, id), count(*), min(s) from (
      select m.id, zpidx_impact_tfn(m.tf, l.nchars) s from m join doclen l using (id) order by s desc, m.id limit %3$s) t $f$, q, lev, k) into ids, n, kth;
    if lev = 0 or (n = k and kth >= zpidx_impact_bound(lev)) then return ids; end if;
  end loop;
end $$;
-- the same ranking by brute force (every matching row counted), for checking
create or replace function zp_top10_brute(q text, k int default 10) returns int[] language plpgsql as $$
declare ids int[];
begin
  execute format($f$ with m as materialized (select b.id, zpidx_count(b.body, %1$L) tf from docs_b b where b.body &@ %1$L)
    select array_agg(id order by s desc, id) from (
    select m.id, zpidx_impact_tfn(m.tf, l.nchars) s from m join doclen l using (id)
    order by s desc, m.id limit %2$s) t $f$, q, k) into ids;
  return ids;
end $$;
