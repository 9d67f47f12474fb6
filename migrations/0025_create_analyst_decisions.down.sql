DROP TABLE IF EXISTS ja4_processing.analyst_audit;
DROP TABLE IF EXISTS ja4_processing.analyst_alert_states;
DROP TABLE IF EXISTS ja4_processing.analyst_labels;
DROP TABLE IF EXISTS ja4_processing.analyst_lists;
