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
    """
}

extension CRMMigrations {
    /// Migration 18: invoice robots on dates (issue 12): `dueIn` N days before an unpaid
    /// invoice's due date (`days`), and `status: overdue` when it passes; `automation_fired`
    /// remembers which invoices a date robot has acted on, so it acts once per invoice. The rules'
    /// table is made again to widen its CHECK.
    static let robotDatesSQL = """
    CREATE TABLE automation_rules_v18 (
        id INTEGER PRIMARY KEY,
        entity_type TEXT NOT NULL,
        pipeline_id INTEGER REFERENCES pipelines(id),
        stage_id TEXT,
        trigger TEXT NOT NULL CHECK (trigger IN ('create', 'enter', 'status', 'dueIn')),
        delay_seconds INTEGER NOT NULL DEFAULT 0,
        action TEXT NOT NULL,
        title TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        condition TEXT,
        days INTEGER CHECK (days IS NULL OR days BETWEEN 0 AND 365)
    );
    INSERT INTO automation_rules_v18 (id, entity_type, pipeline_id, stage_id, trigger, delay_seconds, action, title, active, created_at,
                                      condition)
        SELECT id, entity_type, pipeline_id, stage_id, trigger, delay_seconds, action, title, active, created_at, condition
        FROM automation_rules;
    DROP TABLE automation_rules;
    ALTER TABLE automation_rules_v18 RENAME TO automation_rules;
    CREATE INDEX automation_rules_by_stage ON automation_rules (entity_type, stage_id);
    CREATE TABLE automation_fired (
        rule_id INTEGER NOT NULL,
        invoice_id INTEGER NOT NULL,
        fired_at TEXT NOT NULL,
        PRIMARY KEY (rule_id, invoice_id)
    ) WITHOUT ROWID;
    """
}

extension CRMMigrations {
    /// Migration 17: a robot may carry a condition on its record's fields (JSON clauses), and
    /// the `status` trigger of invoice robots, which keep the status they wait for in
    /// `stage_id` (issue 12). The table is made again: SQLite cannot widen a CHECK in place.
    static let robotConditionsSQL = """
    CREATE TABLE automation_rules_v17 (
        id INTEGER PRIMARY KEY,
        entity_type TEXT NOT NULL,
        pipeline_id INTEGER REFERENCES pipelines(id),
        stage_id TEXT,
        trigger TEXT NOT NULL CHECK (trigger IN ('create', 'enter', 'status')),
        delay_seconds INTEGER NOT NULL DEFAULT 0,
        action TEXT NOT NULL,
        title TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        condition TEXT
    );
    INSERT INTO automation_rules_v17 (id, entity_type, pipeline_id, stage_id, trigger, delay_seconds, action, title, active, created_at)
        SELECT id, entity_type, pipeline_id, stage_id, trigger, delay_seconds, action, title, active, created_at FROM automation_rules;
    DROP TABLE automation_rules;
    ALTER TABLE automation_rules_v17 RENAME TO automation_rules;
    CREATE INDEX automation_rules_by_stage ON automation_rules (entity_type, stage_id);
    """
}

extension CRMMigrations {
    /// Migration 15: webhooks (issue 12). A webhook reads the event log from its `cursor` (the
    /// last seq it is done with: delivered, or given up on) in seq order, so the log is its
    /// durable outbox; `attempts`, `next_attempt_at` and `failing_since` are the state of the
    /// event it is trying; every attempt is a row of `webhook_deliveries`.
    static let webhooksSQL = """
    CREATE TABLE webhooks (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        topics TEXT NOT NULL,
        secret TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        cursor INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        failing_since INTEGER,
        disabled_reason TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        created_by INTEGER
    );
    CREATE TABLE webhook_deliveries (
        id INTEGER PRIMARY KEY,
        webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        at TEXT NOT NULL,
        status INTEGER,
        error TEXT,
        duration_ms INTEGER NOT NULL,
        response TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed'))
    );
    CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
    """
}

extension CRMMigrations {
    /// Migration 16: notifications to people (issue 12). One row per notification of a user,
    /// made by robots' `notify` and by the built-in rules; `notification_rules` keeps the rules
    /// a user switched off (a missing row: on).
    static let notificationsSQL = """
    CREATE TABLE notifications (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        entity_type TEXT,
        entity_id INTEGER,
        data TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        read_at TEXT
    );
    CREATE INDEX notifications_by_user ON notifications (user_id, id);
    CREATE INDEX notifications_unread ON notifications (user_id, id) WHERE read_at IS NULL;
    CREATE TABLE notification_rules (
        user_id INTEGER NOT NULL REFERENCES users(id),
        rule TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        PRIMARY KEY (user_id, rule)
    );
    """
}
