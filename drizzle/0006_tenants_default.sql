-- Every existing row moves into the `default` tenant (fixed id, see src/core/vocabulary/tenants.ts);
-- the next migration adds the tenant_id columns with this id as their default, which backfills them.
INSERT INTO "tenants" ("id", "name", "slug") VALUES ('00000000-0000-4000-8000-000000000001', 'Default', 'default') ON CONFLICT DO NOTHING;
