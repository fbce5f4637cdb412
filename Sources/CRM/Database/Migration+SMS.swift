extension CRMMigrations {
    /// Migration 20: the outbox of text messages (issue 13). A message is written in the
    /// transaction of the call (or robot) that sends it and delivered afterwards by the
    /// background jobs; `claimed_at` marks one being handed to the gateway, so a crash in between
    /// is seen at the next start (`interrupted` counts those, and the message says so when it is
    /// sent again); `next_attempt_at` is when a retry after a temporary failure falls due. The
    /// number is the gateway form (`79161234567`); `record_type`/`record_id` name the lead,
    /// contact or company it was sent about, if any; `delivered_at` is when the gateway reported it
    /// on the phone (`sms.status`).
    static let smsSQL = """
    CREATE TABLE sms_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        phone TEXT NOT NULL,
        text TEXT NOT NULL,
        segments INTEGER NOT NULL,
        encoding TEXT NOT NULL CHECK (encoding IN ('gsm7', 'ucs2')),
        record_type TEXT,
        record_id INTEGER,
        status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'failed')),
        transport TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        interrupted INTEGER NOT NULL DEFAULT 0,
        claimed_at INTEGER,
        next_attempt_at INTEGER NOT NULL,
        error_code TEXT,
        error TEXT,
        gateway_id TEXT,
        data TEXT NOT NULL DEFAULT '{}',
        created_by INTEGER,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        delivered_at TEXT,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX sms_messages_due ON sms_messages (status, next_attempt_at);
    CREATE INDEX sms_messages_by_record ON sms_messages (record_type, record_id, id);
    """
}
