DROP TABLE IF EXISTS ja4_processing.dict_bot_ja4_source;
DROP TABLE IF EXISTS ja4_processing.dict_bot_ip_source;
DROP TABLE IF EXISTS ja4_processing.dict_asn_reputation_source;
DROP TABLE IF EXISTS ja4_processing.dict_ip_asn_source;
