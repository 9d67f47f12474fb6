DROP DICTIONARY IF EXISTS ja4_processing.dict_ja4_family;
DROP TABLE IF EXISTS ja4_processing.dict_ja4_family_source;
