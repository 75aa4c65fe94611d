#!/bin/bash
cd /tmp/zp-index-study; . ./env.sh
psql -qX -c "drop table if exists parts" -c "create table parts (id int, body text) partition by hash (id)" \
  -c "create table parts0 partition of parts for values with (modulus 2, remainder 0)" \
  -c "create table parts1 partition of parts for values with (modulus 2, remainder 1)" \
  -c "insert into parts select * from docs" -c "select count(*), pg_size_pretty(pg_table_size('parts0')) from parts0" -c "select count(*) from parts1"
for r in 1 2 3; do
  psql -qX -c "drop index if exists p0i" -c "drop index if exists p1i"
  a=$(date +%s.%N)
  psql -qX -c "create index p0i on parts0 using gin (body zpidx_bigram_ops)"
  psql -qX -c "create index p1i on parts1 using gin (body zpidx_bigram_ops)"
  b=$(date +%s.%N)
  psql -qX -c "drop index p0i" -c "drop index p1i"
  c=$(date +%s.%N)
  psql -qX -c "create index p0i on parts0 using gin (body zpidx_bigram_ops)" & 
  psql -qX -c "create index p1i on parts1 using gin (body zpidx_bigram_ops)" &
  wait
  d=$(date +%s.%N)
  echo "round $r sequential=$(echo "$b-$a"|bc) concurrent=$(echo "$d-$c"|bc)" >> partitions.csv
done
