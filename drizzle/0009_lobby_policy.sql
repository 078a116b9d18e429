ALTER TABLE "tenants" ADD COLUMN "lobby_mode" text DEFAULT 'Classic' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "auto_admitted_users" text DEFAULT 'EveryoneInCompany' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "allow_pstn_users_to_bypass_lobby" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "allow_anonymous_users_to_start_meeting" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "users_can_admit_from_lobby" text DEFAULT 'OrganizersAndPresentersOnly' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_lobby_mode" CHECK ("tenants"."lobby_mode" in ('Classic', 'Teams'));--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_auto_admitted_users" CHECK ("tenants"."auto_admitted_users" in ('EveryoneInCompany', 'EveryoneInCompanyExcludingGuests', 'EveryoneInSameAndFederatedCompany', 'Everyone'));--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_users_can_admit_from_lobby" CHECK ("tenants"."users_can_admit_from_lobby" in ('OrganizersAndPresentersOnly', 'OrganizerAndCoOrganizersOnly'));