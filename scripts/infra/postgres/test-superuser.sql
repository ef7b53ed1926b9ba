-- A superuser role for tests only, idempotently. Run by psql as a superuser by
-- `npm run infra:up` (scripts/infra/lib.sh, pg_provision), with the variables su and su_pw.
-- Not run by docker-compose, and not in provision.sql: the app never gets a superuser.
--
-- What it is for: the database contract's negative control (test/contracts/database.contract.ts)
-- reads another tenant's row as this role, inside a rolled-back transaction, to show that
-- row-level security does not bind a superuser even with FORCE, so the tests of the application
-- role would see the leak if the app connected as a superuser.
--
-- Read-only by default (default_transaction_read_only): the control only reads, and a test that
-- reaches for this role to write something has to say so (SET default_transaction_read_only = off).
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I LOGIN SUPERUSER', :'su')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'su') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN SUPERUSER PASSWORD %L', :'su', :'su_pw') \gexec
SELECT format('ALTER ROLE %I SET default_transaction_read_only = on', :'su') \gexec
