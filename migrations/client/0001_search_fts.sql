-- Full-text index over accounts and contacts. Contentless (the text lives in the records); rows
-- are mapped to records through search_doc.doc_id. contentless_delete lets the core delete and
-- replace rows without re-supplying the old text. The text is pre-tokenised by the core
-- (src-shared/search/tokenize.util.ts): suffixes of Chinese and digit runs, so a prefix query
-- finds 华为 inside 华为技术有限公司 and the last four digits of a mobile number.
-- `title` holds the record's name and is weighted above `body` when ranking.
CREATE VIRTUAL TABLE `search_fts` USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2', content = '', contentless_delete = 1);
