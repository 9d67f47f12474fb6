DROP VIEW IF EXISTS ja4_processing.mv_agg_host_ip_ja4_1h;
