import JSONKit
import Storage
import Testing
@testable import CRM

/// `%` contains reads stored folded text and a trigram index since migration 9; it must find
/// exactly what folding every row did before: `instr(crm_fold(column), fold(needle)) > 0`.
@Suite struct ContainsFilterTests {
    static let titles = [
        "Ёлки-палки", "ЁЛКИ", "елки зеленые", "Москва-Сити", "МОСКВА", "г. москва", "Moscow Office", "MOSCOW", "ООО «Ромашка»",
        "звёзды", "ЗВЕЗДЫ", "a*b?c[d]", "50% скидка", "Стекло и бетон", "", "Ё", "ёж", "Ежи", "x", "Ǆemal",
    ]
    static let needles = [
        "ё", "е", "Ё", "ёл", "елк", "ЁЛКИ ", "ёлки", "моск", "МОСКВА", "осква-с", "mosc", "OFFICE", "ромашка»", "«р", "звёзд",
        "звезды", "*", "a*b", "?c[", "[d]", "%", "50%", "и бе", "не найдётся", "ǆ", "x", "Ж",
    ]

    func seeded() throws -> (CRMFixture, [Int64: String]) {
        let fixture = try CRMFixture()
        var ids: [Int64: String] = [:]
        for (index, title) in Self.titles.enumerated() {
            let lead = try fixture.addLead(["title": .string(title), "phones": [["value": .string("+7900000\(String(format: "%04d", index))")]]])
            ids[lead.id] = title
        }
        // One lead without a title, one renamed (the folded copy follows), one deleted (its copy goes).
        _ = try fixture.addLead(["title": .null, "phones": [["value": "+79009999999"]]])
        let renamed = try fixture.addLead(["title": "Старое имя", "phones": [["value": "+79008888888"]]])
        _ = try fixture.crm.leads.update(id: renamed.id, fields: ["title": "Новое ЁМКОЕ имя"], expectedVersion: nil, by: .user(1))
        let deleted = try fixture.addLead(["title": "Удалённая ёмкость", "phones": [["value": "+79007777777"]]])
        _ = try fixture.crm.leads.delete(id: deleted.id, by: .user(1))
        return (fixture, ids)
    }

    /// The ids the per-row folding of old finds, straight from the leads table.
    func oldResult(_ fixture: CRMFixture, _ needle: String) throws -> [Int64] {
        try fixture.crm.pool.read { db in
            try db.query("SELECT id FROM leads WHERE instr(crm_fold(title), ?) > 0 ORDER BY id", [.text(TextFolding.fold(needle))])
                .map { try $0.int64("id") }
        }
    }

    /// Every page of a list, by `limit`: small pages take the scan of the first rows, a page that
    /// holds every match takes the trigram index.
    func listed(_ fixture: CRMFixture, _ needle: String, limit: Int, order: [(field: String, descending: Bool)] = []) throws -> [Int64] {
        var request = ListRequest()
        request.filter = ["%title": .string(needle)]
        request.limit = limit
        request.order = order
        request.select = ["title"]
        var ids: [Int64] = []
        while true {
            let page = try fixture.crm.leads.list(request)
            ids += page["items"]?.arrayValue?.map(\.id) ?? []
            guard case .string(let next)? = page["next"] else { return ids }
            request.cursor = next
        }
    }

    @Test func findsExactlyWhatFoldingEveryRowFound() throws {
        let (fixture, _) = try seeded()
        for needle in Self.needles {
            let expected = try oldResult(fixture, needle)
            for limit in [1, 2, 50] {
                #expect(try listed(fixture, needle, limit: limit) == expected, "needle '\(needle)' limit \(limit)")
                #expect(try listed(fixture, needle, limit: limit, order: [("title", true)]).sorted() == expected, "needle '\(needle)' by title")
            }
        }
        #expect(try oldResult(fixture, "ёмкое") .count == 1 && listed(fixture, "ёмкое", limit: 5).count == 1)
        #expect(try listed(fixture, "старое", limit: 5).isEmpty && listed(fixture, "удалённ", limit: 5).isEmpty)
    }

    @Test func theStoredCopyIsTheFoldedColumn() throws {
        let (fixture, _) = try seeded()
        let mismatches = try fixture.crm.pool.read { db in
            try db.scalar("""
                SELECT count(*) FROM leads AS l LEFT JOIN leads_text AS x ON x.id = l.id
                WHERE x.id IS NULL OR x.title IS NOT crm_fold(l.title) OR x.city IS NOT crm_fold(l.city) OR x.name IS NOT crm_fold(l.name)
                """).int64
        }
        #expect(mismatches == 0)
        let orphans = try fixture.crm.pool.read { db in
            try db.scalar("SELECT count(*) FROM leads_text WHERE id NOT IN (SELECT id FROM leads)").int64
        }
        #expect(orphans == 0)
    }

    @Test func theDescriptorsFoldTheColumnsTheMigrationMade() {
        let descriptors: [EntityDescriptor] = [.lead, .contact, .company, .deal, .product, .invoice]
        let migrated = Dictionary(uniqueKeysWithValues: CRMMigrations.foldedColumns.map { ($0.table, $0.columns) })
        for entity in descriptors {
            #expect(migrated[entity.table] == entity.foldedFields.compactMap(\.column), "\(entity.table)")
        }
    }

    /// Every field a list may sort by is read in the order of an index: no temporary sort.
    @Test func everySortableFieldIsServedByAnIndex() throws {
        let fixture = try CRMFixture()
        let descriptors: [EntityDescriptor] = [.lead, .contact, .company, .deal, .product, .invoice]
        for entity in descriptors {
            for field in entity.sortable where field != "id" {
                let builder = ListQueryBuilder(entity: entity, custom: [])
                for descending in [false, true] {
                    let key = RecordListStore.sortKey(try builder.resolve(field, path: "/order/0"), descending: descending)
                    let direction = descending ? "DESC" : "ASC"
                    let plan = try fixture.crm.pool.read { db in
                        try db.query("EXPLAIN QUERY PLAN SELECT t.id FROM \(entity.table) AS t ORDER BY \(key.expression) \(direction), t.id \(direction) LIMIT 51")
                            .map { try $0.text("detail") }.joined(separator: "; ")
                    }
                    #expect(!plan.contains("TEMP B-TREE") && plan.contains("INDEX"), "\(entity.table).\(field): \(plan)")
                }
            }
        }
    }
}
