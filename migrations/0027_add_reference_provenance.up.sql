-- Provenance on every reference row: the list it came from (source), that list's version and the
-- date of its data (source_date), as `ja4 dict load` / `ja4 dict update` read them from the files
-- (a package's version, a repository's commit, a feed's date). dict_bot_ip_source already has a
-- free-text `source` per row; it gets the version and date only.
ALTER TABLE ja4_processing.dict_ip_asn_source ADD COLUMN IF NOT EXISTS source LowCardinality(String) DEFAULT '';
ALTER TABLE ja4_processing.dict_ip_asn_source ADD COLUMN IF NOT EXISTS source_version LowCardinality(String) DEFAULT '';
ALTER TABLE ja4_processing.dict_ip_asn_source ADD COLUMN IF NOT EXISTS source_date Date DEFAULT toDate(0);
ALTER TABLE ja4_processing.dict_asn_reputation_source ADD COLUMN IF NOT EXISTS source LowCardinality(String) DEFAULT '';
ALTER TABLE ja4_processing.dict_asn_reputation_source ADD COLUMN IF NOT EXISTS source_version LowCardinality(String) DEFAULT '';
ALTER TABLE ja4_processing.dict_asn_reputation_source ADD COLUMN IF NOT EXISTS source_date Date DEFAULT toDate(0);
ALTER TABLE ja4_processing.dict_bot_ip_source ADD COLUMN IF NOT EXISTS source_version LowCardinality(String) DEFAULT '';
ALTER TABLE ja4_processing.dict_bot_ip_source ADD COLUMN IF NOT EXISTS source_date Date DEFAULT toDate(0);
ALTER TABLE ja4_processing.dict_bot_ja4_source ADD COLUMN IF NOT EXISTS source LowCardinality(String) DEFAULT '';
ALTER TABLE ja4_processing.dict_bot_ja4_source ADD COLUMN IF NOT EXISTS source_version LowCardinality(String) DEFAULT '';
ALTER TABLE ja4_processing.dict_bot_ja4_source ADD COLUMN IF NOT EXISTS source_date Date DEFAULT toDate(0);
