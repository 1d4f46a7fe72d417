CREATE TABLE `activities` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`deleted_at` integer,
	`sync_version` integer,
	`type` text,
	`subject` text,
	`occurred_at` integer,
	`content` text,
	`outcome` text,
	`next_step` text,
	`next_follow_up_at` integer,
	`account_id` text,
	`lead_id` text,
	`contact_id` text,
	`opportunity_id` text,
	`location` text,
	`latitude` real,
	`longitude` real
);
--> statement-breakpoint
CREATE INDEX `activities_updated_at_idx` ON `activities` (`updated_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `activities_owner_idx` ON `activities` (`owner_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `activities_type_idx` ON `activities` (`type`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `activities_occurred_at_idx` ON `activities` (`occurred_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `activities_account_id_idx` ON `activities` (`account_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `activities_lead_id_idx` ON `activities` (`lead_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `activities_contact_id_idx` ON `activities` (`contact_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `activities_opportunity_id_idx` ON `activities` (`opportunity_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `competitors` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`deleted_at` integer,
	`sync_version` integer,
	`name` text,
	`website` text,
	`strengths` text,
	`weaknesses` text,
	`products` text
);
--> statement-breakpoint
CREATE INDEX `competitors_updated_at_idx` ON `competitors` (`updated_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `competitors_owner_idx` ON `competitors` (`owner_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `competitors_name_idx` ON `competitors` (`name`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `contracts` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`deleted_at` integer,
	`sync_version` integer,
	`contract_no` text,
	`name` text,
	`account_id` text,
	`opportunity_id` text,
	`order_id` text,
	`status` text,
	`signed_on` text,
	`start_date` text,
	`end_date` text,
	`renewal_remind_on` text,
	`currency` text,
	`amount` integer,
	`notes` text
);
--> statement-breakpoint
CREATE INDEX `contracts_updated_at_idx` ON `contracts` (`updated_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contracts_owner_idx` ON `contracts` (`owner_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contracts_contract_no_idx` ON `contracts` (`contract_no`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contracts_account_id_idx` ON `contracts` (`account_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contracts_order_id_idx` ON `contracts` (`order_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contracts_status_idx` ON `contracts` (`status`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contracts_end_date_idx` ON `contracts` (`end_date`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contracts_amount_idx` ON `contracts` (`amount`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `leads` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`deleted_at` integer,
	`sync_version` integer,
	`name` text,
	`company` text,
	`title` text,
	`status` text,
	`source` text,
	`score` integer,
	`mobile` text,
	`phone` text,
	`email` text,
	`wechat` text,
	`province` text,
	`city` text,
	`last_follow_up_at` integer,
	`next_follow_up_at` integer,
	`notes` text,
	`lost_reason` text,
	`converted_at` integer,
	`account_id` text,
	`contact_id` text,
	`opportunity_id` text
);
--> statement-breakpoint
CREATE INDEX `leads_updated_at_idx` ON `leads` (`updated_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `leads_owner_idx` ON `leads` (`owner_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `leads_name_idx` ON `leads` (`name`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `leads_company_idx` ON `leads` (`company`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `leads_status_idx` ON `leads` (`status`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `leads_source_idx` ON `leads` (`source`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `leads_score_idx` ON `leads` (`score`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `leads_mobile_idx` ON `leads` (`mobile`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `leads_city_idx` ON `leads` (`city`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `leads_last_follow_up_at_idx` ON `leads` (`last_follow_up_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `leads_next_follow_up_at_idx` ON `leads` (`next_follow_up_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `opportunities` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`deleted_at` integer,
	`sync_version` integer,
	`account_id` text,
	`name` text,
	`stage_id` text,
	`status` text,
	`probability` integer,
	`amount` integer,
	`currency` text,
	`expected_close_date` text,
	`source` text,
	`contact_id` text,
	`stage_changed_at` integer,
	`closed_at` integer,
	`lost_reason` text,
	`lead_id` text,
	`lines` text DEFAULT '[]' NOT NULL,
	`competitor_ids` text DEFAULT '[]' NOT NULL,
	`notes` text
);
--> statement-breakpoint
CREATE INDEX `opportunities_updated_at_idx` ON `opportunities` (`updated_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `opportunities_owner_idx` ON `opportunities` (`owner_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `opportunities_account_id_idx` ON `opportunities` (`account_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `opportunities_name_idx` ON `opportunities` (`name`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `opportunities_stage_id_idx` ON `opportunities` (`stage_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `opportunities_status_idx` ON `opportunities` (`status`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `opportunities_amount_idx` ON `opportunities` (`amount`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `opportunities_expected_close_date_idx` ON `opportunities` (`expected_close_date`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `opportunities_stage_changed_at_idx` ON `opportunities` (`stage_changed_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`deleted_at` integer,
	`sync_version` integer,
	`order_no` text,
	`account_id` text,
	`quote_id` text,
	`opportunity_id` text,
	`status` text,
	`order_date` text,
	`payment_method` text,
	`currency` text,
	`shipping_address` text,
	`approved_at` integer,
	`shipped_at` integer,
	`completed_at` integer,
	`lines` text DEFAULT '[]' NOT NULL,
	`amount` integer,
	`notes` text
);
--> statement-breakpoint
CREATE INDEX `orders_updated_at_idx` ON `orders` (`updated_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `orders_owner_idx` ON `orders` (`owner_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `orders_order_no_idx` ON `orders` (`order_no`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `orders_account_id_idx` ON `orders` (`account_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `orders_quote_id_idx` ON `orders` (`quote_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `orders_status_idx` ON `orders` (`status`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `orders_order_date_idx` ON `orders` (`order_date`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `orders_amount_idx` ON `orders` (`amount`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `payment_plans` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`deleted_at` integer,
	`sync_version` integer,
	`contract_id` text,
	`title` text,
	`planned_date` text,
	`currency` text,
	`amount` integer,
	`notes` text
);
--> statement-breakpoint
CREATE INDEX `payment_plans_updated_at_idx` ON `payment_plans` (`updated_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `payment_plans_owner_idx` ON `payment_plans` (`owner_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `payment_plans_contract_id_idx` ON `payment_plans` (`contract_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `payment_plans_planned_date_idx` ON `payment_plans` (`planned_date`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`deleted_at` integer,
	`sync_version` integer,
	`contract_id` text,
	`plan_id` text,
	`reference` text,
	`received_on` text,
	`currency` text,
	`amount` integer,
	`method` text,
	`notes` text
);
--> statement-breakpoint
CREATE INDEX `payments_updated_at_idx` ON `payments` (`updated_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `payments_owner_idx` ON `payments` (`owner_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `payments_contract_id_idx` ON `payments` (`contract_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `payments_plan_id_idx` ON `payments` (`plan_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `payments_received_on_idx` ON `payments` (`received_on`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `products` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`deleted_at` integer,
	`sync_version` integer,
	`code` text,
	`name` text,
	`spec` text,
	`unit` text,
	`list_price` integer,
	`currency` text,
	`category` text,
	`active` integer DEFAULT false NOT NULL,
	`description` text
);
--> statement-breakpoint
CREATE INDEX `products_updated_at_idx` ON `products` (`updated_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `products_owner_idx` ON `products` (`owner_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `products_code_idx` ON `products` (`code`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `products_name_idx` ON `products` (`name`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `products_list_price_idx` ON `products` (`list_price`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `products_category_idx` ON `products` (`category`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `quotes` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`deleted_at` integer,
	`sync_version` integer,
	`quote_no` text,
	`title` text,
	`account_id` text,
	`opportunity_id` text,
	`contact_id` text,
	`status` text,
	`valid_until` text,
	`currency` text,
	`lines` text DEFAULT '[]' NOT NULL,
	`subtotal` integer,
	`discount_total` integer,
	`total` integer,
	`terms` text
);
--> statement-breakpoint
CREATE INDEX `quotes_updated_at_idx` ON `quotes` (`updated_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `quotes_owner_idx` ON `quotes` (`owner_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `quotes_quote_no_idx` ON `quotes` (`quote_no`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `quotes_account_id_idx` ON `quotes` (`account_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `quotes_opportunity_id_idx` ON `quotes` (`opportunity_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `quotes_status_idx` ON `quotes` (`status`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `quotes_total_idx` ON `quotes` (`total`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `stages` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`deleted_at` integer,
	`sync_version` integer,
	`name` text,
	`code` text,
	`kind` text,
	`position` integer,
	`probability` integer,
	`limit_days` integer,
	`active` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stages_updated_at_idx` ON `stages` (`updated_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `stages_owner_idx` ON `stages` (`owner_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `stages_position_idx` ON `stages` (`position`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	`deleted_at` integer,
	`sync_version` integer,
	`title` text,
	`status` text,
	`due_at` integer,
	`remind_at` integer,
	`notes` text,
	`source` text,
	`completed_at` integer,
	`account_id` text,
	`contact_id` text,
	`lead_id` text,
	`opportunity_id` text,
	`contract_id` text
);
--> statement-breakpoint
CREATE INDEX `tasks_updated_at_idx` ON `tasks` (`updated_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `tasks_owner_idx` ON `tasks` (`owner_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `tasks_status_idx` ON `tasks` (`status`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `tasks_due_at_idx` ON `tasks` (`due_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `tasks_remind_at_idx` ON `tasks` (`remind_at`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `tasks_account_id_idx` ON `tasks` (`account_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `tasks_lead_id_idx` ON `tasks` (`lead_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `tasks_opportunity_id_idx` ON `tasks` (`opportunity_id`) WHERE deleted_at IS NULL;