#!/usr/bin/env bash
# The Django recipe of the README, tested (make test runs it): a temporary cluster, a database
# owned by an application role that is not a superuser, and check.py, which migrates (creating the
# extension), loads the corpus through the ORM and checks SearchQuery of every search type,
# SearchRank, SearchHeadline, body__contains and body__icontains against strpos, and their plans.
# Prints "ok ..." / "not ok ..." lines.  Needs Debian's python3-django and python3-psycopg2.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../_lib.bash"
zp_client_test django "django, psycopg2" "python3-django and python3-psycopg2" "$ZP_ROOT/test/clients/django/check.py"
