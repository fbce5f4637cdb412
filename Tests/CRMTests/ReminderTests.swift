import JSONKit
import Testing
@testable import CRM

/// Reminders before a meeting (issue 13, item 5), by the CRM's own clock: planned when it is
/// booked, planned anew when it moves, dropped when it is cancelled, sent once; a meeting
/// booked after its reminder's time gets it at once or not, as the rule says; the text is in the
/// client's time zone, the Russian way.
@Suite struct ReminderTests {
    let fixture: CRMFixture
    var crm: CRM { fixture.crm }

    init() throws {
        fixture = try CRMFixture()
        // 2026-11-17T09:06:40Z is a Tuesday; the fixture's clock starts there.
        _ = try crm.sms.configure(["transport": "outbox"], by: .user(1))
    }

    func rule(before: Int64, ifLate: ReminderService.IfLate = .send, text: String = "Напоминаем: {{activity.subject}} {{activity.start}}, {{activity.place}}") throws -> Int64 {
        try crm.reminders.add(.init(activityType: .meeting, before: before, ifLate: ifLate, action: ["type": "sms", "text": .string(text)],
                                    title: "SMS клиенту", active: true), by: .user(1)).id
    }

    func meeting(_ lead: JSON, start: Int64, zone: String? = nil, client: RecordRef? = nil) throws -> JSON {
        let client = client ?? RecordRef(.lead, lead.id)
        var fields: [String: JSON] = [
            "type": "meeting", "subject": "Демонстрация", "place": "ул. Ленина, 1", "start": .string(Timestamp.format(start)),
            "end": .string(Timestamp.format(start + 3600)), "bindings": [["entityType": "lead", "id": .int(lead.id)]],
            "clientContacts": [["entityType": .string(client.type.rawValue), "id": .int(client.id)]],
        ]
        if let zone { fields["clientTimeZone"] = .string(zone) }
        return try crm.activities.add(fields, allowOutsideHours: true, by: .user(1))
    }

    func texts() throws -> [String] {
        try crm.sms.list(status: nil, record: nil, limit: 100, after: nil, access: nil)["items"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
    }

    @Test func plannedMovedSentOnceInTheClientsZone() throws {
        let lead = try fixture.addLead()
        _ = try rule(before: 3600)
        let now = fixture.clock.now()
        // Tomorrow 08:00 UTC: 11:00 in Moscow, 13:00 in Yekaterinburg.
        let start = (now / 86_400 + 1) * 86_400 + 8 * 3600
        let booked = try meeting(lead, start: start, zone: "Asia/Yekaterinburg")
        #expect(try crm.scheduler.runDue() == 0)
        // Moved an hour later: the reminder moves with it.
        _ = try crm.activities.update(booked.id, ["start": .string(Timestamp.format(start + 3600)), "end": .string(Timestamp.format(start + 7200))],
                                      allowOutsideHours: true, by: .user(1))
        fixture.clock.set(start - 3600)
        #expect(try crm.scheduler.runDue() == 0)
        #expect(try texts().isEmpty)
        fixture.clock.set(start)
        #expect(try crm.scheduler.runDue() == 1)
        let day = Timestamp.format(start).prefix(10).split(separator: "-").map { Int($0)! }
        let months = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"]
        #expect(try texts() == ["Напоминаем: Демонстрация \(day[2]) \(months[day[1] - 1]) \(day[0]) г. в 14:00, ул. Ленина, 1"])
        fixture.clock.advance(by: 86_400)
        #expect(try crm.scheduler.runDue() == 0)
        #expect(try texts().count == 1)
    }

    @Test func cancellingOrCompletingDropsTheReminder() throws {
        let lead = try fixture.addLead()
        _ = try rule(before: 1800)
        let start = fixture.clock.now() + 86_400
        let cancelled = try meeting(lead, start: start)
        let done = try meeting(lead, start: start + 7200)
        _ = try crm.activities.update(cancelled.id, ["status": "cancelled"], allowOutsideHours: true, by: .user(1))
        _ = try crm.activities.complete(done.id, result: "Провели раньше", by: .user(1))
        fixture.clock.advance(by: 2 * 86_400)
        #expect(try crm.scheduler.runDue() == 0)
        #expect(try texts().isEmpty)
    }

    @Test func aMeetingBookedLateGetsItsReminderAtOnceOrNotAsTheRuleSays() throws {
        let lead = try fixture.addLead()
        _ = try rule(before: 86_400, ifLate: .send, text: "Сразу: {{activity.time}}")
        _ = try rule(before: 86_400, ifLate: .skip, text: "Пропустить")
        _ = try meeting(lead, start: fixture.clock.now() + 3600)
        #expect(try texts().count == 1)
        #expect(try texts().first?.hasPrefix("Сразу: ") == true)
        #expect(try crm.scheduler.runDue() == 0)
    }

    @Test func aRuleAddedLaterPlansUpcomingMeetingsAndAClientWithoutAPhoneIsToldOnTheTimeline() throws {
        let lead = try fixture.addLead()
        let silent = try crm.records(.contact).add(fields: ["name": "Без телефона"], idempotencyKey: nil, by: .user(1))
        let start = fixture.clock.now() + 2 * 86_400
        _ = try meeting(lead, start: start, client: RecordRef(.contact, silent.id))
        _ = try rule(before: 3600)
        fixture.clock.set(start - 3600)
        #expect(try crm.scheduler.runDue() == 1)
        #expect(try texts().isEmpty)
        let comments = try crm.pool.read { db in
            try db.query("SELECT data FROM timeline WHERE entity_type = 'lead' AND entity_id = ? AND type = 'comment'", [.integer(lead.id)])
                .map { try JSON.parse(try $0.text("data"))["text"]?.stringValue ?? "" }
        }
        #expect(comments.count == 1 && comments[0].contains("нет телефона"))
    }
}
