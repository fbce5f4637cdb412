import Storage

extension CRMMigrations {
    /// Migration 2: contacts, companies, deals, requisites and bank details, duplicate keys,
    /// automation rules and the persistent job queue; the default deal funnel.
    static let customersSQL = """
    ALTER TABLE custom_fields ADD COLUMN required INTEGER NOT NULL DEFAULT 0;

    CREATE TABLE contacts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT, second_name TEXT, last_name TEXT, post TEXT,
        phones TEXT NOT NULL DEFAULT '[]', emails TEXT NOT NULL DEFAULT '[]',
        company_id INTEGER REFERENCES companies(id) ON DELETE SET NULL,
        address TEXT, birthdate TEXT, source TEXT, comments TEXT,
        assigned_to INTEGER REFERENCES users(id),
        lead_id INTEGER,
        custom TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id), updated_by INTEGER REFERENCES users(id),
        version INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX contacts_by_company ON contacts (company_id);
    CREATE INDEX contacts_by_created ON contacts (created_at, id);
    CREATE INDEX contacts_by_assigned ON contacts (assigned_to, id);
    CREATE VIRTUAL TABLE contacts_fts USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');

    CREATE TABLE companies (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        title TEXT, company_type TEXT, industry TEXT,
        phones TEXT NOT NULL DEFAULT '[]', emails TEXT NOT NULL DEFAULT '[]',
        website TEXT, address TEXT, comments TEXT,
        is_my_company INTEGER NOT NULL DEFAULT 0,
        assigned_to INTEGER REFERENCES users(id),
        lead_id INTEGER,
        custom TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id), updated_by INTEGER REFERENCES users(id),
        version INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX companies_by_created ON companies (created_at, id);
    CREATE INDEX companies_mine ON companies (is_my_company) WHERE is_my_company = 1;
    CREATE VIRTUAL TABLE companies_fts USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');

    CREATE TABLE deals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        title TEXT,
        pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
        stage_id TEXT NOT NULL,
        stage_semantic TEXT NOT NULL,
        contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
        company_id INTEGER REFERENCES companies(id) ON DELETE SET NULL,
        assigned_to INTEGER REFERENCES users(id),
        opportunity TEXT, currency TEXT,
        contract_number TEXT, contract_date TEXT, comments TEXT,
        lead_id INTEGER, closed_at TEXT,
        custom TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id), updated_by INTEGER REFERENCES users(id),
        version INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX deals_by_stage ON deals (stage_id, id);
    CREATE INDEX deals_by_contact ON deals (contact_id);
    CREATE INDEX deals_by_company ON deals (company_id);
    CREATE INDEX deals_by_created ON deals (created_at, id);
    CREATE VIRTUAL TABLE deals_fts USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');

    CREATE TABLE requisites (
        id INTEGER PRIMARY KEY,
        entity_type TEXT NOT NULL,
        entity_id INTEGER NOT NULL,
        preset TEXT NOT NULL CHECK (preset IN ('legal', 'ip', 'person')),
        name TEXT,
        fields TEXT NOT NULL DEFAULT '{}',
        inn TEXT,
        source TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        created_by INTEGER, updated_by INTEGER,
        version INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX requisites_by_owner ON requisites (entity_type, entity_id);
    CREATE INDEX requisites_by_inn ON requisites (inn);

    CREATE TABLE bank_details (
        id INTEGER PRIMARY KEY,
        requisite_id INTEGER NOT NULL REFERENCES requisites(id) ON DELETE CASCADE,
        name TEXT,
        bik TEXT NOT NULL,
        bank_name TEXT, bank_city TEXT,
        corr_account TEXT,
        account TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX bank_details_by_requisite ON bank_details (requisite_id);

    CREATE TABLE match_keys (
        entity_type TEXT NOT NULL,
        entity_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL
    );
    CREATE INDEX match_keys_by_key ON match_keys (kind, key, entity_type);
    CREATE INDEX match_keys_by_owner ON match_keys (entity_type, entity_id);

    CREATE TABLE automation_rules (
        id INTEGER PRIMARY KEY,
        entity_type TEXT NOT NULL,
        pipeline_id INTEGER REFERENCES pipelines(id),
        stage_id TEXT,
        trigger TEXT NOT NULL CHECK (trigger IN ('create', 'enter')),
        delay_seconds INTEGER NOT NULL DEFAULT 0,
        action TEXT NOT NULL,
        title TEXT,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    );
    CREATE INDEX automation_rules_by_stage ON automation_rules (entity_type, stage_id);

    CREATE TABLE scheduled_jobs (
        id INTEGER PRIMARY KEY,
        run_at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX scheduled_jobs_due ON scheduled_jobs (run_at);
    """
}
