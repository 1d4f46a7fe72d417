CREATE TABLE `conflict` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`entity` text NOT NULL,
	`record_id` text NOT NULL,
	`title` text NOT NULL,
	`op` text NOT NULL,
	`field` text,
	`mine` text NOT NULL,
	`theirs` text,
	`by_name` text,
	`at` integer,
	`winning_version` integer,
	`code` text,
	`message` text,
	`issues` text,
	`created_at` integer NOT NULL,
	`resolved_at` integer,
	`resolution` text
);
--> statement-breakpoint
CREATE INDEX `conflict_open_idx` ON `conflict` (`resolved_at`);--> statement-breakpoint
CREATE TABLE `pulled_shadow` (
	`entity` text NOT NULL,
	`record_id` text NOT NULL,
	`field` text NOT NULL,
	`value` text,
	`cn` integer NOT NULL,
	PRIMARY KEY(`entity`, `record_id`, `field`)
);
--> statement-breakpoint
CREATE TABLE `sync_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`ok` integer NOT NULL,
	`detail` text NOT NULL,
	`ms` integer,
	`bytes` integer
);
--> statement-breakpoint
ALTER TABLE `accounts` ADD `sync_version` integer;--> statement-breakpoint
ALTER TABLE `accounts` ADD `customer_no` text;--> statement-breakpoint
CREATE INDEX `accounts_customer_no_idx` ON `accounts` (`customer_no`) WHERE deleted_at IS NULL;--> statement-breakpoint
ALTER TABLE `contacts` ADD `sync_version` integer;--> statement-breakpoint
ALTER TABLE `outbox` ADD `base_version` integer;