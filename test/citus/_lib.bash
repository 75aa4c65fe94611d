# Shared by the Citus tests (sourced, not run): Citus built from ../shared/citus when the
# PostgreSQL under test lacks it, and a throw-away cluster of a coordinator and two workers
# on 127.0.0.1, removed when the calling script exits.
. "$(dirname "${BASH_SOURCE[0]}")/../../src/scripts/common.sh"
ok() { echo "ok $*"; }
bad() { echo "not ok $*"; ZP_CITUS_FAILED=$((ZP_CITUS_FAILED + 1)); }
ZP_CITUS_FAILED=0
# The Citus release source and its patch (see ../shared/citus/README.md).
ZP_CITUS_SRC=${ZP_CITUS_SRC:-$ZP_ROOT/../shared/citus}

# Is Citus installed in the PostgreSQL under test?
zp_citus_installed() {
    [ -f "$("$PG_CONFIG" --pkglibdir)/citus.so" ] && [ -f "$("$PG_CONFIG" --sharedir)/extension/citus.control" ]
}

# Build and install Citus from ZP_CITUS_SRC into the PostgreSQL under test, unless it is there;
# exit 77 (skip) with a message if neither is.
zp_citus_build() {
    local tarball build
    zp_citus_installed && return 0
    tarball=$(ls "$ZP_CITUS_SRC"/citus-*.tar.gz 2>/dev/null | head -1)
    if [ -z "$tarball" ]; then
        echo "zhpolicy: skipping the Citus tests: Citus is not installed in $("$PG_CONFIG" --pkglibdir) and there is no citus-*.tar.gz in $ZP_CITUS_SRC" >&2
        exit 77
    fi
    # Citus's own Debian build dependencies, installed like the project's (root, apt-get)
    local saved=("${ZP_PACKAGES[@]}")
    ZP_PACKAGES=(libkrb5-dev liblz4-dev libzstd-dev libcurl4-openssl-dev)
    zp_install_deps
    ZP_PACKAGES=("${saved[@]}")
    build=$(mktemp -d /tmp/zhpolicy-citus-build.XXXXXX)
    echo "zhpolicy: building $(basename "$tarball") into $("$PG_CONFIG" --pkglibdir) (about 2 minutes)"
    tar -C "$build" -xzf "$tarball"
    (
        cd "$build"/citus-* || exit 1
        for p in "$ZP_CITUS_SRC"/*.patch; do [ -f "$p" ] && { patch -s -p1 < "$p" || exit 1; }; done
        ./configure -q PG_CONFIG="$PG_CONFIG" >"$build/configure.log" 2>&1 || { tail -20 "$build/configure.log"; exit 1; }
        nice make -s -j2 >"$build/make.log" 2>&1 || { tail -20 "$build/make.log"; exit 1; }
        make -s install >"$build/install.log" 2>&1 || { tail -20 "$build/install.log"; exit 1; }
    ) || { echo "zhpolicy: the Citus build failed (its Debian build dependencies: libkrb5-dev liblz4-dev libzstd-dev libcurl4-openssl-dev)" >&2; rm -rf "$build"; exit 1; }
    rm -rf "$build"
}

# zp_citus_cluster: start a coordinator (node 0, with pg_cron) and two workers (nodes 1, 2), and
# a plain single-node server without Citus (node 3) to compare with, each on a free port with its
# own data directory under ZP_TMP; sets ZP_TMP and ZP_CPORT[i]; all is stopped and removed at exit.
zp_citus_cluster() {
    local i port libs
    ZP_TMP=$(mktemp -d /tmp/zhpolicy-citus.XXXXXX)
    chmod a+rx "$ZP_TMP"
    trap 'zp_citus_stop_all; rm -rf "$ZP_TMP"' EXIT
    for i in 0 1 2 3; do
        port=$(zp_free_port)
        ZP_CPORT[$i]=$port
        zp_pg_dir "$ZP_TMP/n$i"
        zp_as_pg "$PG_BIN/initdb" -D "$ZP_TMP/n$i/data" -U postgres -E UTF8 --no-locale -A trust >/dev/null
        libs=citus
        [ "$i" -eq 0 ] && libs=citus,pg_cron
        [ "$i" -eq 3 ] && libs=
        cat >> "$ZP_TMP/n$i/data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$ZP_TMP/n$i'
shared_preload_libraries = '$libs'
shared_buffers = 64MB
max_connections = 60
max_parallel_workers_per_gather = 0
cron.database_name = 'postgres'
cron.use_background_workers = off
cron.host = '$ZP_TMP/n$i'
CONF
        zp_citus_start "$i"
    done
}

zp_citus_start() {
    zp_as_pg "$PG_BIN/pg_ctl" -D "$ZP_TMP/n$1/data" -l "$ZP_TMP/n$1/log" -w start >/dev/null
}
zp_citus_stop() {
    zp_as_pg "$PG_BIN/pg_ctl" -D "$ZP_TMP/n$1/data" -m "${2:-fast}" -w stop >/dev/null 2>&1
}
zp_citus_stop_all() {
    local i
    for i in 0 1 2 3; do [ -d "$ZP_TMP/n$i/data" ] && zp_citus_stop "$i"; done
}
# zp_citus_wait_worker I SECONDS: wait until worker I accepts connections (pg_isready) and the
# coordinator reaches it (a new session's query on every worker succeeds); 1 if not in time.
zp_citus_wait_worker() {
    local end=$(($(date +%s) + $2))
    while [ "$(date +%s)" -lt "$end" ]; do
        if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "${ZP_CPORT[$1]}" -U postgres &&
           [ "$(zp_val 0 "SELECT bool_and(success) FROM run_command_on_workers('SELECT 1')" 2>/dev/null)" = t ]; then
            return 0
        fi
        sleep 0.5
    done
    return 1
}
# zp_retry SECONDS COMMAND...: run COMMAND until it succeeds, for at most SECONDS; each retry is
# reported on stderr (the caller's check then still judges the result).
zp_retry() {
    local end=$(($(date +%s) + $1))
    shift
    until "$@"; do
        [ "$(date +%s)" -ge "$end" ] && return 1
        echo "# retrying after a failure: $*" >&2
        sleep 1
    done
}
# psql on node i: zp_psql I [psql args]
zp_psql() {
    local i=$1
    shift
    psql -X -q -v ON_ERROR_STOP=1 -h "$ZP_TMP/n$i" -p "${ZP_CPORT[$i]}" -U postgres -d postgres "$@"
}
# one value from node i: zp_val I SQL
zp_val() { zp_psql "$1" -Atc "$2"; }
