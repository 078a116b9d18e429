ALTER TABLE "tenants" ADD COLUMN "announce_lobby_position" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "lobby_position_repeat_seconds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_lobby_position_repeat_range" CHECK ("tenants"."lobby_position_repeat_seconds" between 0 and 3600);