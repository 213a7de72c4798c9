-- The request-log dimension indexes on one column (B-tree deduplication: ~6 bytes a row instead of
-- ~70) and no index on id (ids are UUIDv7: a log is found by id through the (created_at, id) key).
-- (The capture statements drizzle-kit also emitted here are 0012's own: its snapshot was stale.)
DROP INDEX IF EXISTS "request_logs_id_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "request_logs_tenant_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "request_logs_provider_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "request_logs_key_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "request_logs_group_idx";--> statement-breakpoint
CREATE INDEX "request_logs_tenant_idx" ON "request_logs" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "request_logs_provider_idx" ON "request_logs" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "request_logs_key_idx" ON "request_logs" USING btree ("key_id");--> statement-breakpoint
CREATE INDEX "request_logs_group_idx" ON "request_logs" USING btree ("group_id");
