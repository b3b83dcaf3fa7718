# A throwaway PostgreSQL server from Debian's packages, for the scripts of deploy/ (sourced).
#   pg_start DIR [POOL]  initdb in DIR/data, start on a free loopback port, create database gvm,
#                        export ConnectionStrings__PostgreSql (password authentication), with at
#                        most POOL connections per process (default 20: a few processes stay
#                        well under the server's 200)
#   pg_stop DIR      stop it (the caller removes DIR)
# initdb refuses root: as root the server runs as the packages' postgres user.

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

pg_as() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_start() {
  local dir=$1 pool=${2:-20} bin port password
  bin=$(pg_bin)
  [ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; return 1; }
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  password=$(head -c 18 /dev/urandom | base64 | tr -dc a-zA-Z0-9)
  (umask 077 && echo "$password" > "$dir/password")
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir/password"
  pg_as "$bin/initdb" -D "$dir/data" -U gvm --pwfile="$dir/password" --auth-host=scram-sha-256 --auth-local=trust >/dev/null
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pg_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200" start >/dev/null
  pg_as "$bin/createdb" -h "$dir" -p "$port" -U gvm gvm
  export ConnectionStrings__PostgreSql="Host=127.0.0.1;Port=$port;Username=gvm;Password=$password;Database=gvm;Maximum Pool Size=$pool"
  PG_PORT=$port
}

pg_stop() {
  local dir=$1
  [ -f "$dir/data/postmaster.pid" ] && pg_as "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
}
