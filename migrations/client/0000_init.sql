CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`deleted_at` integer,
	`name` text,
	`type` text,
	`industry` text,
	`size` text,
	`level` text,
	`source` text,
	`credit_code` text,
	`status` text,
	`pool_state` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`phone` text,
	`email` text,
	`website` text,
	`province` text,
	`city` text,
	`district` text,
	`street` text,
	`last_follow_up_at` integer,
	`next_follow_up_at` integer,
	`notes` text
);
--> statement-breakpoint
CREATE INDEX `accounts_updated_at_idx` ON `accounts` (`updated_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `accounts_owner_idx` ON `accounts` (`owner_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `accounts_name_idx` ON `accounts` (`name`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `accounts_type_idx` ON `accounts` (`type`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `accounts_industry_idx` ON `accounts` (`industry`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `accounts_level_idx` ON `accounts` (`level`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `accounts_source_idx` ON `accounts` (`source`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `accounts_status_idx` ON `accounts` (`status`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `accounts_pool_state_idx` ON `accounts` (`pool_state`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `accounts_province_idx` ON `accounts` (`province`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `accounts_city_idx` ON `accounts` (`city`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `accounts_last_follow_up_at_idx` ON `accounts` (`last_follow_up_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `accounts_next_follow_up_at_idx` ON `accounts` (`next_follow_up_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`deleted_at` integer,
	`account_id` text,
	`name` text,
	`title` text,
	`decision_role` text,
	`is_primary` integer DEFAULT false NOT NULL,
	`birthday` text,
	`mobile` text,
	`phone` text,
	`email` text,
	`wechat` text
);
--> statement-breakpoint
CREATE INDEX `contacts_updated_at_idx` ON `contacts` (`updated_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contacts_owner_idx` ON `contacts` (`owner_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contacts_account_id_idx` ON `contacts` (`account_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contacts_name_idx` ON `contacts` (`name`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contacts_decision_role_idx` ON `contacts` (`decision_role`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contacts_mobile_idx` ON `contacts` (`mobile`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contacts_email_idx` ON `contacts` (`email`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mutation_id` text NOT NULL,
	`entity` text NOT NULL,
	`record_id` text NOT NULL,
	`op` text NOT NULL,
	`changes` text NOT NULL,
	`base` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_mutation_id_unique` ON `outbox` (`mutation_id`);--> statement-breakpoint
CREATE TABLE `replica_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `search_doc` (
	`doc_id` integer PRIMARY KEY NOT NULL,
	`entity` text NOT NULL,
	`record_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `search_doc_record_idx` ON `search_doc` (`entity`,`record_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text,
	`updated_at` integer NOT NULL
);
