# Shared by the operations tests (sourced, not run): TAP-like result lines and a temporary
# cluster with zhpolicy and its shipped vocabulary in the database postgres.
. "$(dirname "${BASH_SOURCE[0]}")/../../src/scripts/common.sh"
ok() { echo "ok $*"; }
bad() { echo "not ok $*"; }
# zp_ops_cluster [PORT]: start the cluster (sets ZP_TMP, PSQL, ZP_PORT), install the extension.
zp_ops_cluster() {
    ZP_PORT=${1:-$(zp_free_port)}
    zp_temp_cluster "$ZP_PORT"
    "${PSQL[@]}" -c "CREATE EXTENSION zhpolicy" -c "SELECT zhpolicy.load_vocabulary()" >/dev/null
}
