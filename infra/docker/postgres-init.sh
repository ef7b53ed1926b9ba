#!/usr/bin/env bash
# Runs once, when the postgres container initialises its data directory: the same roles,
# database and grants as `npm run infra:up` (scripts/infra/postgres/provision.sql, mounted at
# /provision). Passwords come from the container's environment.
set -euo pipefail
psql -X -q -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v db=logisynapse \
  -v owner=logisynapse_owner -v owner_pw="$LOGISYNAPSE_PG_OWNER_PASSWORD" \
  -v app=logisynapse_app -v app_pw="$LOGISYNAPSE_PG_APP_PASSWORD" \
  -v engine=logisynapse_engine -v engine_pw="$LOGISYNAPSE_PG_ENGINE_PASSWORD" \
  -f /provision/provision.sql
