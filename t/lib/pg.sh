#!/bin/sh
# A throwaway PostgreSQL server for the tests.
#
#   t/lib/pg.sh start DIR     new cluster in DIR on 127.0.0.1 and a free
#                             port; prints its URL:
#                             postgres://hs:hs@127.0.0.1:PORT/hs_test
#   t/lib/pg.sh stop DIR      stops it (fast) and removes DIR
#   t/lib/pg.sh restart DIR   stops and starts it again on the same port;
#                             prints the URL
#   t/lib/pg.sh down DIR      stops it, keeps DIR (the database "goes down")
#   t/lib/pg.sh up DIR        starts a stopped one again; prints the URL
#   t/lib/pg.sh url DIR       prints the URL
#
# Binaries come from /usr/lib/postgresql/<newest>/bin (Debian package
# "postgresql", installed with apt-get when missing and running as root).
# PostgreSQL refuses to run as root: as root, the server runs as the
# "postgres" system user and DIR is given to it. Only TCP on 127.0.0.1 and
# a unix socket inside DIR; fsync off. Messages go to stderr, the log to
# DIR/server.log.

set -eu

PROG=${0##*/}

die() {
    echo "$PROG: $*" >&2
    exit 1
}

usage() {
    echo "usage: $PROG start|stop|restart|down|up|url DIR" >&2
    exit 2
}

[ $# -eq 2 ] || usage
CMD=$1
DIR=$2

case $DIR in
    /*) ;;
    *)  DIR=$(pwd)/$DIR ;;
esac
DIR=${DIR%/}
[ -n "$DIR" ] && [ "$DIR" != / ] || die "refusing to use \"$2\""

DATA=$DIR/data
LOG=$DIR/server.log
PORTFILE=$DIR/port

if [ "$(id -u)" = 0 ]; then
    AS_ROOT=1
else
    AS_ROOT=0
fi

# Runs a command as the server's owner.
as_pg() {
    if [ $AS_ROOT = 1 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            # su -c takes one string: quote every argument
            _cmd=
            for _a in "$@"; do
                _cmd="$_cmd '$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'"
            done
            su -s /bin/sh postgres -c "$_cmd"
        fi
    else
        "$@"
    fi
}

find_bin() {
    BIN=
    # the newest version first (numerically: 9 < 10)
    for _v in $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do
        if [ -x "/usr/lib/postgresql/$_v/bin/initdb" ]; then
            BIN=/usr/lib/postgresql/$_v/bin
            return 0
        fi
    done
}

install_pg() {
    [ $AS_ROOT = 1 ] \
        || die "PostgreSQL is not installed (as root: apt-get install postgresql)"
    command -v apt-get >/dev/null 2>&1 \
        || die "PostgreSQL is not installed and there is no apt-get"

    echo "$PROG: installing postgresql with apt-get" >&2

    # no default cluster on 5432: the tests make their own
    _cc=/etc/postgresql-common/createcluster.conf
    mkdir -p /etc/postgresql-common
    if [ ! -e $_cc ]; then
        echo "create_main_cluster = false" > $_cc
    fi

    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q postgresql >&2 \
        || { apt-get update -q >&2 && apt-get install -y -q postgresql >&2; } \
        || die "apt-get install postgresql failed"
}

setup() {
    find_bin
    if [ -z "$BIN" ]; then
        install_pg
        find_bin
        [ -n "$BIN" ] \
            || die "no /usr/lib/postgresql/*/bin/initdb after installing"
    fi

    if [ $AS_ROOT = 1 ] && ! id postgres >/dev/null 2>&1; then
        useradd --system --user-group --home-dir /var/lib/postgresql \
            --shell /bin/sh postgres || die "cannot create the postgres user"
    fi
}

# A free TCP port on 127.0.0.1 (the kernel picks one).
free_port() {
    if command -v perl >/dev/null 2>&1; then
        perl -MIO::Socket::INET -e '
            my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1",
                                          LocalPort => 0, ReuseAddr => 1)
                or die "socket: $!\n";
            print $s->sockport, "\n";'
    elif command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    else
        # a random high port; a clash is caught when the server starts
        echo $(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000 ))
    fi
}

url() {
    echo "postgres://hs:hs@127.0.0.1:$(cat "$PORTFILE")/hs_test"
}

is_ours() {
    [ -f "$DATA/PG_VERSION" ] && [ -f "$PORTFILE" ]
}

# Starts the server on the port in DIR/port; 0 when it accepts connections.
server_start() {
    _port=$(cat "$PORTFILE")

    # -w waits until the server accepts connections (or fails)
    as_pg "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 30 \
        -o "-p $_port" start >/dev/null 2>&1 || return 1

    # and over TCP, the way the tests connect
    _i=0
    while [ $_i -lt 50 ]; do
        if as_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$_port" -t 1; then
            return 0
        fi
        _i=$((_i + 1))
        sleep 0.1
    done

    return 1
}

server_stop() {
    if [ -f "$DATA/postmaster.pid" ]; then
        as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >/dev/null 2>&1 \
            || as_pg "$BIN/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop \
                   >/dev/null 2>&1 \
            || true
    fi
}

psql_admin() {
    as_pg "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" \
        -p "$(cat "$PORTFILE")" -U postgres -d postgres "$@"
}

cmd_start() {
    setup

    # a leftover of an earlier run goes first
    if is_ours; then
        server_stop
        rm -rf "$DIR"
    elif [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
        die "$DIR exists and is not empty"
    fi

    mkdir -p "$DIR"
    chmod 700 "$DIR"
    if [ $AS_ROOT = 1 ]; then
        chown postgres: "$DIR"
        as_pg test -w "$DIR" \
            || die "the postgres user cannot write $DIR" \
                   "(is a parent directory closed to it?)"
    fi

    # the unix socket path is limited to ~107 bytes
    [ ${#DIR} -lt 80 ] || die "$DIR is too long for a unix socket path"

    as_pg "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync \
        >"$DIR/initdb.log" 2>&1 \
        || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }

    cat >>"$DATA/postgresql.conf" <<EOF

# t/lib/pg.sh: a throwaway test server
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 100
dynamic_shared_memory_type = mmap
logging_collector = off
log_min_messages = warning
log_line_prefix = '%m [%p] '
EOF

    # the kernel's free port may be taken before the server binds it
    _try=0
    while :; do
        free_port >"$PORTFILE.new"
        [ $AS_ROOT = 1 ] && chown postgres: "$PORTFILE.new"
        mv "$PORTFILE.new" "$PORTFILE"

        if server_start; then
            break
        fi

        _try=$((_try + 1))
        if [ $_try -ge 5 ]; then
            tail -n 20 "$LOG" >&2 2>/dev/null || true
            die "the server does not start (log: $LOG)"
        fi
        server_stop
    done

    psql_admin -c "CREATE ROLE hs LOGIN PASSWORD 'hs'" \
        -c "CREATE DATABASE hs_test OWNER hs" >&2 \
        || die "creating role hs and database hs_test failed"

    url
}

cmd_stop() {
    find_bin
    if ! is_ours; then
        # nothing to stop; refuse to remove what is not a test server
        if [ -e "$DIR" ] && [ -n "$(ls -A "$DIR" 2>/dev/null)" ]; then
            die "$DIR is not a test server made by $PROG"
        fi
        rm -rf "$DIR"
        return 0
    fi

    [ -n "$BIN" ] || die "no PostgreSQL binaries to stop $DIR with"
    server_stop
    rm -rf "$DIR"
}

cmd_down() {
    find_bin
    is_ours || die "$DIR is not a test server made by $PROG"
    server_stop
}

cmd_up() {
    find_bin
    is_ours || die "$DIR is not a test server made by $PROG"
    if [ -f "$DATA/postmaster.pid" ] \
       && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
    then
        url
        return 0
    fi
    server_start || die "the server does not start (log: $LOG)"
    url
}

case $CMD in
    start)   cmd_start ;;
    stop)    cmd_stop ;;
    restart) cmd_down; cmd_up ;;
    down)    cmd_down ;;
    up)      cmd_up ;;
    url)     is_ours || die "$DIR is not a test server made by $PROG"; url ;;
    *)       usage ;;
esac
