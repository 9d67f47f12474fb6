-- Two copies of what a search of the requests reads, and the values it looks up, in place of
-- by_user_agent_path (0040). Projections: ClickHouse keeps them in every part and reads one
-- instead of the table when it finds fewer granules to read there.
-- * by_path: the searched columns and ts, sorted by (path, hour). A `path:` search looks up the
--   paths it matches (path_user_agent_1h) and reads only their granules; with ts, the range's
--   partial hours and the page's first and last requests come from the same granules. Its
--   granules hold 16384 rows, so a substring test alone, which skips none, still finds it the
--   smaller read.
-- * user_agent_ip_ja4_1h: requests counted per (user agent, hour, address, JA4), with their
--   first and last time and AS. A `ua:` search reads its user agents' rows there (bench: 34k
--   instead of 595k requests for a day's `ua:curl`).
-- * path_user_agent_1h: requests counted per (hour, path, user agent), a few rows per hour and
--   value, where a search looks up the values a `ua:` or `path:` term matches.
-- 10M-row bench, one day's searches, alternating with 0040's copy (median of 9): `ua:curl`
-- 150 -> 95 ms, `path:/wp-login.php` 170 -> 95 ms. Cost per 10M requests (the table: 360 MB):
-- 147 + 48 + 1 MB (0040's copy: 65 MB); inserts through the views ~5-10% slower than with 0040's
-- copy (1M-row builds alternating, 3 each: 36.4k against 40.2k rows/s, each side spread +-10%).
-- MATERIALIZE writes the copies into the parts that predate them (mutations in the background;
-- until they are done those parts are read as before). Running it again changes nothing.
ALTER TABLE ja4_processing.http_logs DROP PROJECTION IF EXISTS by_user_agent_path;

ALTER TABLE ja4_processing.http_logs
    ADD PROJECTION IF NOT EXISTS by_path (
        SELECT path, user_agent, status, ja3, host, asn, asn_name, asn_label, client_ip, ja4, hour, ts
        ORDER BY path, hour
    ) WITH SETTINGS (index_granularity = 16384);

ALTER TABLE ja4_processing.http_logs
    ADD PROJECTION IF NOT EXISTS user_agent_ip_ja4_1h (
        SELECT user_agent, hour, client_ip, ja4, count(), min(ts), max(ts),
               any(asn), any(asn_name), any(asn_label)
        GROUP BY user_agent, hour, client_ip, ja4
    );

ALTER TABLE ja4_processing.http_logs
    ADD PROJECTION IF NOT EXISTS path_user_agent_1h (
        SELECT hour, path, user_agent, count()
        GROUP BY hour, path, user_agent
    );

ALTER TABLE ja4_processing.http_logs MATERIALIZE PROJECTION by_path;

ALTER TABLE ja4_processing.http_logs MATERIALIZE PROJECTION user_agent_ip_ja4_1h;

ALTER TABLE ja4_processing.http_logs MATERIALIZE PROJECTION path_user_agent_1h;
