-- One row per reference list as last loaded: where it came from, its version and data date, how
-- many rows it holds, its licence and the attribution it requires. `ja4 dict load/update` writes
-- it; the dashboard shows each list's version and age (and the attributions in its footer); the
-- detector reports the lists it used. Lists that live in the detector's process (the crawler and
-- tool User-Agent patterns of the isbot and crawler-user-agents packages) are recorded here too.
-- ReplacingMergeTree(loaded_at) ORDER BY list: the newest load of a list wins (readers take
-- argMax(.., loaded_at) per list, merges being eventual).
CREATE TABLE IF NOT EXISTS ja4_processing.reference_lists
(
    list LowCardinality(String),
    source String,
    version String,
    source_date Date,
    loaded_at DateTime64(3, 'UTC'),
    rows UInt64,
    licence String,
    attribution String,
    url String
)
ENGINE = ReplacingMergeTree(loaded_at)
ORDER BY list;
