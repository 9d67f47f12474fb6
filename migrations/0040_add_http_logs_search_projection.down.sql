ALTER TABLE ja4_processing.http_logs DROP PROJECTION IF EXISTS by_user_agent_path;
