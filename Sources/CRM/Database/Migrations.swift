import Storage

/// The numbered schema migrations, oldest first. Never edit a released migration: add one.
package enum CRMMigrations {
    package static let all: [Migration] = [
        Migration(version: 1, name: "foundation: users, funnels, custom fields, leads, timeline") { db in
            try db.executeScript(foundationSQL)
            try DefaultPipelines.install(into: db)
        },
        Migration(version: 2, name: "customers: contacts, companies, deals, requisites, duplicates, automation") { db in
            try db.executeScript(customersSQL)
            try DefaultPipelines.installDeals(into: db)
        },
        Migration(version: 3, name: "money: products, deal product rows, settings, invoices, payments", sql: moneySQL),
        Migration(version: 4, name: "delivery: public links to invoices", sql: deliverySQL),
        Migration(version: 5, name: "outbox of messages to deliver", sql: outboxSQL),
        Migration(version: 6, name: "user document templates", sql: templatesSQL),
        Migration(version: 7, name: "copies of outbox messages", sql: "ALTER TABLE outbox ADD COLUMN cc TEXT NOT NULL DEFAULT ''"),
        Migration(version: 8, name: "outbox messages claimed while they are handed over",
                  sql: "ALTER TABLE outbox ADD COLUMN claimed_at INTEGER"),
        Migration(version: 9, name: "lists: folded text with a trigram index, indexes on sortable fields", apply: lists),
        Migration(version: 10, name: "invoice totals as indexed integer kopecks", sql: invoiceKopecksSQL),
        Migration(version: 11, name: "team: user profiles, departments, Unix users, API tokens", sql: teamSQL),
        Migration(version: 12, name: "roles: permissions as data, assigned to users and departments, the built-in roles", apply: roles),
        Migration(version: 13, name: "access: records open to all, invoices with their deal's responsible", sql: accessSQL),
        Migration(version: 14, name: "events: the durable log of every change", sql: eventsSQL),
        Migration(version: 15, name: "webhooks: event deliveries by signed HTTP POST", sql: webhooksSQL),
        Migration(version: 16, name: "notifications to people, and the built-in rules they switched off", sql: notificationsSQL),
        Migration(version: 17, name: "robots: conditions on the record, invoice robots by status", sql: robotConditionsSQL),
        Migration(version: 18, name: "robots: invoice robots on due dates", sql: robotDatesSQL),
        Migration(version: 19, name: "activities: meetings, calls and tasks, resources, work calendars, reminders", sql: activitiesSQL),
        Migration(version: 20, name: "sms: the outbox of text messages", sql: smsSQL),
        Migration(version: 21, name: "robots: the log of their runs, the outbox of their webhooks", sql: robotLogSQL),
        Migration(version: 22, name: "bank statements: imported payments, matched to invoices or waiting for review", sql: bankSQL),
        Migration(version: 23, name: "1C exchange: what 1C acknowledged of the invoices exported to it", sql: exportSQL),
        Migration(version: 24, name: "invoice documents: acts, waybills, UPDs and invoice-facturas attached to invoices", sql: invoiceDocumentsSQL),
        Migration(version: 25, name: "invoice documents: the SHA-256 and content type of their files", apply: documentDigests),
        Migration(version: 26, name: "invoices: their numbers as payments name them, indexed for bank statements", apply: invoiceNumberKeys),
        Migration(version: 27, name: "calendars: each user's and resource's busy time per day, for free slots", apply: busyDays),
    ]

    static let foundationSQL = """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    );
    INSERT INTO users (id, name, email, active, created_at)
        VALUES (1, 'Администратор', NULL, 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

    CREATE TABLE pipelines (
        id INTEGER PRIMARY KEY,
        entity_type TEXT NOT NULL,
        title TEXT NOT NULL,
        is_default INTEGER NOT NULL DEFAULT 0,
        sort INTEGER NOT NULL
    );
    CREATE TABLE stages (
        entity_type TEXT NOT NULL,
        id TEXT NOT NULL,
        pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
        title TEXT NOT NULL,
        semantic TEXT NOT NULL CHECK (semantic IN ('process', 'success', 'failure')),
        sort INTEGER NOT NULL,
        required_fields TEXT NOT NULL DEFAULT '[]',
        PRIMARY KEY (entity_type, id)
    );
    CREATE INDEX stages_by_pipeline ON stages (pipeline_id, sort);

    CREATE TABLE custom_fields (
        entity_type TEXT NOT NULL,
        code TEXT NOT NULL,
        title TEXT NOT NULL,
        type TEXT NOT NULL,
        multiple INTEGER NOT NULL DEFAULT 0,
        options TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        PRIMARY KEY (entity_type, code)
    );

    CREATE TABLE leads (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        title TEXT, name TEXT, second_name TEXT, last_name TEXT, company_title TEXT,
        phones TEXT NOT NULL DEFAULT '[]', emails TEXT NOT NULL DEFAULT '[]',
        city TEXT, topic TEXT, source TEXT, comments TEXT, client_type TEXT, requisites TEXT,
        assigned_to INTEGER REFERENCES users(id),
        pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
        stage_id TEXT NOT NULL,
        stage_semantic TEXT NOT NULL,
        converted_at TEXT,
        custom TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id), updated_by INTEGER REFERENCES users(id),
        version INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX leads_by_stage ON leads (stage_id, id);
    CREATE INDEX leads_by_stage_created ON leads (stage_id, created_at, id);
    CREATE INDEX leads_by_assigned ON leads (assigned_to, id);
    CREATE INDEX leads_by_created ON leads (created_at, id);
    CREATE INDEX leads_by_updated ON leads (updated_at, id);
    CREATE VIRTUAL TABLE leads_fts USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');

    CREATE TABLE communications (
        entity_type TEXT NOT NULL,
        entity_id INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
        value TEXT NOT NULL,
        normalized TEXT NOT NULL
    );
    CREATE INDEX communications_by_key ON communications (kind, normalized, entity_type);
    CREATE INDEX communications_by_owner ON communications (entity_type, entity_id);

    CREATE TABLE timeline (
        id INTEGER PRIMARY KEY,
        entity_type TEXT NOT NULL,
        entity_id INTEGER NOT NULL,
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        author_id INTEGER,
        data TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX timeline_by_record ON timeline (entity_type, entity_id, id);

    CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        entity_id INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (scope, key)
    );
    """
}
