extension CRMMigrations {
    /// Activities (meetings, calls, tasks) with their people, records and resources; what
    /// occupies whom (`busy_slots`, one row per planned timed activity and person or resource it
    /// takes, so a booking is checked and a free slot found by index; `busy_longest`, the
    /// longest any has lasted per person or resource, bounds how far back an overlap can start); work schedules and the
    /// production calendar; scheduled jobs that belong to an activity (reminders), found by it
    /// when it moves or ends; robots' new triggers (`idle`, `beforeStart`: the rules' table is
    /// made again to widen its CHECK) and what an idle robot has acted on.
    static let activitiesSQL = """
    CREATE TABLE resources (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        description TEXT,
        place TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );

    CREATE TABLE activities (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL CHECK (type IN ('meeting', 'call', 'task')),
        subject TEXT NOT NULL,
        description TEXT,
        start_at INTEGER,
        end_at INTEGER,
        deadline_at INTEGER,
        place TEXT,
        resource_id INTEGER,
        responsible_id INTEGER NOT NULL REFERENCES users(id),
        client_contacts TEXT NOT NULL DEFAULT '[]',
        status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'completed', 'cancelled')),
        result TEXT,
        sequence INTEGER NOT NULL DEFAULT 0,
        created_by INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        completed_at TEXT
    );
    CREATE INDEX activities_by_responsible ON activities (responsible_id, status, start_at);
    CREATE INDEX activities_by_deadline ON activities (responsible_id, status, deadline_at);

    CREATE TABLE activity_participants (
        activity_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        PRIMARY KEY (activity_id, user_id)
    ) WITHOUT ROWID;
    CREATE INDEX activity_participants_by_user ON activity_participants (user_id, activity_id);

    CREATE TABLE activity_bindings (
        activity_id INTEGER NOT NULL,
        entity_type TEXT NOT NULL,
        entity_id INTEGER NOT NULL,
        PRIMARY KEY (activity_id, entity_type, entity_id)
    ) WITHOUT ROWID;
    CREATE INDEX activity_bindings_by_record ON activity_bindings (entity_type, entity_id, activity_id);

    CREATE TABLE busy_slots (
        kind TEXT NOT NULL CHECK (kind IN ('user', 'resource')),
        owner_id INTEGER NOT NULL,
        start_at INTEGER NOT NULL,
        end_at INTEGER NOT NULL,
        activity_id INTEGER NOT NULL,
        PRIMARY KEY (kind, owner_id, start_at, activity_id)
    ) WITHOUT ROWID;
    CREATE INDEX busy_slots_by_activity ON busy_slots (activity_id);
    CREATE TABLE busy_longest (
        kind TEXT NOT NULL,
        owner_id INTEGER NOT NULL,
        seconds INTEGER NOT NULL,
        PRIMARY KEY (kind, owner_id)
    ) WITHOUT ROWID;

    CREATE TABLE work_schedules (
        user_id INTEGER PRIMARY KEY REFERENCES users(id),
        hours TEXT,
        days_off TEXT NOT NULL DEFAULT '[]',
        updated_at TEXT NOT NULL
    );

    CREATE TABLE holidays (
        date TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('holiday', 'short', 'working')),
        title TEXT
    ) WITHOUT ROWID;

    ALTER TABLE scheduled_jobs ADD COLUMN activity_id INTEGER;
    CREATE INDEX scheduled_jobs_by_activity ON scheduled_jobs (activity_id) WHERE activity_id IS NOT NULL;

    ALTER TABLE activities ADD COLUMN client_time_zone TEXT;
    CREATE TABLE automation_rules_v19 (
        id INTEGER PRIMARY KEY,
        entity_type TEXT NOT NULL,
        pipeline_id INTEGER REFERENCES pipelines(id),
        stage_id TEXT,
        trigger TEXT NOT NULL CHECK (trigger IN ('create', 'enter', 'status', 'dueIn', 'idle', 'beforeStart')),
        delay_seconds INTEGER NOT NULL DEFAULT 0,
        action TEXT NOT NULL,
        title TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        condition TEXT,
        days INTEGER CHECK (days IS NULL OR days BETWEEN 0 AND 365),
        before_seconds INTEGER,
        if_late TEXT CHECK (if_late IS NULL OR if_late IN ('send', 'skip')),
        activity_type TEXT
    );
    INSERT INTO automation_rules_v19 (id, entity_type, pipeline_id, stage_id, trigger, delay_seconds, action, title, active, created_at,
                                      condition, days)
        SELECT id, entity_type, pipeline_id, stage_id, trigger, delay_seconds, action, title, active, created_at, condition, days
        FROM automation_rules;
    DROP TABLE automation_rules;
    ALTER TABLE automation_rules_v19 RENAME TO automation_rules;
    CREATE INDEX automation_rules_by_stage ON automation_rules (entity_type, stage_id);

    CREATE TABLE automation_idle_fired (
        rule_id INTEGER NOT NULL,
        entity_type TEXT NOT NULL,
        entity_id INTEGER NOT NULL,
        since TEXT NOT NULL,
        fired_at TEXT NOT NULL,
        PRIMARY KEY (rule_id, entity_type, entity_id, since)
    ) WITHOUT ROWID;
    """
}
