import JSONKit
import Storage
import Synchronization
import Testing
@testable import CRM

/// Notifications to people (issue 12, item 4) in process: robots' `notify` written with the
/// change that woke the robot or not at all, handed to the server as `NotificationNote`s only
/// once durable, and never made for an inactive user.
@Suite struct NotificationTests {
    /// The notification notes of committed writes.
    final class Notes: CommitObserver, @unchecked Sendable {
        let committed = Mutex<[NotificationNote]>([])

        func databaseDidCommit(_ writes: [ObservedWrite]) {
            let notes = writes.flatMap { $0.notes.compactMap { $0 as? NotificationNote } }
            committed.withLock { $0 += notes }
        }

        func databaseDidRollback(_ writes: [ObservedWrite]) {}
    }

    func notifyRule(_ crm: CRM, to: JSON, trigger: String = "create", stage: String? = nil, delay: Int64 = 0) throws {
        _ = try crm.automation.add(AutomationService.RuleInput(entityType: .lead, pipelineID: nil, stageID: stage, trigger: trigger,
                                                               delaySeconds: delay,
                                                               action: ["type": "notify", "to": to, "text": "Лид {{lead.title}}"],
                                                               title: nil, active: true), by: .user(1))
    }

    func texts(_ crm: CRM, _ userID: Int64) throws -> [String] {
        try crm.notifications.list(userID: userID, unreadOnly: false, limit: 500, before: nil)["items"]!.arrayValue!.map {
            $0["text"]!.stringValue!
        }
    }

    @Test func aRobotsNotificationIsWrittenWithItsChangeOrNotAtAll() throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        let notes = Notes()
        crm.pool.addCommitObserver(notes)
        let maria = try crm.users.add(["name": "Мария"], idempotencyKey: nil, by: .user(1)).id
        try notifyRule(crm, to: .int(maria), trigger: "enter", stage: "QUALIFICATION")
        let lead = try fixture.addLead(["title": "Камеры"])
        struct Undo: Error {}
        #expect(throws: Undo.self) {
            try crm.pool.write { db in
                _ = try crm.leads.change(db, id: lead.id, fields: ["stageId": "QUALIFICATION"], by: .user(1))
                throw Undo()
            }
        }
        #expect(try texts(crm, maria) == [])
        #expect(notes.committed.withLock { $0.isEmpty })
        _ = try crm.leads.update(id: lead.id, fields: ["stageId": "QUALIFICATION"], expectedVersion: nil, by: .user(1))
        #expect(try texts(crm, maria) == ["Лид Камеры"])
        let committed = notes.committed.withLock { $0 }
        #expect(committed.map(\.userID) == [maria])
        #expect(committed.first?.json["text"] == "Лид Камеры" && committed.first?.json["kind"] == "robot")
        #expect(committed.first?.json["entityType"] == "lead" && committed.first?.json["entityId"] == .int(lead.id))
    }

    @Test func aDelayedRobotNotifiesWhenItRunsAndAnInactiveUserIsToldNothing() throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        let maria = try crm.users.add(["name": "Мария"], idempotencyKey: nil, by: .user(1)).id
        let leaving = try crm.users.add(["name": "Уходящий"], idempotencyKey: nil, by: .user(1)).id
        try notifyRule(crm, to: "responsible", delay: 60)
        try notifyRule(crm, to: .int(leaving))
        _ = try fixture.addLead(["title": "Первый", "assignedTo": .int(maria)])
        #expect(try texts(crm, leaving) == ["Лид Первый"])
        #expect(try texts(crm, maria) == [])
        fixture.clock.advance(by: 61)
        while try crm.scheduler.runDue() > 0 {}
        #expect(try texts(crm, maria) == ["Лид Первый"])
        _ = try crm.users.deactivate(leaving, by: .user(1))
        _ = try fixture.addLead(["title": "Второй"])
        #expect(try texts(crm, leaving) == ["Лид Первый"])
    }

    @Test func rulesAreTheUsersOwnAndAnUnknownOneChangesNothing() throws {
        let fixture = try CRMFixture()
        let crm = fixture.crm
        let maria = try crm.users.add(["name": "Мария"], idempotencyKey: nil, by: .user(1)).id
        #expect(try crm.notifications.setRules(userID: maria, ["paymentForMyDeal": false])
            == ["rules": ["invoicePaid": true, "paymentForMyDeal": false, "meetingMoved": true]])
        #expect(throws: CRMError.self) { try crm.notifications.setRules(userID: maria, ["invoicePaid": false, "meetingBooked": false]) }
        #expect(try crm.notifications.rules(userID: maria) == ["rules": ["invoicePaid": true, "paymentForMyDeal": false, "meetingMoved": true]])
        #expect(try crm.notifications.rules(userID: 1) == ["rules": ["invoicePaid": true, "paymentForMyDeal": true, "meetingMoved": true]])
    }
}
