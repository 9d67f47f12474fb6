-- The enrichment dictionaries, each reading its source table on the same server
-- (SOURCE(CLICKHOUSE) without HOST reads locally, so both transports behave the same).
-- LIFETIME 300-600 s: `ja4 dict load` reloads them at once; the lifetime only catches a load
-- made on another replica. Lookups take the client address as IPv6 (IPv4 as ::ffff:a.b.c.d),
-- which ip_trie matches against IPv4 prefixes too.

-- IP_TRIE: longest-prefix match of an address against CIDR keys, the layout made for IP->ASN.
CREATE DICTIONARY IF NOT EXISTS ja4_processing.dict_ip_asn
(
    network String,
    asn UInt32 DEFAULT 0,
    asn_name String DEFAULT '',
    country String DEFAULT ''
)
PRIMARY KEY network
SOURCE(CLICKHOUSE(DB 'ja4_processing' TABLE 'dict_ip_asn_source'))
LIFETIME(MIN 300 MAX 600)
LAYOUT(IP_TRIE());

-- HASHED: a plain UInt64 key with a few thousand rows.
CREATE DICTIONARY IF NOT EXISTS ja4_processing.dict_asn_reputation
(
    asn UInt64,
    asn_name String DEFAULT '',
    label String DEFAULT 'unknown',
    note String DEFAULT ''
)
PRIMARY KEY asn
SOURCE(CLICKHOUSE(DB 'ja4_processing' TABLE 'dict_asn_reputation_source'))
LIFETIME(MIN 300 MAX 600)
LAYOUT(HASHED());

-- IP_TRIE again, so a known-bot entry may be one address (/32, /128) or a whole range.
CREATE DICTIONARY IF NOT EXISTS ja4_processing.dict_bot_ip
(
    network String,
    label String DEFAULT '',
    source String DEFAULT '',
    note String DEFAULT ''
)
PRIMARY KEY network
SOURCE(CLICKHOUSE(DB 'ja4_processing' TABLE 'dict_bot_ip_source'))
LIFETIME(MIN 300 MAX 600)
LAYOUT(IP_TRIE());

-- COMPLEX_KEY_HASHED: the key is a String (the JA4), looked up as tuple(ja4).
CREATE DICTIONARY IF NOT EXISTS ja4_processing.dict_bot_ja4
(
    ja4 String,
    label String DEFAULT '',
    note String DEFAULT ''
)
PRIMARY KEY ja4
SOURCE(CLICKHOUSE(DB 'ja4_processing' TABLE 'dict_bot_ja4_source'))
LIFETIME(MIN 300 MAX 600)
LAYOUT(COMPLEX_KEY_HASHED());
