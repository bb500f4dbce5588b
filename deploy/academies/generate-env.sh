#!/usr/bin/env bash
# Writes the environment files of every academy listed in academies.tsv (or the table given), for
# deploy/academies/compose.yaml (instance + nginx of one academy) and deploy/academies/runners.yaml (its runners):
#   OUT/<code>.env         the instance: VP_Section__Key=value (ASP.NET Core configuration from the environment)
#   OUT/<code>.runner.env  its runners (--Roles runner): the instance URL, the registration token, a state folder
#   OUT/<code>.nginx.env   the variables of deploy/nginx/videoplatform.conf
#   OUT/secrets/<code>     generated once and kept: database and administrator passwords, the runners' registration token
#   OUT/databases-<postgres host>.sql  roles and databases to create on each PostgreSQL cluster (psql -f)
# Usage: S3_ACCESS_KEY=… S3_SECRET_KEY=… deploy/academies/generate-env.sh [--out DIR] [TABLE]
# Optional: S3_ENDPOINT (https://s3.fr-par.scw.cloud), S3_REGION (fr-par), BUCKET_PREFIX (vp-), CDN_BASE_URL (a CDN in
# front of the buckets: BaseUrl becomes CDN_BASE_URL/<bucket>), NGINX_ADDRESS (10.89.0.10, nginx's fixed address in compose.yaml).
set -euo pipefail
here=$(dirname "$(realpath "$0")")
out="$here/env"
table="$here/academies.tsv"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) table="$1"; shift ;;
  esac
done
: "${S3_ACCESS_KEY:?set S3_ACCESS_KEY (the object storage access key of the project)}"
: "${S3_SECRET_KEY:?set S3_SECRET_KEY}"
endpoint="${S3_ENDPOINT:-https://s3.fr-par.scw.cloud}"
region="${S3_REGION:-fr-par}"
bucket_prefix="${BUCKET_PREFIX:-vp-}"
nginx_address="${NGINX_ADDRESS:-10.89.0.10}"
mkdir -p "$out/secrets"
chmod 700 "$out/secrets"
rm -f "$out"/databases-*.sql

random() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

count=0
while IFS=$'\t' read -r code name host pg_host; do
  case "$code" in ''|'#'*) continue ;; esac
  if ! [[ "$code" =~ ^[a-z0-9-]+$ ]] || [ -z "$host" ] || [ -z "$pg_host" ]; then
    echo "$table: bad line for '$code' (code: a-z 0-9 -, then name, host, PostgreSQL host, tab-separated)" >&2
    exit 1
  fi
  secrets="$out/secrets/$code"
  if [ ! -f "$secrets" ]; then
    printf 'POSTGRES_PASSWORD=%s\nADMIN_PASSWORD=%s\nRUNNER_REGISTRATION_TOKEN=\n' "$(random 24)" "$(random 12)" > "$secrets"
    chmod 600 "$secrets"
  fi
  # shellcheck disable=SC1090
  . "$secrets"
  db="vp_${code//-/_}"
  bucket="${bucket_prefix}${code}"
  base_url="${CDN_BASE_URL:+${CDN_BASE_URL%/}/$bucket}"
  base_url="${base_url:-https://$bucket.${endpoint#https://}}"

  cat > "$out/$code.env" <<ENV
VP_Instance__PublicUrl=https://$host
VP_Instance__Name=$name
VP_Database__Provider=postgres
VP_Database__ConnectionString=Host=$pg_host;Database=$db;Username=$db;Password=$POSTGRES_PASSWORD
VP_Admin__Password=$ADMIN_PASSWORD
VP_P2P__PeerPort=51413
VP_Media__AccelRedirect=true
VP_Proxy__KnownProxies=$nginx_address
VP_Transcoding__RemoteRunners__Enabled=true
VP_ObjectStorage__Enabled=true
VP_ObjectStorage__Endpoint=$endpoint
VP_ObjectStorage__Region=$region
VP_ObjectStorage__ForcePathStyle=false
VP_ObjectStorage__AccessKeyId=$S3_ACCESS_KEY
VP_ObjectStorage__SecretAccessKey=$S3_SECRET_KEY
VP_ObjectStorage__UploadAcl__Public=public-read
VP_ObjectStorage__UploadAcl__Private=private
VP_ObjectStorage__MaxUploadPart=104857600
VP_ObjectStorage__StreamingPlaylists__BucketName=$bucket
VP_ObjectStorage__StreamingPlaylists__Prefix=streaming-playlists/
VP_ObjectStorage__StreamingPlaylists__BaseUrl=$base_url
VP_ObjectStorage__WebVideos__BucketName=$bucket
VP_ObjectStorage__WebVideos__Prefix=web-videos/
VP_ObjectStorage__WebVideos__BaseUrl=$base_url
VP_ObjectStorage__OriginalVideoFiles__BucketName=$bucket
VP_ObjectStorage__OriginalVideoFiles__Prefix=original-video-files/
ENV
  cat > "$out/$code.runner.env" <<ENV
VP_Runner__InstanceUrl=https://$host
VP_Runner__RegistrationToken=$RUNNER_REGISTRATION_TOKEN
VP_Runner__StateFolder=/var/lib/videoplatform-runner/$code
ENV
  cat > "$out/$code.nginx.env" <<ENV
VP_SERVER_NAME=$host
VP_LISTEN=443 ssl http2
VP_UPSTREAM=instance:9000
VP_STORAGE_ROOT=/data
ENV
  chmod 600 "$out/$code.env" "$out/$code.runner.env"
  printf "CREATE ROLE %s LOGIN PASSWORD '%s';\nCREATE DATABASE %s OWNER %s;\n" "$db" "$POSTGRES_PASSWORD" "$db" "$db" >> "$out/databases-$pg_host.sql"
  count=$((count + 1))
done < "$table"
echo "$count academies written to $out"
