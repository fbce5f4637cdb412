extension CRMMigrations {
    /// Migration 3: the product catalog, deal product rows, settings, invoices with their
    /// gapless number sequences and payments.
    static let moneySQL = """
    CREATE TABLE products (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT, sku TEXT, price TEXT, currency TEXT, vat_rate TEXT, vat_included INTEGER NOT NULL DEFAULT 1,
        unit TEXT, description TEXT, active INTEGER NOT NULL DEFAULT 1,
        custom TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id), updated_by INTEGER REFERENCES users(id),
        version INTEGER NOT NULL DEFAULT 1
    );
    CREATE VIRTUAL TABLE products_fts USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');

    CREATE TABLE deal_product_rows (
        deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        row TEXT NOT NULL,
        PRIMARY KEY (deal_id, position)
    );

    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );

    CREATE TABLE invoice_sequences (
        key TEXT PRIMARY KEY,
        last INTEGER NOT NULL
    );

    CREATE TABLE invoices (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        number TEXT NOT NULL UNIQUE,
        date TEXT NOT NULL, due_date TEXT,
        status TEXT NOT NULL,
        deal_id INTEGER REFERENCES deals(id) ON DELETE SET NULL,
        currency TEXT NOT NULL,
        basis TEXT, payer_name TEXT, payer_inn TEXT,
        payer TEXT NOT NULL, seller TEXT NOT NULL, rows TEXT NOT NULL, totals TEXT NOT NULL,
        total TEXT NOT NULL, paid TEXT NOT NULL DEFAULT '0.00',
        amount_in_words TEXT NOT NULL,
        comments TEXT,
        custom TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id), updated_by INTEGER REFERENCES users(id),
        version INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX invoices_by_status ON invoices (status, due_date);
    CREATE INDEX invoices_by_status_date ON invoices (status, date, id);
    CREATE INDEX invoices_by_date ON invoices (date, id);
    CREATE INDEX invoices_by_deal ON invoices (deal_id);
    CREATE INDEX invoices_by_payer_inn ON invoices (payer_inn);
    CREATE VIRTUAL TABLE invoices_fts USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');

    CREATE TABLE invoice_payments (
        id INTEGER PRIMARY KEY,
        invoice_id INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
        amount TEXT NOT NULL,
        date TEXT NOT NULL,
        reference TEXT,
        source TEXT NOT NULL DEFAULT 'manual',
        created_at TEXT NOT NULL,
        created_by INTEGER
    );
    CREATE INDEX invoice_payments_by_invoice ON invoice_payments (invoice_id);
    """
}

extension CRMMigrations {
    /// Migration 4: public links to invoices and the outbox of messages to deliver.
    static let deliverySQL = """
    CREATE TABLE invoice_links (
        token TEXT PRIMARY KEY,
        invoice_id INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        revoked_at TEXT
    );
    CREATE INDEX invoice_links_by_invoice ON invoice_links (invoice_id);
    """
}

extension CRMMigrations {
    /// Migration 5: the outbox. Every outgoing message is written here first, in the
    /// transaction of the call that sends it, and delivered afterwards with retries.
    static let outboxSQL = """
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        invoice_id INTEGER REFERENCES invoices(id) ON DELETE SET NULL,
        mode TEXT,
        recipients TEXT NOT NULL,
        message TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT
    );
    CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
    CREATE INDEX outbox_by_invoice ON outbox (invoice_id);
    """
}

extension CRMMigrations {
    /// Migration 6: user document templates.
    static let templatesSQL = """
    CREATE TABLE document_templates (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        code TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1
    );
    """
}
