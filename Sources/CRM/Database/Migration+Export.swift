extension CRMMigrations {
    /// Migration 23: what 1C acknowledged of the invoices exported to it (`exchange.acknowledge`,
    /// S24). Each row moves the marker forward: `until` is an event log seq, and everything an
    /// invoice's events up to it changed has reached 1C. The last row is the marker.
    static let exportSQL = """
    CREATE TABLE exchange_acknowledgements (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        until INTEGER NOT NULL CHECK (until >= 0),
        at TEXT NOT NULL,
        by_user INTEGER
    );
    """
}
