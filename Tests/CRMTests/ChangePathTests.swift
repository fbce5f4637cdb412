import Foundation
import JSONKit
import Storage
import Synchronization
import Testing
@testable import CRM

/// The change path: what a change says, that listeners run inside the write (and can refuse
/// it), that observers hear only of durable changes, and that updates touch only what changed.
@Suite struct ChangePathTests {
    final class Recorder: ChangeListener, ChangeObserver, @unchecked Sendable {
        let applied = Mutex<[Change]>([])
        let committed = Mutex<[[Change]]>([])
        let rolledBack = Mutex<[[Change]]>([])
        /// Refuses every change for which this says true.
        let refuse: @Sendable (Change) -> Bool

        init(refuse: @escaping @Sendable (Change) -> Bool = { _ in false }) {
            self.refuse = refuse
        }

        struct Refused: Error {}

        func apply(_ change: Change, in db: Database, crm: CRM) throws {
            if refuse(change) { throw Refused() }
            applied.withLock { $0.append(change) }
        }

        func changesCommitted(_ changes: [Change]) { committed.withLock { $0.append(changes) } }
        func changesRolledBack(_ changes: [Change]) { rolledBack.withLock { $0.append(changes) } }
    }

    @Test func aChangeSaysWhatChangedWhoDidItAndWhy() throws {
        let fixture = try CRMFixture()
        let recorder = Recorder()
        fixture.crm.changes.add(recorder)
        fixture.crm.observeCommits(recorder)
        let lead = try fixture.addLead()
        _ = try fixture.crm.leads.update(id: lead.id, fields: ["stageId": "QUALIFICATION", "city": "Тверь"], expectedVersion: nil,
                                         by: .user(1, cause: .call("lead.update")))
        let changes = recorder.applied.withLock { $0 }
        #expect(changes.map(\.operation) == [.created, .stageMoved])
        let move = changes[1]
        #expect(move.entity == .lead && move.id == .int(lead.id))
        #expect(move.caller == .user(1, cause: .call("lead.update")))
        #expect(move.data["from"] == "NEW" && move.data["to"] == "QUALIFICATION")
        #expect(move.fields.contains(FieldChange(field: "city", old: "Москва", new: "Тверь")))
        #expect(move.fields.contains(FieldChange(field: "stageId", old: "NEW", new: "QUALIFICATION")))
        #expect(!move.fields.contains { $0.field == "version" || $0.field == "updatedAt" })
        #expect(move.at == fixture.crm.nowText)
        #expect(recorder.committed.withLock { $0.flatMap { $0 }.map(\.operation) } == [.created, .stageMoved])
        // An update that changes nothing is no change at all.
        _ = try fixture.crm.leads.update(id: lead.id, fields: ["city": "Тверь"], expectedVersion: nil, by: .user(1))
        #expect(recorder.applied.withLock { $0.count } == 2)
    }

    @Test func aDelayedRobotChangesTheRecordAsTheSystemWithItsRuleAsTheCause() throws {
        let fixture = try CRMFixture()
        let recorder = Recorder()
        fixture.crm.changes.add(recorder)
        let rule = try fixture.crm.automation.add(.init(entityType: .lead, pipelineID: nil, stageID: "QUALIFICATION", trigger: "enter",
                                                        delaySeconds: 60, action: ["type": "comment", "text": "Перезвонить {{lead.title}}"],
                                                        title: nil, active: true), by: .user(1))
        let lead = try fixture.addLead()
        _ = try fixture.crm.leads.update(id: lead.id, fields: ["stageId": "QUALIFICATION"], expectedVersion: nil, by: .user(1))
        #expect(try fixture.crm.scheduler.runDue() == 0)
        fixture.clock.advance(by: 61)
        #expect(try fixture.crm.scheduler.runDue() == 1)
        let comment = recorder.applied.withLock { $0 }.last
        #expect(comment?.operation == .commented && comment?.record == RecordRef(.lead, lead.id))
        #expect(comment?.caller == .system(.robot(ruleID: rule.id)))
        #expect(comment?.data["text"] == "Перезвонить Монтаж видеонаблюдения")
    }

    @Test func aListenerThatRefusesUndoesTheWholeWriteAndObserversHearOfTheRollback() throws {
        let fixture = try CRMFixture()
        let recorder = Recorder { $0.entity == .lead && $0.operation == .converted }
        fixture.crm.changes.add(recorder)
        fixture.crm.observeCommits(recorder)
        let lead = try fixture.addLead()
        #expect(throws: Recorder.Refused.self) { try fixture.crm.conversion.convert(ConversionRequest(leadID: lead.id), by: .user(1)) }
        // The deal, contact and their timeline were made and noted before the refusal, then undone.
        let rolledBack = recorder.rolledBack.withLock { $0.flatMap { $0 } }
        #expect(rolledBack.contains { $0.entity == .deal && $0.operation == .created })
        #expect(!recorder.committed.withLock { $0.flatMap { $0 } }.contains { $0.entity == .deal })
        let (deals, contacts, entries) = try fixture.crm.pool.read { db in
            (try db.scalar("SELECT count(*) FROM deals").int64, try db.scalar("SELECT count(*) FROM contacts").int64,
             try db.scalar("SELECT count(*) FROM timeline WHERE entity_type <> 'lead'").int64)
        }
        #expect(deals == 0 && contacts == 0 && entries == 0)
        #expect(try fixture.crm.leads.get(lead.id)["convertedAt"] == .null)
    }

    @Test func observersHearOfChangesInCommitOrderFromManyWriters() throws {
        let fixture = try CRMFixture()
        let recorder = Recorder()
        fixture.crm.observeCommits(recorder)
        let ids = Mutex<[Int64]>([])
        let leads = fixture.crm.leads
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in 0..<20 {
                let lead = try? leads.add(fields: CRMFixture.completeLead(["title": .string("W\(worker)-\(index)")]),
                                                      idempotencyKey: nil, by: .user(1))
                if let id = lead?["id"]?.int64Value { ids.withLock { $0.append(id) } }
            }
        }
        let seen = recorder.committed.withLock { $0.flatMap { $0 } }.filter { $0.operation == .created }.compactMap(\.id.int64Value)
        #expect(ids.withLock { $0.count } == 160)
        // Ids are given in write order, so commit order shows as increasing ids, each once.
        #expect(seen == seen.sorted())
        #expect(Set(seen) == Set(ids.withLock { $0 }))
    }

    final class RowCounter: CommitObserver, @unchecked Sendable {
        /// Rows changed plus statements deferred to the commit, per write.
        let rows = Mutex<[Int]>([])
        func databaseDidCommit(_ writes: [ObservedWrite]) { rows.withLock { $0 += writes.map { $0.rowsChanged + $0.deferredStatements } } }
        func databaseDidRollback(_ writes: [ObservedWrite]) {}
        var last: Int? { rows.withLock { $0.last } }
    }

    @Test func anUpdateRewritesOnlyTheRowsAndIndexesItChanged() throws {
        let fixture = try CRMFixture()
        let counter = RowCounter()
        fixture.crm.pool.addCommitObserver(counter)
        let lead = try fixture.addLead()
        // The record, its timeline entry, its event: no search text, phones or keys rewritten for a stage move.
        _ = try fixture.crm.leads.update(id: lead.id, fields: ["stageId": "QUALIFICATION"], expectedVersion: nil, by: .user(1))
        #expect(counter.last == 3)
        // A searchable field also rewrites the search row, still not the phones and e-mails.
        _ = try fixture.crm.leads.update(id: lead.id, fields: ["city": "Тверь"], expectedVersion: nil, by: .user(1))
        let searched = counter.last ?? 0
        #expect(searched > 3)
        var request = ListRequest()
        request.search = "Тверь"
        #expect(try fixture.crm.leads.list(request)["items"]?.arrayValue?.count == 1)
        request.search = "Москва"
        #expect(try fixture.crm.leads.list(request)["items"]?.arrayValue?.count == 0)
        // Phones rewrite their keys: the new number is found, the old one is not.
        _ = try fixture.crm.leads.update(id: lead.id, fields: ["phones": [["value": "+7 903 111-22-33"]]], expectedVersion: nil, by: .user(1))
        request.search = "9031112233"
        #expect(try fixture.crm.leads.list(request)["items"]?.arrayValue?.count == 1)
        request.search = "9161234567"
        #expect(try fixture.crm.leads.list(request)["items"]?.arrayValue?.count == 0)
    }
}
