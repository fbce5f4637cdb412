import Foundation
import Storage
import Testing
@testable import CRM

/// Migration 9 on a database made by the previous schema: its records gain their folded text,
/// trigram rows, vocabulary tables and sort indexes, and lists read them at once.
@Suite struct ListMigrationTests {
    @Test func anOldDatabaseGainsFoldedTextAndIndexesFilledFromItsRows() throws {
        let database = try OldDatabase(version: 8)
        defer { database.remove() }
        let old = database.pool, path = database.path
        #expect(old.schemaVersion == 8)
        let titles = ["Ёлки-Палки", "МОСКВА-Сити", "звёздный путь", nil]
        try old.write { db in
            for (index, title) in titles.enumerated() {
                try db.execute("""
                    INSERT INTO leads (title, city, pipeline_id, stage_id, stage_semantic, created_at, updated_at)
                    VALUES (?, ?, 1, 'NEW', 'process', ?, ?)
                    """, [title.map(SQLValue.text) ?? .null, .text(index % 2 == 0 ? "Москва" : "ТВЕРЬ"),
                          .text("2026-01-0\(index + 1)T00:00:00Z"), .text("2026-01-0\(index + 1)T00:00:00Z")])
                try db.execute("INSERT INTO leads_fts (rowid, body) VALUES (last_insert_rowid(), ?)", [.text(TextFolding.fold(title ?? ""))])
            }
            try db.execute("INSERT INTO companies (title, is_my_company, created_at, updated_at) VALUES ('ООО «Ёж»', 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
        }
        old.close()

        let crm = try CRM(path: path, clock: ManualClock(1_795_000_000), synchronousFull: false)
        defer { crm.close() }
        let (texts, trigramTitles, objects) = try crm.pool.read { db in
            (try db.query("SELECT title, city FROM leads_text ORDER BY id").map { [try $0.value("title"), try $0.value("city")] },
             try db.query("SELECT rowid FROM leads_trigram WHERE title GLOB '*ёлк*' OR title GLOB '*елк*' ORDER BY rowid").map { try $0.int64("rowid") },
             Set(try db.query("SELECT name FROM sqlite_schema").map { try $0.text("name") }))
        }
        #expect(texts == [[.text("елки-палки"), .text("москва")], [.text("москва-сити"), .text("тверь")],
                          [.text("звездный путь"), .text("москва")], [.null, .text("тверь")]])
        #expect(trigramTitles == [1])
        for name in ["leads_text", "leads_trigram", "leads_fts_terms", "companies_text", "invoices_trigram", "leads_by_title",
                     "deals_by_opportunity", "invoices_by_total", "invoices_by_date_total", "leads_text_inserted", "leads_text_updated", "leads_text_deleted"] {
            #expect(objects.contains(name), "\(name)")
        }

        var request = ListRequest()
        request.filter = ["%title": "ЁЛКИ"]
        #expect(try crm.leads.list(request)["items"]?.arrayValue?.count == 1)
        request.filter = ["%city": "моск"]
        request.order = [("title", true)]
        #expect(try crm.leads.list(request)["items"]?.arrayValue?.compactMap { $0["title"]?.stringValue } == ["звёздный путь", "Ёлки-Палки"])
        var companies = ListRequest()
        companies.filter = ["%title": "«ЕЖ"]
        #expect(try crm.records(.company).list(companies)["items"]?.arrayValue?.count == 1)
        // A record written after the upgrade is indexed by the listener, as before it by the migration.
        _ = try crm.leads.update(id: 2, fields: ["city": "Ёжиково", "phones": [["value": "+79160000002"]], "emails": [["value": "a@b.ru"]],
                                                "topic": "Охрана"], expectedVersion: nil, by: .user(1))
        request = ListRequest()
        request.filter = ["%city": "ежик"]
        #expect(try crm.leads.list(request)["items"]?.arrayValue?.map { $0["id"]?.int64Value } == [2])
    }
}
