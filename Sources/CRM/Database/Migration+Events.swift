extension CRMMigrations {
    /// Migration 14: the durable event log (issue 12). One row per change, appended in the
    /// change's own transaction by `EventListener`; `seq` is gapless and never reused
    /// (AUTOINCREMENT: a rolled-back write takes its number back with it, and retention deleting
    /// the oldest rows does not make a number come again). `audience` and the record's owner at
    /// the time let a list or a subscription show an event only to those who may read what it
    /// is about; `record_type`/`record_id` name the record it concerns (the changed record, or the
    /// one a requisite, payment or link belongs to).
    static let eventsSQL = """
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        topic TEXT NOT NULL,
        audience TEXT NOT NULL,
        record_type TEXT,
        record_id INTEGER,
        assigned_to INTEGER,
        opened INTEGER NOT NULL DEFAULT 0,
        at TEXT NOT NULL,
        body TEXT NOT NULL
    );
    CREATE INDEX events_by_record ON events (record_type, record_id, seq);
    CREATE INDEX events_by_at ON events (at);
    """
}
