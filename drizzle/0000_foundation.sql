CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"domain" text NOT NULL,
	"service_number" text NOT NULL,
	"pin_length" integer DEFAULT 5 NOT NULL,
	"automatically_send_emails_to_users" boolean DEFAULT true NOT NULL,
	"allow_pstn_only_meetings_by_default" boolean DEFAULT false NOT NULL,
	"enable_entry_exit_notifications" boolean DEFAULT true NOT NULL,
	"entry_exit_announcements_type" text DEFAULT 'UseNames' NOT NULL,
	"mask_pstn_numbers_type" text DEFAULT 'MaskedForExternalUsers' NOT NULL,
	"max_participants" integer DEFAULT 250 NOT NULL,
	"lobby_timeout_minutes" integer DEFAULT 0 NOT NULL,
	"pin_lockout_threshold" integer DEFAULT 10 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenants_pin_length_range" CHECK ("tenants"."pin_length" between 4 and 12),
	CONSTRAINT "tenants_max_participants_range" CHECK ("tenants"."max_participants" between 2 and 10000),
	CONSTRAINT "tenants_lobby_timeout_range" CHECK ("tenants"."lobby_timeout_minutes" between 0 and 1440),
	CONSTRAINT "tenants_pin_lockout_range" CHECK ("tenants"."pin_lockout_threshold" between 1 and 100)
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"email" text NOT NULL,
	"display_name" text NOT NULL,
	"role" text DEFAULT 'user' NOT NULL,
	"has_mailbox" boolean DEFAULT true NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"dial_in_enabled" boolean DEFAULT false NOT NULL,
	"conference_id" text,
	"allow_pstn_only_meetings" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_unique" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "users_conference_id_unique" ON "users" USING btree ("conference_id");--> statement-breakpoint
CREATE INDEX "users_tenant_idx" ON "users" USING btree ("tenant_id");