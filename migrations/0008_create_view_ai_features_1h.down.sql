DROP VIEW IF EXISTS ja4_processing.view_ai_features_1h;
