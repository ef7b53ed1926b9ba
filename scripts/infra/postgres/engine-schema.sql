-- One engine schema (variable `schema`) for the engine role, with no grant to anyone else.
-- Objects an earlier version left to another owner are handed over, never dropped.
SELECT format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', :'schema', :'engine') \gexec
SELECT format('ALTER SCHEMA %I OWNER TO %I', :'schema', :'engine') \gexec
SELECT format('ALTER %s %s OWNER TO %I',
              CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
              c.oid::regclass, :'engine')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = :'schema' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
   AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = :'engine')
   -- a sequence that belongs to a column follows its table
   AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))) \gexec
SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, :'engine')
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = :'schema' AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = :'engine') \gexec
SELECT format('ALTER TYPE %s OWNER TO %I', t.oid::regtype, :'engine')
  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname = :'schema' AND t.typtype IN ('e', 'd') AND t.typowner <> (SELECT oid FROM pg_roles WHERE rolname = :'engine') \gexec
SELECT format('REVOKE ALL ON SCHEMA %I FROM PUBLIC, %I', :'schema', :'app') \gexec
