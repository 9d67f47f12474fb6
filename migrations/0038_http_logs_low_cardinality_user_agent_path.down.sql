ALTER TABLE ja4_processing.http_logs
    MODIFY COLUMN user_agent String CODEC(ZSTD(1)),
    MODIFY COLUMN path String CODEC(ZSTD(1));
