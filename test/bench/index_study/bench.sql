-- per-query timing inside the server (excludes client round trip; includes planning)
create table if not exists res(cand text, run int, qid int, ms float8, ids int[]);
create or replace function bench(cand text, sqlfmt text, runs int default 3) returns void language plpgsql as $$
declare r record; t0 timestamptz; x int[]; i int;
begin
  delete from res where res.cand = bench.cand;
  for i in 0..runs loop          -- run 0 = warm-up, not kept
    for r in select * from queries order by qid loop
      t0 := clock_timestamp();
      execute format(sqlfmt, r.q) into x;
      if i > 0 then
        insert into res values (cand, i, r.qid, extract(epoch from clock_timestamp() - t0) * 1000, x);
      end if;
    end loop;
  end loop;
end $$;
create or replace view summary as
with per_run as (
  select cand, run,
         percentile_cont(0.5) within group (order by ms) p50,
         percentile_cont(0.95) within group (order by ms) p95
  from res group by cand, run),
acc as (
  select r.cand,
         sum(cardinality(array(select unnest(coalesce(r.ids,'{}')) intersect select unnest(t.ids))))::float8 tp,
         sum(cardinality(coalesce(r.ids,'{}')))::float8 got,
         sum(cardinality(t.ids))::float8 want,
         count(*) filter (where coalesce(r.ids,'{}') <> t.ids) wrong_q
  from res r join truth t using (qid) where r.run = 1 group by r.cand)
select p.cand, round(percentile_cont(0.5) within group (order by p50)::numeric, 2) p50_ms,
       round(percentile_cont(0.5) within group (order by p95)::numeric, 2) p95_ms,
       round((a.tp / nullif(a.want,0))::numeric, 4) recall, round((a.tp / nullif(a.got,0))::numeric, 4) prec_, a.wrong_q
from per_run p join acc a using (cand) group by p.cand, a.tp, a.want, a.got, a.wrong_q order by 1;
