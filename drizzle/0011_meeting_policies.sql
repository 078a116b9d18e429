CREATE TABLE "meeting_policies" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"identity" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"lobby_mode" text DEFAULT 'Classic' NOT NULL,
	"auto_admitted_users" text DEFAULT 'EveryoneInCompany' NOT NULL,
	"allow_pstn_users_to_bypass_lobby" boolean DEFAULT false NOT NULL,
	"allow_anonymous_users_to_start_meeting" boolean DEFAULT false NOT NULL,
	"users_can_admit_from_lobby" text DEFAULT 'OrganizersAndPresentersOnly' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meeting_policies_lobby_mode" CHECK ("meeting_policies"."lobby_mode" in ('Classic', 'Teams')),
	CONSTRAINT "meeting_policies_auto_admitted_users" CHECK ("meeting_policies"."auto_admitted_users" in ('EveryoneInCompany', 'EveryoneInCompanyExcludingGuests', 'EveryoneInSameAndFederatedCompany', 'Everyone')),
	CONSTRAINT "meeting_policies_users_can_admit_from_lobby" CHECK ("meeting_policies"."users_can_admit_from_lobby" in ('OrganizersAndPresentersOnly', 'OrganizerAndCoOrganizersOnly'))
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "meeting_policy_id" text;--> statement-breakpoint
ALTER TABLE "meeting_policies" ADD CONSTRAINT "meeting_policies_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_policies_identity_unique" ON "meeting_policies" USING btree ("tenant_id",lower("identity"));--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_meeting_policy_id_meeting_policies_id_fk" FOREIGN KEY ("meeting_policy_id") REFERENCES "public"."meeting_policies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "users_meeting_policy_idx" ON "users" USING btree ("meeting_policy_id");