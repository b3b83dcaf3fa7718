# Throwaway Redis and Azurite servers for the scripts of deploy/ (sourced), on free loopback ports
# with their data in a folder of the caller's.
#   redis_start DIR    redis-server (Debian's package) with a password; exports ConnectionStrings__Redis
#   azurite_start DIR  Azurite, Azure's storage emulator (deploy/test.sh installs it into
#                      .tools/azurite); exports ConnectionStrings__AzureStorage
#   services_stop DIR  stops whichever of them DIR holds (the caller removes DIR)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

redis_start() {
  local dir=$1 port password
  command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install redis-server)" >&2; return 1; }
  port=$(free_port)
  password=$(head -c 18 /dev/urandom | base64 | tr -dc a-zA-Z0-9)
  redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --requirepass "$password" --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  for _ in $(seq 50); do redis-cli -p "$port" -a "$password" --no-auth-warning ping >/dev/null 2>&1 && break; sleep 0.1; done
  export ConnectionStrings__Redis="127.0.0.1:$port,password=$password"
}

azurite_start() {
  local dir=$1 azurite blob queue table
  azurite="$(pwd)/.tools/azurite/node_modules/.bin/azurite"
  [ -x "$azurite" ] || { echo "Azurite is not installed: run bash deploy/test.sh once, or npm install --prefix .tools/azurite azurite@3.37.0" >&2; return 1; }
  blob=$(free_port); queue=$(free_port); table=$(free_port)
  "$azurite" --silent --skipApiVersionCheck --location "$dir/azurite" --blobHost 127.0.0.1 --blobPort "$blob" \
    --queueHost 127.0.0.1 --queuePort "$queue" --tableHost 127.0.0.1 --tablePort "$table" >"$dir/azurite.log" 2>&1 &
  echo $! > "$dir/azurite.pid"
  for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$table") 2>/dev/null && break; sleep 0.1; done
  # The emulator's well-known development account (public in Azure's documentation).
  local account=devstoreaccount1 key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  export ConnectionStrings__AzureStorage="DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/$account;QueueEndpoint=http://127.0.0.1:$queue/$account;TableEndpoint=http://127.0.0.1:$table/$account;"
}

services_stop() {
  local dir=$1 file pid
  for file in "$dir/redis.pid" "$dir/azurite.pid"; do
    [ -f "$file" ] || continue
    pid=$(cat "$file")
    kill "$pid" 2>/dev/null || continue
    # A busy Azurite can sit in its shutdown for minutes: wait 10 s, then kill it.
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
