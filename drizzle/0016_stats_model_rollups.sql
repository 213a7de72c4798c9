CREATE TABLE "stats_model_rollups" (
	"grain" smallint NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"tenant_id" uuid DEFAULT '00000000-0000-4000-8000-000000000001' NOT NULL,
	"group_id" uuid NOT NULL,
	"provider_id" uuid NOT NULL,
	"model" text NOT NULL,
	"requests" bigint NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"unpriced_requests" bigint DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_read_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_micros" bigint DEFAULT 0 NOT NULL,
	"affinity_hits" bigint DEFAULT 0 NOT NULL,
	"affinity_misses" bigint DEFAULT 0 NOT NULL,
	"affinity_moved" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "stats_model_rollups_pk" PRIMARY KEY("grain","bucket","tenant_id","group_id","provider_id","model")
);
--> statement-breakpoint
ALTER TABLE "stats_model_rollups" ADD CONSTRAINT "stats_model_rollups_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stats_model_rollups_tenant_idx" ON "stats_model_rollups" USING btree ("tenant_id","grain","bucket");--> statement-breakpoint
-- Hand-written. Rollup rows are rewritten by every log batch (additive upserts): room on each page
-- keeps the update on the same page (see 0014).
ALTER TABLE "stats_model_rollups" SET (fillfactor = 70);
--> statement-breakpoint
-- Backfill from the request logs still kept (the same classification as stats/model-rollups.ts:
-- success = 2xx/3xx without an error code; unpriced = tokens reported but no cost; replays left out).
INSERT INTO "stats_model_rollups" ("grain", "bucket", "tenant_id", "group_id", "provider_id", "model",
  "requests", "errors", "unpriced_requests", "input_tokens", "output_tokens", "cache_read_tokens",
  "cache_write_tokens", "cost_micros", "affinity_hits", "affinity_misses", "affinity_moved")
SELECT g.grain,
  to_timestamp(floor(extract(epoch from l.created_at) / (g.grain * 60)) * (g.grain * 60)),
  l.tenant_id,
  coalesce(l.group_id, '00000000-0000-0000-0000-000000000000'::uuid),
  coalesce(l.provider_id, '00000000-0000-0000-0000-000000000000'::uuid),
  coalesce(l.model, ''),
  count(*),
  count(*) FILTER (WHERE NOT (l.status BETWEEN 200 AND 399 AND l.error_code IS NULL)),
  count(*) FILTER (WHERE l.cost_micros IS NULL AND (coalesce(l.input_tokens, 0) > 0 OR coalesce(l.output_tokens, 0) > 0)),
  coalesce(sum(greatest(l.input_tokens, 0)), 0),
  coalesce(sum(greatest(l.output_tokens, 0)), 0),
  coalesce(sum(greatest(l.cache_read_tokens, 0)), 0),
  coalesce(sum(greatest(l.cache_write_tokens, 0)), 0),
  coalesce(sum(greatest(l.cost_micros, 0)), 0),
  count(*) FILTER (WHERE l.affinity = 'hit'),
  count(*) FILTER (WHERE l.affinity = 'miss'),
  count(*) FILTER (WHERE l.affinity = 'moved')
FROM "request_logs" l CROSS JOIN (VALUES (1), (60), (1440)) AS g(grain)
WHERE l.source <> 'replay'
GROUP BY 1, 2, 3, 4, 5, 6;
