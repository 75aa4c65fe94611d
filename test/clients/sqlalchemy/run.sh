#!/usr/bin/env bash
# The SQLAlchemy recipe of the README, tested (make test runs it): check.py against a temporary
# cluster, as a role that is not a superuser.  Needs Debian's python3-sqlalchemy and python3-psycopg2.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../_lib.bash"
if ! "$PY" -c 'import sqlalchemy, psycopg2' 2>/dev/null; then
    bad "sqlalchemy: python3-sqlalchemy and python3-psycopg2 are not installed (make test installs them)"
    exit 1
fi
zp_client_cluster || { bad "sqlalchemy: could not create the role and the database"; exit 1; }
"$PY" "$ZP_ROOT/test/clients/sqlalchemy/check.py" 2>&1
