ALTER TABLE "providers" ADD COLUMN "models" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "affinity" jsonb DEFAULT '{"enabled":false}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "group_providers" ADD COLUMN "models" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "group_providers" ADD COLUMN "model_map" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "allowed_models" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "upstream_model" text;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "affinity" text;