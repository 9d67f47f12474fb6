DROP TABLE IF EXISTS ja4_processing.reference_lists;
