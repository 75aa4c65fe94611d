#!/bin/bash
# usage: build.sh ROUND CAND...   appends "cand,round,step,seconds" to builds.csv
cd /tmp/zp-index-study; . ./env.sh
r=$1; shift
t() { local c=$1 s=$2; shift 2; local a=$(date +%s.%N); psql -qX -v ON_ERROR_STOP=1 -c "$*" >/dev/null || echo "FAIL $c $s" >&2; local b=$(date +%s.%N); echo "$c,$r,$s,$(echo "$b - $a" | bc)" >> builds.csv; }
for c in "$@"; do case $c in
 A) psql -qXc "drop index if exists ia"; t A index "create index ia on docs using gin (body gin_bigm_ops)";;
 B) psql -qXc "drop index if exists ib"; t B index "create index ib on docs_b using gin (body zpidx_bigram_ops)";;
 C) psql -qXc "drop index if exists ic"; t C index "create index ic on docs_c using gin (body zpidx_unibi_ops)";;
 E) psql -qXc "drop table if exists docs_e"; t E tsvector "create table docs_e as select id, body, zhpolicy.tsvector(body) tsv from docs"; t E index "create index ie on docs_e using gin (tsv)";;
 D) psql -qXc "drop table if exists pass_d"; t D tsvector "create table pass_d as select id doc_id, p.pno, p.ptext, zhpolicy.tsvector(p.ptext) tsv from docs, zp_passages(body) p"; t D index "create index id_ on pass_d using gin (tsv)";;
 F) psql -qXc "drop table if exists pass_f"; t F split "create table pass_f as select id doc_id, p.pno, p.ptext from docs, zp_passages(body) p"; t F index "create index if_ on pass_f using gin (ptext zpidx_bigram_ops)";;
 ZH) psql -qXc "drop table if exists docs_zh"; t ZH tsvector "create table docs_zh as select id, body, to_tsvector('zhcfg', body) tsv from docs"; t ZH index "create index izh on docs_zh using gin (tsv)";;
 JB) psql -qXc "drop table if exists docs_jb"; t JB tsvector "create table docs_jb as select id, body, to_tsvector('jiebacfg', body) tsv from docs"; t JB index "create index ijb on docs_jb using gin (tsv)";;
 G) psql -qXc "drop index if exists ig"; t G index "create index ig on docs_g using gin (body zpidx_impact_ops)";;
 COPY) psql -qXc "drop table if exists docs_copy"; t COPY ctas "create table docs_copy as select id, body from docs";;
esac; done
