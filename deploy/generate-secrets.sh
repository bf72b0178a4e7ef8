#!/bin/sh
# Makes the keys and passwords of the compose deployment in deploy/secrets/ (git-ignored, kept
# out of the image's build context): 32 random bytes, base64, per key; random hex passwords.
# An existing file is kept: a new master key would make every stored secret unreadable, a new
# Postgres password would no longer match the database's. Back these files up with the volumes.
#
#   sh deploy/generate-secrets.sh
set -eu
dir="$(dirname "$0")/secrets"
mkdir -p "$dir"
chmod 0700 "$dir"
key() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }
hex() { head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# put <file> <content>: once, readable by the containers' users (the folder stays owner-only)
put() {
  if [ -e "$dir/$1" ]; then echo "kept    $dir/$1"; return; fi
  printf '%s\n' "$2" > "$dir/$1"
  chmod 0444 "$dir/$1"
  echo "created $dir/$1"
}
put subgraph_token_key "$(key)"
put master_key "$(key)"
put grafana_admin_password "$(hex)"
if [ ! -e "$dir/postgres_password" ]; then
  password="$(hex)"
  put postgres_password "$password"
  put database_url "postgresql://dictamesh:$password@postgres:5432/dictamesh"
else
  echo "kept    $dir/postgres_password"
  [ -e "$dir/database_url" ] || { echo "deploy/secrets/database_url is missing: write postgresql://dictamesh:<postgres_password>@postgres:5432/dictamesh" >&2; exit 1; }
fi
