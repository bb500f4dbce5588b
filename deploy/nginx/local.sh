#!/usr/bin/env bash
# Runs deploy/nginx/videoplatform.conf with this machine's nginx as an unprivileged process, in the foreground:
# tests, benchmarks, or trying the config in front of a local instance.
# Usage: VP_LISTEN=127.0.0.1:8080 VP_UPSTREAM=127.0.0.1:9000 VP_STORAGE_ROOT=$PWD/data deploy/nginx/local.sh PREFIX
#   PREFIX gets nginx.conf (main context: pid, error log, temp folders, all under PREFIX) around the rendered template.
#   VP_SERVER_NAME defaults to "_"; NGINX_WORKERS (default auto) sets worker_processes.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 PREFIX (with VP_LISTEN, VP_UPSTREAM, VP_STORAGE_ROOT set)" >&2; exit 2; }
here=$(dirname "$(realpath "$0")")
prefix=$(realpath -m "$1")
export VP_SERVER_NAME="${VP_SERVER_NAME:-_}"
: "${VP_LISTEN:?set VP_LISTEN, e.g. 127.0.0.1:8080}" "${VP_UPSTREAM:?set VP_UPSTREAM, e.g. 127.0.0.1:9000}"
: "${VP_STORAGE_ROOT:?set VP_STORAGE_ROOT to the instance Storage:Root}"
export VP_STORAGE_ROOT=$(realpath -m "$VP_STORAGE_ROOT")
mkdir -p "$prefix/logs"
envsubst '$VP_SERVER_NAME $VP_LISTEN $VP_UPSTREAM $VP_STORAGE_ROOT' < "$here/videoplatform.conf" > "$prefix/videoplatform.conf"
cat > "$prefix/nginx.conf" <<CONF
worker_processes ${NGINX_WORKERS:-auto};
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $prefix/body;
    proxy_temp_path $prefix/proxy;
    fastcgi_temp_path $prefix/fastcgi;
    uwsgi_temp_path $prefix/uwsgi;
    scgi_temp_path $prefix/scgi;
    include $prefix/videoplatform.conf;
}
CONF
exec "${NGINX:-/usr/sbin/nginx}" -p "$prefix" -c "$prefix/nginx.conf" -g 'daemon off;'
