CREATE TABLE "request_captures" (
	"request_id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"compressed" boolean DEFAULT false NOT NULL,
	"payload" text NOT NULL,
	"payload_bytes" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "groups" ALTER COLUMN "capture_max_bytes" SET DEFAULT 1048576;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "capture" text DEFAULT 'off' NOT NULL;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "capture_sample_rate" double precision DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "capture" text;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "source" text DEFAULT 'client' NOT NULL;--> statement-breakpoint
ALTER TABLE "request_logs" ADD COLUMN "replay_of" text;--> statement-breakpoint
CREATE INDEX "request_captures_created_idx" ON "request_captures" USING btree ("created_at");--> statement-breakpoint
-- Data move (hand-written): captureBodies true -> capture 'all'; stored bodies -> captures.
UPDATE "groups" SET "capture" = 'all' WHERE "capture_bodies" = true;--> statement-breakpoint
INSERT INTO "request_captures" ("request_id", "created_at", "compressed", "payload", "payload_bytes")
SELECT b."request_id", b."created_at", false, p.j::text, octet_length(p.j::text)
FROM "request_bodies" b
LEFT JOIN "request_logs" l ON l."id" = b."request_id",
LATERAL (SELECT jsonb_build_object(
  'v', 1,
  'request', jsonb_build_object(
    'method', coalesce(l."method", 'GET'), 'path', coalesce(l."path", ''), 'query', '',
    'headers', '{}'::jsonb,
    'body', jsonb_build_object('text', b."request_body", 'bytes', b."request_bytes", 'truncated', b."request_truncated")),
  'attempts', jsonb_build_array(jsonb_build_object(
    'providerId', l."provider_id", 'provider', '', 'status', l."status", 'headers', null,
    'body', jsonb_build_object('text', b."response_body", 'bytes', b."response_bytes", 'truncated', b."response_truncated")))
) AS j) p
ON CONFLICT DO NOTHING;--> statement-breakpoint
DROP TABLE "request_bodies" CASCADE;--> statement-breakpoint
ALTER TABLE "groups" DROP COLUMN "capture_bodies";