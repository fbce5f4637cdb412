extension CRMMigrations {
    /// Migration 24: documents attached to invoices (S25): the shipment and closing documents
    /// 1C made for an invoice (акт, товарная накладная, УПД, счёт-фактура) or anyone attached by
    /// hand, with their number, date and, when given, the file itself. One invoice holds a kind,
    /// number and date once: 1C's file imported again attaches nothing new.
    static let invoiceDocumentsSQL = """
    CREATE TABLE invoice_documents (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        invoice_id INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('act', 'waybill', 'upd', 'invoiceFactura', 'other')),
        number TEXT NOT NULL,
        date TEXT,
        file_name TEXT,
        data BLOB,
        size INTEGER,
        source TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by INTEGER
    );
    CREATE UNIQUE INDEX invoice_documents_identity ON invoice_documents (invoice_id, kind, number, coalesce(date, ''));
    """
}
