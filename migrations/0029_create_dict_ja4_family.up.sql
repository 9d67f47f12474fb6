-- TLS client families: which browser engine, library or tool a JA4 belongs to. `key` is a whole
-- JA4 (t13d1516h2_8daaf6152771_02713d6af862) or, prefixed `b:`, a JA4_b cipher hash (the sorted
-- cipher list, which a TLS stack keeps across versions and extensions; FoxIO JA4.md). The
-- detector reads the table whole each cycle (a few hundred rows) and matches the JA4 first, the
-- cipher hash second; the dictionary serves the dashboard (dictGet by JA4).
-- family: chromium, firefox, safari (browser engines), tool (HTTP libraries, command-line
-- clients, scanners), malware (command-and-control agents), other.
CREATE TABLE IF NOT EXISTS ja4_processing.dict_ja4_family_source
(
    key String,
    family LowCardinality(String),
    application String,
    library String,
    os String,
    note String,
    source LowCardinality(String),
    source_version LowCardinality(String),
    source_date Date
)
ENGINE = MergeTree
ORDER BY key;
-- COMPLEX_KEY_HASHED: a String key (the JA4 or b:<cipher hash>), looked up as tuple(key).
CREATE DICTIONARY IF NOT EXISTS ja4_processing.dict_ja4_family
(
    key String,
    family String DEFAULT '',
    application String DEFAULT '',
    library String DEFAULT '',
    os String DEFAULT ''
)
PRIMARY KEY key
SOURCE(CLICKHOUSE(DB 'ja4_processing' TABLE 'dict_ja4_family_source'))
LIFETIME(MIN 300 MAX 600)
LAYOUT(COMPLEX_KEY_HASHED());
