CREATE TABLE "health_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "health_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone NOT NULL,
	"provider_id" uuid NOT NULL,
	"from_state" text NOT NULL,
	"to_state" text NOT NULL,
	"reason" text,
	"instance" text
);
--> statement-breakpoint
CREATE TABLE "request_bodies" (
	"request_id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"request_body" text,
	"request_bytes" integer DEFAULT 0 NOT NULL,
	"request_truncated" boolean DEFAULT false NOT NULL,
	"response_body" text,
	"response_bytes" integer DEFAULT 0 NOT NULL,
	"response_truncated" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stats_rollups" (
	"grain" smallint NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"group_id" uuid NOT NULL,
	"provider_id" uuid NOT NULL,
	"key_id" uuid NOT NULL,
	"status_class" text NOT NULL,
	"requests" bigint NOT NULL,
	"latency_sum_ms" bigint NOT NULL,
	"ttfb_sum_ms" bigint NOT NULL,
	"ttfb_count" bigint NOT NULL,
	"bytes_in" bigint NOT NULL,
	"bytes_out" bigint NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"error_codes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"latency_hist" bigint[] NOT NULL,
	"ttfb_hist" bigint[] NOT NULL,
	CONSTRAINT "stats_rollups_grain_bucket_group_id_provider_id_key_id_status_class_pk" PRIMARY KEY("grain","bucket","group_id","provider_id","key_id","status_class")
);
--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "capture_bodies" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "capture_max_bytes" integer DEFAULT 16384 NOT NULL;--> statement-breakpoint
CREATE INDEX "health_events_provider_idx" ON "health_events" USING btree ("provider_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "health_events_at_idx" ON "health_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "request_bodies_created_idx" ON "request_bodies" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "stats_rollups_provider_idx" ON "stats_rollups" USING btree ("provider_id","grain","bucket");--> statement-breakpoint
CREATE INDEX "stats_rollups_group_idx" ON "stats_rollups" USING btree ("group_id","grain","bucket");--> statement-breakpoint
CREATE INDEX "request_logs_error_idx" ON "request_logs" USING btree ("error_code","created_at" DESC NULLS LAST) WHERE "request_logs"."error_code" is not null;