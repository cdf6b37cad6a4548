# Throwaway PostgreSQL clusters and ports for scripts/restore-drill and scripts/check-image.
# Source it after lib.sh; it does nothing on its own.
# shellcheck shell=bash

# PostgreSQL refuses to run as root, so its tools run as the `postgres` user when we are root.
mirror_as_postgres() {
    if ((EUID == 0)); then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# The first port from $1 upwards that nothing on loopback listens on.
mirror_free_port() {
    local port=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        ((port++))
        ((port < 65536)) || mirror_die "no free port from $1 upwards"
    done
    echo "$port"
}

# The newest installed PostgreSQL's bin folder (Debian keeps one per major version).
mirror_pg_bin() {
    local dirs=(/usr/lib/postgresql/*/bin)
    [[ -x "${dirs[0]}/initdb" ]] || mirror_die "PostgreSQL's server tools are not installed (apt-get install postgresql)"
    printf '%s\n' "${dirs[@]}" | sort -V | tail -n 1
}

# mirror_pg_start DIR PORT: a new cluster in DIR/data on 127.0.0.1:PORT, trust auth, user postgres.
mirror_pg_start() {
    local dir=$1 port=$2 bin
    bin="$(mirror_pg_bin)"
    mkdir -p "$dir"
    if ((EUID == 0)); then chown postgres:postgres "$dir"; fi
    mirror_as_postgres "$bin/initdb" -D "$dir/data" --auth=trust --username=postgres --encoding=UTF8 \
        --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; mirror_die "initdb failed in $dir"; }
    mirror_as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
        || { cat "$dir/server.log" >&2; mirror_die "PostgreSQL did not start in $dir"; }
}

# mirror_pg_stop DIR: stops the cluster in DIR/data if it runs; quiet otherwise.
mirror_pg_stop() {
    local dir=$1
    [[ -f "$dir/data/postmaster.pid" ]] || return 0
    mirror_as_postgres "$(mirror_pg_bin)/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
}

# mirror_wait_http URL SECONDS: until URL answers 2xx; fails after SECONDS.
mirror_wait_http() {
    local url=$1 deadline=$((SECONDS + $2))
    until curl -fsS --max-time 2 -o /dev/null "$url" 2>/dev/null; do
        ((SECONDS < deadline)) || return 1
        sleep 0.3
    done
}
