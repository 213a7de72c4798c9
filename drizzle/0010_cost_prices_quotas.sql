CREATE TABLE "model_prices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model" text NOT NULL,
	"input_per_mtok_micros" bigint NOT NULL,
	"output_per_mtok_micros" bigint NOT NULL,
	"cache_read_per_mtok_micros" bigint,
	"cache_write_per_mtok_micros" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_prices_model_unique" UNIQUE("model")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "quota" jsonb;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "cache_read_tokens" integer;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "cache_write_tokens" integer;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "cost_micros" bigint;--> statement-breakpoint
ALTER TABLE "stats_rollups" ADD COLUMN "cache_read_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_rollups" ADD COLUMN "cache_write_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "stats_rollups" ADD COLUMN "cost_micros" bigint DEFAULT 0 NOT NULL;