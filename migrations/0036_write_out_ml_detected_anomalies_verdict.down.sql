-- Nothing to undo: 0036 stored the values every row already had. The same statement keeps a down
-- run harmless and idempotent.
ALTER TABLE ja4_processing.ml_detected_anomalies
    UPDATE verdict = verdict, verdict_source = verdict_source, confidence = confidence, reasons = reasons
    WHERE 1 SETTINGS mutations_sync = 2;
