# Shared by the main job and the test runner: packages, build, and running
# PostgreSQL programs as a non-root user (initdb, postgres and pg_regress refuse root).

ZP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# ZP_PG_BIN names another PostgreSQL 15 (a relocated copy of Debian's, say), so that two work
# trees can install and test at once without replacing each other's module.
PG_BIN=${ZP_PG_BIN:-/usr/lib/postgresql/15/bin}
export PG_CONFIG="$PG_BIN/pg_config"
# Debian packages the build and the tests need; python3-jieba supplies the lexicon and HMM,
# postgresql-15-cron the scheduler the tagging test runs tag_table with.
# libserd-dev the Turtle and N-Triples reader of import_skos (libserd-0-0 at run time).
# clang and its runtimes build the libFuzzer targets; valgrind runs the suite under memcheck.
# python3-django, python3-sqlalchemy and python3-psycopg2 run the client recipes' tests (test/clients/).
ZP_PACKAGES=(postgresql-15 postgresql-server-dev-15 postgresql-15-cron libicu-dev libserd-dev python3-jieba make gcc pkg-config
             clang libclang-rt-14-dev valgrind python3-django python3-sqlalchemy python3-psycopg2)

# Install whichever of ZP_PACKAGES is missing (apt-get, as root).
zp_install_deps() {
    local missing=() p
    for p in "${ZP_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "zhpolicy: missing Debian packages: ${missing[*]}" >&2
        echo "zhpolicy: install them with: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
    echo "zhpolicy: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Build and install the extension (install needs root or a writable PostgreSQL tree).
zp_build_install() {
    make -C "$ZP_ROOT" -s >/dev/null
    if [ "$(id -u)" -eq 0 ] || [ -w "$("$PG_BIN/pg_config" --pkglibdir)" ]; then
        make -C "$ZP_ROOT" -s install >/dev/null
    else
        sudo make -C "$ZP_ROOT" -s install >/dev/null
    fi
}

# Run a command as the PostgreSQL user when we are root, else as ourselves.
zp_as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Make a directory that the PostgreSQL user owns.
zp_pg_dir() {
    mkdir -p "$1"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$1"; fi
}

# Start a throw-away cluster for a benchmark in a new temporary directory on PORT;
# sets ZP_TMP (the directory, with corpus/ copied in) and PSQL (the client command),
# and stops and removes everything when the calling script exits.
zp_temp_cluster() {
    local port=$1
    ZP_TMP=$(mktemp -d /tmp/zhpolicy-bench.XXXXXX)
    chmod a+rx "$ZP_TMP"
    zp_pg_dir "$ZP_TMP/pg"
    zp_as_pg "$PG_BIN/initdb" -D "$ZP_TMP/pg/data" -U postgres -E UTF8 --no-locale -A trust >/dev/null
    zp_as_pg "$PG_BIN/pg_ctl" -D "$ZP_TMP/pg/data" -l "$ZP_TMP/pg/log" -w \
        -o "-p $port -k $ZP_TMP/pg -c listen_addresses= -c shared_buffers=256MB -c max_parallel_workers_per_gather=0" \
        start >/dev/null
    trap 'zp_as_pg "$PG_BIN/pg_ctl" -D "$ZP_TMP/pg/data" -m fast stop >/dev/null 2>&1; rm -rf "$ZP_TMP"' EXIT
    PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$ZP_TMP/pg" -p "$port" -U postgres -d postgres)
    cp -r "$ZP_ROOT/test/corpus" "$ZP_TMP/corpus"
    chmod -R a+rX "$ZP_TMP/corpus"
}

# A TCP port nobody listens on now, for a temporary cluster: the first free one of ZP_PORTS
# ("56000-56099", for work trees that share a machine) if set, else one the kernel picks.
zp_free_port() {
    /usr/bin/python3 - "${ZP_PORTS:-}" <<'PY'
import socket, sys
lo, _, hi = sys.argv[1].partition("-")
ports = range(int(lo), int(hi or lo) + 1) if lo else [0]
for p in ports:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    print(s.getsockname()[1])
    sys.exit(0)
sys.exit("zhpolicy: no free port in ZP_PORTS=" + sys.argv[1])
PY
}
