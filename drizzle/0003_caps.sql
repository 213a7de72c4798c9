ALTER TABLE "providers" ADD COLUMN "rate_limit_per_minute" integer;--> statement-breakpoint
ALTER TABLE "providers" ADD COLUMN "max_concurrency" integer;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "rate_limit_per_minute" integer;