#!/bin/bash
# insert all docs in batches of 10 rows / transaction into a table that already has the index
cd /tmp/zp-index-study; . ./env.sh
run() { # name opclass reloptions
  local n=$1 ops=$2 opt=$3
  psql -qX -c "drop table if exists ins_$n" -c "create table ins_$n (id int, body text)" -c "create index on ins_$n using gin (body $ops) $opt"
  local a=$(date +%s.%N)
  for lo in $(seq 1 10 335); do psql -qX -c "insert into ins_$n select * from docs where id between $lo and $((lo+9))"; done
  local b=$(date +%s.%N)
  psql -qX -c "vacuum ins_$n"    # flushes the pending list
  local c=$(date +%s.%N)
  local sz=$(psql -qXAt -c "select pg_relation_size(indexrelid)/1048576 from pg_index where indrelid='ins_$n'::regclass")
  echo "$n,$4,inserts=$(echo "$b-$a"|bc),vacuum_flush=$(echo "$c-$b"|bc),total=$(echo "$c-$a"|bc),index_MB=$sz" >> fastupdate.csv
}
for r in ${ROUNDS:-1}; do
run B_off zpidx_bigram_ops "with (fastupdate=off)" $r
run B_on4MB zpidx_bigram_ops "with (fastupdate=on, gin_pending_list_limit=4096)" $r
run B_on64MB zpidx_bigram_ops "with (fastupdate=on, gin_pending_list_limit=65536)" $r
run B_on1GB zpidx_bigram_ops "with (fastupdate=on, gin_pending_list_limit=1048576)" $r
run A_on4MB gin_bigm_ops "with (fastupdate=on, gin_pending_list_limit=4096)" $r
run A_off gin_bigm_ops "with (fastupdate=off)" $r
done
