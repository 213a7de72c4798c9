DROP INDEX "request_logs_id_idx";--> statement-breakpoint
DROP INDEX "request_logs_tenant_idx";--> statement-breakpoint
DROP INDEX "request_logs_provider_idx";--> statement-breakpoint
DROP INDEX "request_logs_key_idx";--> statement-breakpoint
DROP INDEX "request_logs_group_idx";--> statement-breakpoint
CREATE INDEX "request_logs_tenant_idx" ON "request_logs" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "request_logs_provider_idx" ON "request_logs" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "request_logs_key_idx" ON "request_logs" USING btree ("key_id");--> statement-breakpoint
CREATE INDEX "request_logs_group_idx" ON "request_logs" USING btree ("group_id");