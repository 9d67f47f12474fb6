DROP TABLE IF EXISTS ja4_processing.agg_host_ip_ja4_1h;
