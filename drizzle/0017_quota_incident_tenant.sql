ALTER TABLE "alert_incidents" ADD COLUMN "tenant_id" uuid DEFAULT '00000000-0000-4000-8000-000000000001' NOT NULL;--> statement-breakpoint
UPDATE "alert_incidents" AS i SET "tenant_id" = r."tenant_id" FROM "alert_rules" AS r WHERE r."id" = i."rule_id";--> statement-breakpoint
ALTER TABLE "alert_incidents" ADD CONSTRAINT "alert_incidents_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_incidents_tenant_idx" ON "alert_incidents" USING btree ("tenant_id","id" DESC NULLS LAST);