DROP TABLE IF EXISTS ja4_processing.ml_cycles;
