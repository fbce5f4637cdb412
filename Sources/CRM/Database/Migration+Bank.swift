extension CRMMigrations {
    /// Migration 22: payments read from bank statements (`exchange.importPayments`, S26). A
    /// payment's identity is its document date, number, amount and payer account, held unique
    /// so a statement imported twice adds nothing twice. `status` is `matched` (added to
    /// `invoice_id` as `invoice_payment_id`), `unmatched` (waiting in the review list, its
    /// candidate invoices ranked when it is read) or `ignored` (with `ignore_reason`). Amounts are
    /// decimal text with two decimals; dates `YYYY-MM-DD`.
    static let bankSQL = """
    CREATE TABLE bank_payments (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        date TEXT NOT NULL,
        number TEXT NOT NULL,
        amount TEXT NOT NULL,
        payer_account TEXT NOT NULL,
        payer_inn TEXT,
        payer_name TEXT,
        recipient_account TEXT NOT NULL,
        purpose TEXT NOT NULL DEFAULT '',
        received_on TEXT,
        status TEXT NOT NULL CHECK (status IN ('matched', 'unmatched', 'ignored')),
        invoice_id INTEGER REFERENCES invoices(id) ON DELETE SET NULL,
        invoice_payment_id INTEGER,
        ignore_reason TEXT,
        created_at TEXT NOT NULL,
        created_by INTEGER,
        updated_at TEXT NOT NULL,
        UNIQUE (date, number, amount, payer_account)
    );
    CREATE INDEX bank_payments_by_status ON bank_payments (status, id);
    """
}
