#!/usr/bin/env bash
# The SQLAlchemy recipe of the README, tested (make test runs it): check.py against a temporary
# cluster, as a role that is not a superuser.  Needs Debian's python3-sqlalchemy and python3-psycopg2.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../_lib.bash"
zp_client_test sqlalchemy "sqlalchemy, psycopg2" "python3-sqlalchemy and python3-psycopg2" "$ZP_ROOT/test/clients/sqlalchemy/check.py"
