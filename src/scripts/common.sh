# Shared by the main job and the test runner: packages, build, and running
# PostgreSQL programs as a non-root user (initdb, postgres and pg_regress refuse root).

ZP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_BIN=/usr/lib/postgresql/15/bin
# Debian packages the build and the tests need; python3-jieba supplies the lexicon and HMM.
ZP_PACKAGES=(postgresql-15 postgresql-server-dev-15 libicu-dev python3-jieba make gcc pkg-config)

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
