CREATE TABLE `pool_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`deleted_at` integer,
	`sync_version` integer,
	`name` text,
	`level` text,
	`return_days` integer,
	`warn_days` integer,
	`reclaim_bar_days` integer,
	`owner_cap` integer,
	`active` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pool_rules_updated_at_idx` ON `pool_rules` (`updated_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `pool_rules_owner_idx` ON `pool_rules` (`owner_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
ALTER TABLE `accounts` ADD `previous_owner_id` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `pooled_at` integer;--> statement-breakpoint
ALTER TABLE `accounts` ADD `pool_reason` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `owned_since` integer;--> statement-breakpoint
CREATE INDEX `accounts_pooled_at_idx` ON `accounts` (`pooled_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `activities_account_id_occurred_at_idx` ON `activities` (`account_id`,`occurred_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `activities_lead_id_occurred_at_idx` ON `activities` (`lead_id`,`occurred_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `activities_contact_id_occurred_at_idx` ON `activities` (`contact_id`,`occurred_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `activities_opportunity_id_occurred_at_idx` ON `activities` (`opportunity_id`,`occurred_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `opportunities_stage_id_expected_close_date_idx` ON `opportunities` (`stage_id`,`expected_close_date`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `tasks_owner_id_status_due_at_idx` ON `tasks` (`owner_id`,`status`,`due_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `tasks_owner_id_status_remind_at_idx` ON `tasks` (`owner_id`,`status`,`remind_at`) WHERE deleted_at IS NULL;