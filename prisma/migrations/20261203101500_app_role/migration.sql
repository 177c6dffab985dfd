-- The application's own role (least privilege): the API and the worker connect as legal_aid_app, never as the
-- owner that runs these migrations. It reads and writes the tables, may only append to the audit trail, cannot
-- change the schema, bypass triggers (session_replication_role needs a superuser) or touch the migration history.
-- Roles belong to the server, not to one database: created once, granted in every database migrated.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'legal_aid_app') THEN
    CREATE ROLE legal_aid_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION;
  END IF;
EXCEPTION
  -- Another database on the same server created it at the same moment.
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

GRANT USAGE ON SCHEMA public TO legal_aid_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO legal_aid_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO legal_aid_app;
-- Tables and sequences later migrations create get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO legal_aid_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO legal_aid_app;

-- The audit trail is append-only for the application (the trigger refuses changes for everyone else too).
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_event" FROM legal_aid_app;
REVOKE ALL ON "_prisma_migrations" FROM legal_aid_app;
