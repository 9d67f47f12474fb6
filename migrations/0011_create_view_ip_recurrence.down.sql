DROP VIEW IF EXISTS ja4_processing.view_ip_recurrence;
