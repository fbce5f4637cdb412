import JSONKit
import Storage
import Testing
@testable import CRM

/// The event log (issue 12, item 1) in process: written with the change or not at all, gapless
/// and never reused, shown per caller exactly as each event is judged, and kept for the
/// retention days.
@Suite struct EventLogTests {
    func seqs(_ crm: CRM, _ query: EventService.Query = EventService.Query(), access: Access? = nil) throws -> [Int64] {
        var query = query
        query.limit = 1000
        return try crm.events.list(query, access: access)["items"]!.arrayValue!.map { $0["seq"]!.int64Value! }
    }

    @Test func aRolledBackWriteLeavesNoEventAndTheNextTakesItsNumber() throws {
        let fixture = try CRMFixture()
        let lead = try fixture.addLead()
        struct Undo: Error {}
        #expect(throws: Undo.self) {
            try fixture.crm.pool.write { db in
                _ = try fixture.crm.leads.change(db, id: lead.id, fields: ["city": "Тверь"], by: .user(1))
                throw Undo()
            }
        }
        // A write the funnel refuses leaves none either.
        #expect(throws: CRMError.self) { try fixture.crm.leads.add(fields: ["title": "без телефона"], idempotencyKey: nil, by: .user(1)) }
        _ = try fixture.crm.leads.update(id: lead.id, fields: ["city": "Омск"], expectedVersion: nil, by: .user(1))
        let items = try fixture.crm.events.list(EventService.Query(), access: nil)["items"]!.arrayValue!
        #expect(items.map { $0["seq"]!.int64Value! } == [1, 2])
        #expect(items[1]["data"]?["fields"] == [["field": "city", "old": "Москва", "new": "Омск"]])
    }

    @Test func theLogShowsEachCallerTheEventsTheyMayReadAsEachEventIsJudged() throws {
        let team = try AccessTests.Team()
        // Changes by everyone, of leads, a requisite of a company, the team and settings.
        let company = try team.crm.records(.company).add(fields: ["title": "ООО Ромашка", "assignedTo": .int(team.users["Борис"]!)],
                                                         idempotencyKey: nil, by: .user(1))
        _ = try team.crm.requisites.add(RequisiteService.AddInput(entityType: .company, entityID: company.id, preset: "legal", name: nil,
                                                                 fields: ["inn": "7707083893"], lookup: false, renameEntity: nil), by: .user(1))
        _ = try team.crm.leads.update(id: team.leads["Глеб"]![0], fields: ["city": "Хабаровск"], expectedVersion: nil, by: .user(1))
        _ = try team.crm.settings.update(["invoiceDueDays": 7], by: .user(1))
        let all = try seqs(team.crm)
        let events = try team.crm.pool.read { db in try EventService.page(db, EventService.Query.all, access: nil).events }
        #expect(events.map(\.seq) == all)
        for name in team.users.keys.sorted() {
            let access = try team.access(name)
            let judged = events.filter { $0.visible(to: access) }.map(\.seq)
            #expect(try seqs(team.crm, access: access) == judged, "\(name)")
            #expect(judged.count < all.count, "\(name) sees everything")
        }
        // Борис reads his company's requisite event; Анна does not.
        var query = EventService.Query()
        query.entityType = .company
        query.id = company.id
        #expect(try seqs(team.crm, query, access: team.access("Борис")).count == 2)
        #expect(try seqs(team.crm, query, access: team.access("Анна")).isEmpty)
    }

    @Test func retentionDropsOldEventsAndTheirNumbersAreNotGivenAgain() throws {
        let fixture = try CRMFixture()
        for _ in 0..<3 { _ = try fixture.addLead() }
        fixture.clock.advance(by: 91 * 86_400)
        _ = try fixture.addLead()
        // Two transactions of at most 2 deletions: the three old events go, the new one stays.
        #expect(try fixture.crm.events.prune(batch: 2) == 3)
        #expect(try seqs(fixture.crm, { var q = EventService.Query(); q.after = 3; return q }()) == [4])
        #expect(throws: CRMError.invalidValue(field: "after", reason: "expired",
                                              message: "events up to seq 3 are no longer kept; the log starts at 4")) {
            try fixture.crm.events.list(EventService.Query(), access: nil)
        }
        fixture.clock.advance(by: 91 * 86_400)
        #expect(try fixture.crm.events.prune() == 1)
        _ = try fixture.addLead()
        var query = EventService.Query()
        query.after = 4
        #expect(try seqs(fixture.crm, query) == [5])
        query.after = 6
        #expect(throws: CRMError.invalidValue(field: "after", reason: "beyondEnd", message: "the log ends at seq 5")) {
            try fixture.crm.events.list(query, access: nil)
        }
    }
}

extension EventService.Query {
    static var all: EventService.Query {
        var query = EventService.Query()
        query.limit = 100_000
        return query
    }
}
