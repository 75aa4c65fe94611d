# Shared by the client tests (sourced, not run): TAP-like result lines, and a temporary cluster
# with a database owned by an application role that is not a superuser.
. "$(dirname "${BASH_SOURCE[0]}")/../../src/scripts/common.sh"
ok() { echo "ok $*"; }
bad() { echo "not ok $*"; }
PY=/usr/bin/python3
# zp_client_cluster: start the cluster; sets ZP_CLIENT_HOST (socket directory), ZP_CLIENT_PORT,
# ZP_CLIENT_DB and ZP_CLIENT_USER (exported) for the client to connect with.
zp_client_cluster() {
    ZP_CLIENT_PORT=$(zp_free_port)
    zp_temp_cluster "$ZP_CLIENT_PORT"
    ZP_CLIENT_HOST="$ZP_TMP/pg" ZP_CLIENT_DB=zp_app ZP_CLIENT_USER=zp_app
    export ZP_CLIENT_HOST ZP_CLIENT_PORT ZP_CLIENT_DB ZP_CLIENT_USER
    export ZP_CORPUS="$ZP_ROOT/test/corpus" PYTHONDONTWRITEBYTECODE=1
    "${PSQL[@]}" -c "CREATE ROLE zp_app LOGIN" -c "CREATE DATABASE zp_app OWNER zp_app" >/dev/null
}
# zp_client_test NAME MODULES PACKAGES SCRIPT: check that Python imports MODULES (else say which
# Debian PACKAGES to install), start the cluster and run SCRIPT, which prints ok / not ok lines.
zp_client_test() {
    local name=$1 modules=$2 packages=$3 script=$4
    if ! "$PY" -c "import $modules" 2>/dev/null; then
        bad "$name: $packages are not installed (make test installs them)"
        return 1
    fi
    zp_client_cluster || { bad "$name: could not create the role and the database"; return 1; }
    "$PY" "$script" 2>&1
}
