#!/bin/bash
cd /tmp/zp-index-study; . ./env.sh
psql -qXc "create table docs300b as select * from docs300" -c "alter table docs300b add primary key (id)"
tm() { local a=$(date +%s.%N); psql -qX -c "$2"; local b=$(date +%s.%N); echo "$1,$(echo "$b-$a"|bc),$(psql -qXAt -c "select pg_relation_size('$3')/1048576")MB" >> big.csv; }
tm B300 "create index i300b on docs300b using gin (body zpidx_bigram_ops)" i300b
tm A300 "create index i300a on docs300 using gin (body gin_bigm_ops)" i300a
psql -qXc "drop index i300b"
tm B300 "create index i300b on docs300b using gin (body zpidx_bigram_ops)" i300b
psql -qX -c "analyze docs300; analyze docs300b" -c "create table truth300 as select qid, array(select id from docs300 where strpos(body, q) > 0 order by id) ids from queries"
psql -qX <<'SQL'
set enable_seqscan = off;
select bench('A300_pg_bigm', 'select array_agg(id order by id) from docs300 where body like likequery(%L)');
select bench('B300_zpidx_bigram', 'select array_agg(id order by id) from docs300b where body &@ %L');
SQL
echo done >> big.csv
