DROP INDEX "request_logs_created_idx";--> statement-breakpoint
DROP INDEX "request_bodies_created_idx";--> statement-breakpoint
ALTER TABLE "request_logs" DROP CONSTRAINT "request_logs_pkey";--> statement-breakpoint
ALTER TABLE "request_bodies" DROP CONSTRAINT "request_bodies_pkey";--> statement-breakpoint
ALTER TABLE "request_logs" ADD CONSTRAINT "request_logs_created_at_id_pk" PRIMARY KEY("created_at","id");--> statement-breakpoint
ALTER TABLE "request_bodies" ADD CONSTRAINT "request_bodies_created_at_request_id_pk" PRIMARY KEY("created_at","request_id");--> statement-breakpoint
CREATE INDEX "request_logs_id_idx" ON "request_logs" USING hash ("id");