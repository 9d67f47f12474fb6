-- The columns 0031 added (verdict, verdict_source, confidence, reasons) are absent from every part
-- written before it: ClickHouse fills them with defaults row by row on each read, which made the
-- anomalies page's and the detections page's queries 2-3x slower on an appliance upgraded across
-- 0031 (until those parts left retention). Writing each column to itself stores them in every
-- part; rows are unchanged. Nothing to do on a new install (the table is empty), about 1 s per
-- 500k rows on an upgraded one. Running it again writes the same values.
ALTER TABLE ja4_processing.ml_detected_anomalies
    UPDATE verdict = verdict, verdict_source = verdict_source, confidence = confidence, reasons = reasons
    WHERE 1 SETTINGS mutations_sync = 2;
