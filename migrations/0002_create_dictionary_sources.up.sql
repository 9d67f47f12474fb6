-- Source tables of the four dictionaries. `ja4 dict load` fills them from
-- migrations/dictionaries/*.csv (or a user's newer files) through staging tables and
-- EXCHANGE TABLES, so a dictionary never reads a half-loaded table.
-- They are small (thousands of rows) and read whole on each dictionary reload: ORDER BY the key.

-- IP range -> ASN. network is a CIDR (IPv4 or IPv6), the ip_trie key of dict_ip_asn.
CREATE TABLE IF NOT EXISTS ja4_processing.dict_ip_asn_source
(
    network String,
    asn UInt32,
    asn_name String,
    country LowCardinality(String)
)
ENGINE = MergeTree
ORDER BY network;

-- ASN -> what kind of network it is: human (eyeball ISPs), datacenter, hosting, tor, ...
CREATE TABLE IF NOT EXISTS ja4_processing.dict_asn_reputation_source
(
    asn UInt32,
    asn_name String,
    label LowCardinality(String),
    note String
)
ENGINE = MergeTree
ORDER BY asn;

-- Known bot addresses (Tor exits, scanners): single IPs as /32 or /128, or small ranges.
CREATE TABLE IF NOT EXISTS ja4_processing.dict_bot_ip_source
(
    network String,
    label LowCardinality(String),
    source String,
    note String
)
ENGINE = MergeTree
ORDER BY network;

-- Known bot JA4 fingerprints (HTTP libraries and scanners), by the hashed JA4 string.
CREATE TABLE IF NOT EXISTS ja4_processing.dict_bot_ja4_source
(
    ja4 String,
    label LowCardinality(String),
    note String
)
ENGINE = MergeTree
ORDER BY ja4;
