extension CRMMigrations {
    /// Migration 21: the robot log and the robots' webhook outbox (issue 12, items 5 and 6).
    /// `automation_log` keeps every run of a robot on a record: its trigger, its action's type,
    /// the result (`done`, `skipped` with why, `failed` with the error, `queued` for a message
    /// handed to an outbox) and the attempt. `robot_webhooks` holds the POSTs of `webhook`
    /// actions, written in the robot's transaction and delivered afterwards by the background
    /// jobs; `next_attempt_at` is when the next try falls due, and the secret is copied so a
    /// rule changed or deleted meanwhile does not change what was signed.
    static let robotLogSQL = """
    CREATE TABLE automation_log (
        id INTEGER PRIMARY KEY,
        rule_id INTEGER NOT NULL,
        entity_type TEXT NOT NULL,
        entity_id INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        action TEXT NOT NULL,
        result TEXT NOT NULL CHECK (result IN ('done', 'skipped', 'failed', 'queued')),
        reason TEXT,
        attempt INTEGER NOT NULL DEFAULT 1,
        data TEXT NOT NULL DEFAULT '{}',
        at TEXT NOT NULL
    );
    CREATE INDEX automation_log_by_record ON automation_log (entity_type, entity_id, id);
    CREATE INDEX automation_log_by_rule ON automation_log (rule_id, id);

    CREATE TABLE robot_webhooks (
        id INTEGER PRIMARY KEY,
        rule_id INTEGER NOT NULL,
        entity_type TEXT NOT NULL,
        entity_id INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        url TEXT NOT NULL,
        secret TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX robot_webhooks_due ON robot_webhooks (status, next_attempt_at);
    """
}
