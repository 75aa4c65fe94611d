#!/usr/bin/env bash
# Whole-document search, step 1 on a large partitioned docs, with every core.  PostgreSQL 15
# builds a GIN index in one process, so this builds the text index and the tier index of every
# leaf partition in sessions of their own, JOBS at a time, then runs prepare.sql on the parent,
# whose CREATE INDEX attaches those indexes instead of building them again.  The rank sketch
# column is added first: adding it rewrites the table, and a rewrite builds every index again.
# On a table that is not partitioned it is prepare.sql alone.
#   bash index_partitions.sh             connection from psql's environment (PGHOST, PGDATABASE, ...)
#   JOBS=4 bash index_partitions.sh      sessions at once (default: the number of cores)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
JOBS=${JOBS:-$(nproc)}
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -f "$here/sketch.sql"
# one CREATE INDEX a line: every leaf's text index first, then every leaf's tier index
"${PSQL[@]}" -At -c "SELECT format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin (%s)',
                            left(c.relname, 46) || k.suffix, c.oid::regclass, k.keys)
                     FROM pg_partition_tree('docs') t JOIN pg_class c ON c.oid = t.relid,
                          (VALUES (1, '_body_bigram_idx', 'body zhpolicy.gin_bigram_ops'),
                                  (2, '_rank_tiers_idx', 'zhpolicy.rank_tiers(body)')) k(ord, suffix, keys)
                     WHERE t.isleaf ORDER BY k.ord, c.relname" |
    xargs -d '\n' -r -P "$JOBS" -I{} "${PSQL[@]}" -c {}
"${PSQL[@]}" -f "$here/prepare.sql"
