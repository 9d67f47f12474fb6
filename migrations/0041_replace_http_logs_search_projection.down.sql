ALTER TABLE ja4_processing.http_logs DROP PROJECTION IF EXISTS path_user_agent_1h;

ALTER TABLE ja4_processing.http_logs DROP PROJECTION IF EXISTS user_agent_ip_ja4_1h;

ALTER TABLE ja4_processing.http_logs DROP PROJECTION IF EXISTS by_path;

ALTER TABLE ja4_processing.http_logs
    ADD PROJECTION IF NOT EXISTS by_user_agent_path (
        SELECT user_agent, path, status, ja3, host, asn, client_ip, ja4, hour
        ORDER BY user_agent, path, hour
    ) WITH SETTINGS (index_granularity = 16384);

ALTER TABLE ja4_processing.http_logs MATERIALIZE PROJECTION by_user_agent_path;
