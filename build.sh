#!/usr/bin/env bash
#
# HyperSpot for nginx: the one entry point.
#
#   ./build.sh run     install dependencies, build, start nginx with HyperSpot
#   ./build.sh stop    stop it
#   ./build.sh test    build and run every test (unit and integration)
#   ./build.sh test-asan  integration tests with sanitized modules only
#   ./build.sh bench   build and run the benchmarks
#   ./build.sh build   build only
#   ./build.sh deps    install dependencies only
#   ./build.sh clean   remove build output
#
# Environment:
#   HS_LISTEN      address of `run` (default 127.0.0.1:8087)
#   HS_NGINX       nginx binary (default /usr/sbin/nginx)
#   HS_NGINX_SRC   nginx source tree with conf_flags (default: the one of
#                  Debian's nginx-dev, /usr/share/nginx/src)
#   HS_JOBS        parallel make jobs (default: number of cores)

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="$ROOT/build"
MODULES_OUT="$BUILD/modules"
NGINX="${HS_NGINX:-/usr/sbin/nginx}"
NGX_SRC="${HS_NGINX_SRC:-/usr/share/nginx/src}"
JOBS="${HS_JOBS:-$(nproc 2>/dev/null || echo 2)}"
RUN_PREFIX="$ROOT/run"
HS_LISTEN="${HS_LISTEN:-127.0.0.1:8087}"

# Debian packages: to build and run, and what the tests and benchmarks use.
PKGS_BUILD=(build-essential pkg-config nginx nginx-dev libjansson-dev
            libyaml-dev libssl-dev libsqlite3-dev libpq-dev
            libpcre2-dev sqlite3)
PKGS_TEST=(perl curl wrk json-schema-test-suite chromium postgresql
           python3-jwt python3-cryptography openssl)
# the benchmark's OpenResty comparison endpoint
PKGS_BENCH=(libnginx-mod-http-lua lua-cjson)

# npm packages (the npm registry), pinned
ELEMENTS_VERSION=9.0.25       # @stoplight/elements: the /docs page
REDOCLY_VERSION=2.11.1        # @redocly/cli: OpenAPI lint in the tests

say() { printf '%s\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '3,/^$/p' "$0" | sed 's/^# \{0,1\}//'
}

# ---------------------------------------------------------------- deps

deps() {
    local want=("$@") missing=() p

    for p in "${want[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
            | grep -q 'install ok installed' || missing+=("$p")
    done

    command -v npm >/dev/null 2>&1 || missing+=(npm)

    [ ${#missing[@]} -eq 0 ] && return 0

    [ "$(id -u)" -eq 0 ] \
        || die "missing packages (${missing[*]}); run as root to install"

    say "==> installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

    # Debian starts the packaged nginx on port 80; HyperSpot runs its own.
    if [[ " ${missing[*]} " == *" nginx "* ]] && [ -d /run/systemd/system ]
    then
        systemctl disable --now nginx >/dev/null 2>&1 || true
    fi
}

# --------------------------------------------------------------- build

module_dirs() {
    local d
    echo "$ROOT/ngx_hyperspot"
    for d in "$ROOT"/modules/*/ "$ROOT"/t/modules/*/; do
        [ -f "$d/config" ] && echo "${d%/}"
    done
}

SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer"
SAN_FLAGS+=" -fno-sanitize-recover=undefined"

# build_modkit OUT OBJ [SANITIZE]
build_modkit() {
    make -s -C "$ROOT/modkit" -j"$JOBS" OUT="$1" OBJ="$2" SANITIZE="${3:-}"
}

# build_modules SRC-COPY OUT CC-OPT LD-OPT
build_modules() {
    # (modules link against build/modules/libhsmodkit.so; at run time they
    # load the libhsmodkit.so.0 beside them, plain or sanitized)
    local src="$1" out="$2" cc_opt="$3" ld_opt="$4" stamp sum args=() d so

    [ -f "$NGX_SRC/conf_flags" ] || die "no nginx source at $NGX_SRC"

    if [ ! -x "$src/configure" ]; then
        mkdir -p "$(dirname "$src")"
        cp -a "$NGX_SRC" "$src"
    fi

    # configure again only when the module set or a config script changed
    sum=$( { echo "$NGX_SRC $cc_opt $ld_opt $out"; module_dirs; \
             ls "$ROOT"/modkit/include; \
             module_dirs | sed 's|$|/config|' | xargs cat; \
             cat "$NGX_SRC/conf_flags"; } | sha256sum | cut -d' ' -f1)
    stamp="$src/.hs-configured"

    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ] \
       || [ ! -f "$src/objs/Makefile" ]
    then
        args=()
        while read -r d; do
            args+=("--add-dynamic-module=$d")
        done < <(module_dirs)

        say "==> configuring nginx modules ($src)"
        (
            cd "$src"
            # shellcheck disable=SC1091
            . ./conf_flags
            ./configure "${NGX_CONF_FLAGS[@]}" \
                --with-compat --with-cc-opt="$cc_opt" \
                ${ld_opt:+--with-ld-opt="$ld_opt"} \
                "${args[@]}" >"$src/configure.log" 2>&1
        ) || { tail -30 "$src/configure.log"; die "configure failed"; }

        echo "$sum" > "$stamp"
    fi

    # the modules find libhsmodkit.so.0 next to themselves
    # shellcheck disable=SC2016
    LD_RUN_PATH='$ORIGIN' make -s -C "$src" -f objs/Makefile -j"$JOBS" \
        modules || die "module build failed"

    mkdir -p "$out"
    for so in "$src"/objs/*.so; do
        cmp -s "$so" "$out/$(basename "$so")" || cp "$so" "$out/"
    done
}

# The /docs page's assets, from the npm registry, beside the modules (and
# the migrations, where the core looks for them by default).
docs_assets() {
    local out="$1" tmp

    ln -sfn "$ROOT/migrations" "$out/migrations"

    [ -f "$out/docs/web-components.min.js" ] \
        && [ -f "$out/docs/styles.min.css" ] && return 0

    say "==> fetching @stoplight/elements@$ELEMENTS_VERSION (npm)"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "@stoplight/elements@$ELEMENTS_VERSION" \
        >/dev/null) || { rm -rf "$tmp"; die "npm pack failed"; }
    tar -xzf "$tmp"/*.tgz -C "$tmp" package/web-components.min.js \
        package/styles.min.css package/LICENSE
    mkdir -p "$out/docs"
    cp "$tmp"/package/{web-components.min.js,styles.min.css,LICENSE} \
        "$out/docs/"
    rm -rf "$tmp"
}

# The OpenAPI linter the tests run.
redocly() {
    local dir="$BUILD/tools"

    if [ ! -x "$dir/node_modules/.bin/redocly" ]; then
        say "==> installing @redocly/cli@$REDOCLY_VERSION (npm)" >&2
        mkdir -p "$dir"
        npm install --silent --no-audit --no-fund --prefix "$dir" \
            "@redocly/cli@$REDOCLY_VERSION" >/dev/null \
            || die "npm install @redocly/cli failed"
    fi

    echo "$dir/node_modules/.bin/redocly"
}

build() {
    build_modkit "$MODULES_OUT" "$BUILD/modkit"
    build_modules "$BUILD/nginx-src" "$MODULES_OUT" "-O2 -g" ""
    docs_assets "$MODULES_OUT"
}

# The same modules with AddressSanitizer and UBSan, for the test suite.
build_sanitized() {
    build_modkit "$BUILD/asan/modules" "$BUILD/asan/modkit" "$SAN_FLAGS"
    build_modules "$BUILD/asan/nginx-src" "$BUILD/asan/modules" \
        "-O1 -g $SAN_FLAGS" "$SAN_FLAGS"
    docs_assets "$BUILD/asan/modules"
}

# ----------------------------------------------------------------- run

run_user() {
    # workers drop privileges when the master runs as root
    if [ "$(id -u)" -eq 0 ]; then
        echo "www-data"
    fi
}

render_conf() {
    local prefix="$1" listen="$2" user="$3" mods="" so

    for so in ngx_http_hyperspot_module ngx_http_hs_calculator_module \
              ngx_http_hs_calculator_alt_module \
              ngx_http_hs_calculator_gateway_module \
              ngx_http_hs_users_info_module ngx_http_hs_tenants_module \
              ngx_http_hs_access_module ngx_http_hs_audit_module \
              ngx_http_hs_types_registry_module; do
        mods+="load_module $MODULES_OUT/$so.so;\\n"
    done

    sed -e "s|@PREFIX@|$prefix|g" \
        -e "s|@LISTEN@|$listen|g" \
        -e "s|@LOAD_MODULES@|$mods|" \
        -e "s|@USER@|${user:+user $user;}|" \
        "$ROOT/conf/nginx.conf" > "$prefix/conf/nginx.conf"
    cp "$ROOT/conf/hyperspot.yaml" "$prefix/conf/hyperspot.yaml"
}

nginx_pid() {
    local pidf="$RUN_PREFIX/logs/nginx.pid" pid
    [ -f "$pidf" ] || return 1
    pid=$(cat "$pidf" 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

stop() {
    local pid i
    pid=$(nginx_pid) || { say "HyperSpot is not running"; return 0; }

    kill -QUIT "$pid"
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || { say "stopped (pid $pid)"; return 0; }
        sleep 0.1
    done

    kill -TERM "$pid" 2>/dev/null || true
    say "stopped (pid $pid, forced)"
}

run() {
    local user

    deps "${PKGS_BUILD[@]}" "${PKGS_TEST[@]}"
    build
    stop >/dev/null

    user=$(run_user)
    mkdir -p "$RUN_PREFIX"/{conf,logs,data,tmp}
    [ -n "$user" ] && chown "$user" "$RUN_PREFIX/data" "$RUN_PREFIX/tmp"

    render_conf "$RUN_PREFIX" "$HS_LISTEN" "$user"

    "$NGINX" -t -q -p "$RUN_PREFIX" -c conf/nginx.conf \
        || die "configuration check failed (see above)"
    "$NGINX" -p "$RUN_PREFIX" -c conf/nginx.conf

    for _ in $(seq 1 50); do
        curl -fsS "http://$HS_LISTEN/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done

    say "HyperSpot is running: http://$HS_LISTEN/"
    say "  health:  curl http://$HS_LISTEN/health"
    say "  logs:    $RUN_PREFIX/logs/"
    say "  stop:    ./build.sh stop"
}

# ---------------------------------------------------------------- test

unit_tests() {
    make -s -C "$ROOT/t/unit" -j"$JOBS" BUILD="$BUILD" all
}

# A throwaway PostgreSQL server for the tests (t/lib/pg.sh), stopped on exit.
pg_start() {
    PG_DIR=$(mktemp -d /tmp/hs-pg-XXXXXX)
    rmdir "$PG_DIR"
    HS_TEST_PG_URL=$("$ROOT/t/lib/pg.sh" start "$PG_DIR") \
        || die "cannot start PostgreSQL for the tests"
    export HS_TEST_PG_URL HS_TEST_PG_DIR="$PG_DIR"
    trap '"$ROOT/t/lib/pg.sh" stop "$PG_DIR" >/dev/null 2>&1' EXIT
    say "==> PostgreSQL for the tests: $HS_TEST_PG_URL"
}

test_all() {
    local rc=0

    deps "${PKGS_BUILD[@]}" "${PKGS_TEST[@]}"
    build
    pg_start
    unit_tests

    say "==> unit tests (plain, then AddressSanitizer + UBSan)"
    prove -e '' "$BUILD"/unit/plain/test_* "$BUILD"/unit/asan/test_* \
        || rc=1
    "$BUILD"/unit/plain/test_hs_jsonschema_suite \
        | sed -n 's/^# \(draft7 required: .*\)/JSON-Schema-Test-Suite \1/p'

    say "==> integration tests"
    export HS_REDOCLY HS_HSCTL="$BUILD/bin/hsctl"
    HS_REDOCLY=$(redocly)
    (cd "$ROOT" && HS_MODULES_DIR="$MODULES_OUT" prove -j2 t/) || rc=1

    say "==> integration tests, modules built with AddressSanitizer + UBSan"
    test_sanitized || rc=1

    return $rc
}

test_sanitized() {
    [ -n "${HS_TEST_PG_URL:-}" ] || pg_start
    export HS_REDOCLY HS_HSCTL="$BUILD/bin/hsctl"
    HS_REDOCLY=$(redocly)
    build_sanitized
    (cd "$ROOT" && HS_MODULES_DIR="$BUILD/asan/modules" \
        HS_TEST_PRELOAD="$(gcc -print-file-name=libasan.so)" \
        prove -j2 t/)
}

# --------------------------------------------------------------- bench

bench() {
    deps "${PKGS_BUILD[@]}" "${PKGS_TEST[@]}" "${PKGS_BENCH[@]}"
    build
    pg_start
    mkdir -p "$BUILD/bench"
    # shellcheck disable=SC2046
    for b in bench_jsonschema bench_gts; do
        cc -O2 -g -Wall -Werror -I"$ROOT/modkit/include" \
            -o "$BUILD/bench/$b" "$ROOT/bench/$b.c" \
            -L"$MODULES_OUT" -lhsmodkit -Wl,-rpath,"$MODULES_OUT" \
            $(pkg-config --cflags --libs jansson)
    done
    HS_MODULES_DIR="$MODULES_OUT" perl "$ROOT/bench/bench.pl" "$@"
}

# ---------------------------------------------------------------- main

cmd="${1:-}"
[ $# -gt 0 ] && shift

case "$cmd" in
    run)    run ;;
    stop)   stop ;;
    test)   test_all ;;
    test-asan) deps "${PKGS_BUILD[@]}" "${PKGS_TEST[@]}"; build
            test_sanitized ;;
    bench)  bench "$@" ;;
    build)  deps "${PKGS_BUILD[@]}"; build ;;
    deps)   deps "${PKGS_BUILD[@]}" "${PKGS_TEST[@]}" ;;
    clean)  rm -rf "$BUILD" ;;
    *)      usage; [ -z "$cmd" ] && exit 0; exit 2 ;;
esac
