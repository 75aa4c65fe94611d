#!/usr/bin/env bash
# The Django recipe of the README, tested (make test runs it): a temporary cluster, a database
# owned by an application role that is not a superuser, and check.py, which migrates (creating the
# extension), loads the corpus through the ORM and checks SearchQuery of every search type,
# SearchRank, SearchHeadline, body__contains and body__icontains against strpos, and their plans.
# Prints "ok ..." / "not ok ..." lines.  Needs Debian's python3-django and python3-psycopg2.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../../src/scripts/common.sh"
ok() { echo "ok $*"; }
bad() { echo "not ok $*"; }
PY=/usr/bin/python3
if ! "$PY" -c 'import django, psycopg2' 2>/dev/null; then
    bad "django: python3-django and python3-psycopg2 are not installed (make test installs them)"
    exit 1
fi
port=$(zp_free_port)
zp_temp_cluster "$port"
"${PSQL[@]}" -c "CREATE ROLE zp_app LOGIN" -c "CREATE DATABASE zp_django OWNER zp_app" >/dev/null || {
    bad "django: could not create the role and the database"; exit 1; }
ZP_DJANGO_HOST="$ZP_TMP/pg" ZP_DJANGO_PORT="$port" ZP_DJANGO_DB=zp_django ZP_DJANGO_USER=zp_app \
ZP_CORPUS="$ZP_ROOT/test/corpus" PYTHONDONTWRITEBYTECODE=1 \
    "$PY" "$ZP_ROOT/test/clients/django/check.py" 2>&1
rc=$?
[ $rc -eq 0 ] || echo "# check.py exited with status $rc"
exit $rc
