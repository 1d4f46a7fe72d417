CREATE TABLE `search_dead` (
	`doc_id` integer PRIMARY KEY NOT NULL
);
--> statement-breakpoint
ALTER TABLE `search_doc` ADD `text_hash` integer;