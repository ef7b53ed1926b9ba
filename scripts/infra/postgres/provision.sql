-- Roles and one database for Logisynapse, idempotently. Run by psql as a superuser, connected
-- to any database, with the variables owner, owner_pw, app, app_pw, engine, engine_pw and db:
--   npm run infra:up (scripts/infra/lib.sh) and docker-compose (infra/docker/postgres-init.sh).
-- The owner owns the database and runs migrations; the application role owns nothing and is
-- neither superuser nor BYPASSRLS, so row-level security applies to it; the engine role owns
-- the schemas of DBOS and pg-boss, on which the application role has no grant.
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I LOGIN', r) FROM unnest(ARRAY[:'owner', :'app', :'engine']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', r, pw)
  FROM (VALUES (:'owner', :'owner_pw'), (:'app', :'app_pw'), (:'engine', :'engine_pw')) AS roles(r, pw) \gexec

SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'db', :'owner') \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'db', :'app') \gexec
-- CREATE on the database: `CREATE SCHEMA IF NOT EXISTS`, which the engines run at start, checks it first.
SELECT format('GRANT CONNECT, CREATE ON DATABASE %I TO %I', :'db', :'engine') \gexec

\connect :"db"
CREATE EXTENSION IF NOT EXISTS vector;
ALTER SCHEMA public OWNER TO :"owner";
GRANT USAGE ON SCHEMA public TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO :"app";

\set schema dbos
\ir engine-schema.sql
\set schema pgboss
\ir engine-schema.sql
