#!/usr/bin/env bash
# The main job: install what is missing, build and install zhpolicy, start a
# private PostgreSQL cluster under the project (or use the server named by
# ZHPOLICY_DSN or PGHOST/PGDATABASE), load every article of DIR (default
# test/corpus), index it, run an example search and print how to connect.
# Running it again updates the rows in place.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DIR=${1:-$ZP_ROOT/test/corpus}
QUERY=${ZHPOLICY_QUERY:-网络空间命运共同体 数字经济}
if [ ! -d "$DIR" ]; then
    echo "zhpolicy: no such directory: $DIR" >&2
    exit 1
fi
DIR=$(cd "$DIR" && pwd)

zp_install_deps
zp_build_install

if [ -n "${ZHPOLICY_DSN:-}" ] || [ -n "${PGHOST:-}" ] || [ -n "${PGDATABASE:-}" ]; then
    PSQL=(psql -X -q -v ON_ERROR_STOP=1 ${ZHPOLICY_DSN:+"$ZHPOLICY_DSN"})
    CONNECT="psql ${ZHPOLICY_DSN:-} (with your PG* settings)"
    echo "zhpolicy: using the server you named"
else
    PORT=${ZHPOLICY_PORT:-54329}
    STATE=$ZP_ROOT/.zhpolicy
    zp_pg_dir "$STATE"
    if ! zp_as_pg test -w "$STATE"; then
        # the PostgreSQL user cannot reach the work tree (say, under /root)
        STATE=/var/lib/postgresql/zhpolicy-$(echo "$ZP_ROOT" | md5sum | cut -c1-8)
        zp_pg_dir "$STATE"
    fi
    PGDATA_DIR=$STATE/pgdata
    SOCK=/tmp/zhpolicy-$PORT
    zp_pg_dir "$SOCK"
    if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
        echo "zhpolicy: creating a private cluster in $PGDATA_DIR"
        zp_as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres -E UTF8 --no-locale -A trust >/dev/null
    fi
    if ! zp_as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
        echo "zhpolicy: starting it on port $PORT (socket $SOCK)"
        if ! zp_as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$STATE/server.log" -w \
            -o "-p $PORT -k $SOCK -c listen_addresses=localhost" start >/dev/null; then
            tail -5 "$STATE/server.log" >&2
            echo "zhpolicy: the private cluster did not start; if port $PORT is taken, choose another with ZHPOLICY_PORT=..." >&2
            exit 1
        fi
    fi
    PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -U postgres)
    if ! "${PSQL[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'zhpolicy'" | grep -q 1; then
        "${PSQL[@]}" -d postgres -c "CREATE DATABASE zhpolicy ENCODING 'UTF8' TEMPLATE template0"
    fi
    PSQL+=(-d zhpolicy)
    CONNECT="psql -h $SOCK -p $PORT -U postgres zhpolicy      (stop: runuser -u postgres -- $PG_BIN/pg_ctl -D $PGDATA_DIR stop)"
fi

"${PSQL[@]}" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS zhpolicy;
CREATE TABLE IF NOT EXISTS articles (
    id        bigserial PRIMARY KEY,
    file      text NOT NULL UNIQUE,
    title     text,
    source    text,
    url       text,
    published date,
    raw       text NOT NULL,
    body      text NOT NULL,
    tsv       tsvector GENERATED ALWAYS AS (
                  setweight(zhpolicy.tsvector(coalesce(title, '')), 'A') ||
                  setweight(zhpolicy.tsvector(body), 'D')) STORED,
    tags      text[],
    loaded_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE articles ADD COLUMN IF NOT EXISTS tags text[];
CREATE INDEX IF NOT EXISTS articles_tsv_idx ON articles USING gin (tsv);
CREATE INDEX IF NOT EXISTS articles_tags_idx ON articles USING gin (tags);
CREATE INDEX IF NOT EXISTS articles_body_text_idx ON articles USING gin (body zhpolicy.gin_bigram_ops);
SELECT zhpolicy.load_vocabulary() AS concepts_loaded \gset
SQL

loaded=0
for f in "$DIR"/*; do
    [ -f "$f" ] || continue
    if ! iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1; then
        echo "zhpolicy: skipping $f: not UTF-8 text" >&2
        continue
    fi
    "${PSQL[@]}" -v path="$f" -v name="$(basename "$f")" <<'SQL'
\set b64 `base64 -w0 :'path'`
INSERT INTO articles (file, title, source, url, published, raw, body)
SELECT :'name', a.title, a.source, a.url, a.published, r.raw, a.body
FROM (SELECT convert_from(decode(:'b64', 'base64'), 'UTF8') AS raw) r,
     zhpolicy.parse_article(r.raw) a
ON CONFLICT (file) DO UPDATE
SET title = EXCLUDED.title, source = EXCLUDED.source, url = EXCLUDED.url,
    published = EXCLUDED.published, raw = EXCLUDED.raw, body = EXCLUDED.body,
    loaded_at = now();
SQL
    loaded=$((loaded + 1))
done
echo "zhpolicy: loaded $loaded file(s) from $DIR"
# tag new and changed articles (title and body), as a scheduled job would
"${PSQL[@]}" -c "CALL zhpolicy.tag_table('articles', 'body', 'tags', batch_size => 100, min_score => 1)" 2>&1 \
    | sed -n 's/^NOTICE:  /zhpolicy: /p'

"${PSQL[@]}" -v query="$QUERY" <<'SQL'
\pset footer off
\echo
\echo == Articles ==
SELECT id, file, left(title, 32) AS title, source, published,
       length(body) AS chars, length(tsv) AS lexemes
FROM articles ORDER BY file;
\echo
\echo == Search: websearch_to_tsquery('zhpolicy', :'query') ==
SELECT websearch_to_tsquery('zhpolicy', :'query') AS tsquery;
SELECT left(title, 28) AS title,
       round(ts_rank(tsv, q, 1)::numeric, 4) AS rank,
       regexp_replace(ts_headline('zhpolicy', body, q,
                      'MaxWords=40, MinWords=20'), '\s+', ' ', 'g') AS snippet
FROM articles, websearch_to_tsquery('zhpolicy', :'query') q
WHERE tsv @@ q
ORDER BY ts_rank(tsv, q, 1) DESC, id
LIMIT 5;
\echo
\echo == Whole documents: rows holding a phrase of :'query' exactly (text index), by zhpolicy.rank, with zhpolicy.snippet ==
SELECT left(a.title, 28) AS title, round(zhpolicy.rank(a.body, q)::numeric, 4) AS rank,
       regexp_replace(zhpolicy.snippet(a.body, :'query', max_fragments => 2, context => 20), '\s+', ' ', 'g') AS snippet
FROM articles a, zhpolicy.rank_query(:'query', 'articles', 'body') q
WHERE a.body OPERATOR(zhpolicy.&@) ANY (q.terms)
ORDER BY 2 DESC, a.id
LIMIT 5;
\echo
\echo == Concepts of each article (zhpolicy.tag, stored by zhpolicy.tag_table in articles.tags) ==
SELECT a.id, left(a.title, 20) AS title,
       string_agg(t.pref_label || ' ' || t.score, '  ' ORDER BY t.score DESC) AS top_concepts
FROM articles a, LATERAL (SELECT * FROM zhpolicy.tag(a.body) LIMIT 6) t
GROUP BY a.id, a.title ORDER BY a.id;
\echo
\echo == Articles about 网络安全 or anything narrower (zhpolicy.concept_query) ==
SELECT id, left(title, 40) AS title FROM articles WHERE tsv @@ zhpolicy.concept_query('网络安全') ORDER BY id;
\echo
\echo == The same search uses the GIN index ==
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM articles WHERE tsv @@ websearch_to_tsquery('zhpolicy', :'query');
EXPLAIN (COSTS OFF) SELECT id FROM articles WHERE body OPERATOR(zhpolicy.&@) '网络空间';
SQL
echo
echo "zhpolicy: connect with: $CONNECT"
