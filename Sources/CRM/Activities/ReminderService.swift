import Foundation
import JSONKit
import Mail
import Storage

/// Reminders (S6): robots that act a given time before an activity starts — text the client,
/// e-mail them or the responsible, notify the responsible. They are rules of `automation.*`
/// with `entityType: activity` and `trigger: beforeStart`, and their runs are jobs of the
/// robots' durable queue, planned when an activity is booked, planned anew when it moves, and
/// dropped when it is completed, cancelled or deleted. A run takes its job and queues its
/// messages in one transaction, so nothing is sent twice across restarts or crashes.
package struct ReminderService: Sendable {
    let crm: CRM

    /// What a reminder does when a meeting is booked after its time (say, "a day before" for a
    /// meeting booked for two hours from now): send at once, or skip it.
    package enum IfLate: String, Sendable {
        case send, skip
    }

    package struct RuleInput: Sendable {
        package var activityType: Activity.Kind?
        package var before: Int64
        package var ifLate: IfLate
        package var action: JSON
        package var title: String?
        package var active: Bool

        package init(activityType: Activity.Kind?, before: Int64, ifLate: IfLate, action: JSON, title: String?, active: Bool) {
            self.activityType = activityType
            self.before = before
            self.ifLate = ifLate
            self.action = action
            self.title = title
            self.active = active
        }
    }

    package func add(_ input: RuleInput, by caller: Caller) throws -> JSON {
        let action = try checked(input)
        return try crm.pool.write { db in
            let id = try ReminderStore.insertRule(db, input, action: action, at: crm.nowText)
            let rule = try json(db, id)
            try crm.apply(Change(.automation, id: .int(id), .created, by: caller, at: crm.nowText,
                                 fields: FieldChange.differences([:], rule, ignoring: ["id", "createdAt"])), in: db)
            try Self.replanUpcoming(db, crm: crm)
            return rule
        }
    }

    package func update(_ id: Int64, _ input: RuleInput, by caller: Caller) throws -> JSON {
        let action = try checked(input)
        return try crm.pool.write { db in
            let old = try json(db, id)
            try ReminderStore.updateRule(db, id: id, input, action: action)
            let new = try json(db, id)
            try crm.apply(Change(.automation, id: .int(id), .updated, by: caller, at: crm.nowText, fields: FieldChange.differences(old, new)), in: db)
            try Self.replanUpcoming(db, crm: crm)
            return new
        }
    }

    package func delete(_ id: Int64, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            _ = try json(db, id)
            try ReminderStore.deleteRule(db, id)
            try crm.apply(Change(.automation, id: .int(id), .deleted, by: caller, at: crm.nowText), in: db)
            return ["id": .int(id), "deleted": true]
        }
    }

    package func get(_ id: Int64) throws -> JSON { try crm.pool.read { db in try json(db, id) } }

    package func list() throws -> [JSON] { try crm.pool.read { db in try ReminderStore.rules(db).map(Self.json) } }

    /// Whether automation rule `id` is a reminder.
    package func isReminder(_ id: Int64) throws -> Bool { try crm.pool.read { db in try ReminderStore.isReminder(db, id) } }

    private func checked(_ input: RuleInput) throws -> ReminderAction {
        guard input.before >= 0, input.before <= 31 * 86_400 else {
            throw CRMError.invalidValue(field: "before", reason: "range", message: "before is 0 to 31 days, in seconds")
        }
        if input.activityType == .task {
            throw CRMError.invalidValue(field: "activityType", reason: "notApplicable", message: "a task has no start to remind of")
        }
        return try ReminderAction(input.action)
    }

    private func json(_ db: Database, _ id: Int64) throws -> JSON {
        guard let rule = try ReminderStore.rule(db, id) else { throw CRMError.notFound("automation", id) }
        return Self.json(rule)
    }

    static func json(_ rule: ReminderStore.Rule) -> JSON {
        [
            "id": .int(rule.id), "entityType": "activity", "pipelineId": .null, "stageId": .null, "status": .null, "days": .null,
            "trigger": "beforeStart", "delay": 0, "before": .int(rule.before), "activityType": rule.activityType.map { .string($0.rawValue) } ?? .null,
            "ifLate": .string(rule.ifLate.rawValue), "action": rule.action, "condition": .null,
            "title": rule.title.map(JSON.string) ?? .null, "active": .bool(rule.active), "createdAt": .string(rule.createdAt),
        ]
    }

    // MARK: - Planning

    /// Plans the reminders of `activity` as it is now: none unless it is a planned meeting or
    /// call that has not started; one job per active rule at `start - before`. A time already
    /// past (booked late) runs now or is skipped, as the rule says.
    static func plan(_ db: Database, crm: CRM, _ activity: Activity) throws {
        try ReminderStore.deleteJobs(db, activityID: activity.id)
        let now = crm.clock.now()
        guard activity.status == .planned, activity.type.isTimed, let start = activity.start, start > now else { return }
        for rule in try ReminderStore.rules(db, activeOnly: true) where rule.activityType == nil || rule.activityType == activity.type {
            let runAt = start - rule.before
            if runAt > now {
                try ReminderStore.insertJob(db, runAt: runAt, ruleID: rule.id, activityID: activity.id, at: crm.nowText)
            } else if rule.ifLate == .send {
                try perform(db, crm: crm, ruleID: rule.id, action: try ReminderAction(rule.action), activity: activity)
                try log(db, crm: crm, rule, activity.id, .done())
            } else {
                try log(db, crm: crm, rule, activity.id, .skipped("booked after the reminder's time (ifLate: skip)"))
            }
        }
    }

    /// Plans every upcoming activity anew after its rules changed; a reminder whose time has
    /// passed by then is not sent late.
    static func replanUpcoming(_ db: Database, crm: CRM) throws {
        let now = crm.clock.now()
        let rules = try ReminderStore.rules(db, activeOnly: true)
        for id in try ReminderStore.upcoming(db, now: now) {
            guard let activity = try ActivityStore.fetch(db, id), let start = activity.start else { continue }
            try ReminderStore.deleteJobs(db, activityID: id)
            for rule in rules where (rule.activityType == nil || rule.activityType == activity.type) && start - rule.before > now {
                try ReminderStore.insertJob(db, runAt: start - rule.before, ruleID: rule.id, activityID: id, at: crm.nowText)
            }
        }
    }

    /// Runs a due reminder job: the activity must still be planned and not begun.
    static func run(_ db: Database, crm: CRM, ruleID: Int64, activityID: Int64) throws {
        guard let rule = try ReminderStore.rule(db, ruleID) else { return }
        guard rule.active else { return try log(db, crm: crm, rule, activityID, .skipped("the rule is switched off")) }
        guard let activity = try ActivityStore.fetch(db, activityID), activity.status == .planned else {
            return try log(db, crm: crm, rule, activityID, .skipped("the activity is no longer planned"))
        }
        try perform(db, crm: crm, ruleID: ruleID, action: try ReminderAction(rule.action), activity: activity)
        try log(db, crm: crm, rule, activityID, .done())
    }

    /// Records a reminder's run in the robot log (`automation.log {entityType: activity, id}`).
    private static func log(_ db: Database, crm: CRM, _ rule: ReminderStore.Rule, _ activityID: Int64, _ run: RobotRun) throws {
        try AutomationLogStore.insert(db, ruleID: rule.id, entityType: "activity", entityID: activityID, trigger: "beforeStart",
                                      action: rule.action["type"]?.stringValue ?? "", run: run, attempt: 1, at: crm.nowText)
    }

    // MARK: - Acting

    private static func perform(_ db: Database, crm: CRM, ruleID: Int64, action: ReminderAction, activity: Activity) throws {
        let robot = Caller.system(.robot(ruleID: ruleID))
        let facts: [String: JSON] = ["ruleId": .int(ruleID), "activityId": .int(activity.id)]
        switch action {
        case .sms(let template):
            if activity.clientContacts.isEmpty { return try tell(db, crm: crm, activity, "Робот не отправил SMS: у встречи нет клиента для напоминания", robot, facts) }
            for client in activity.clientContacts {
                let record = try RecordService.loadJSON(db, client.type.descriptor, client.id)
                guard let phone = record?["phones"]?.arrayValue?.first?["value"]?.stringValue else {
                    try tell(db, crm: crm, activity, "Робот не отправил SMS: нет телефона у клиента (\(client.type.rawValue) \(client.id))", robot, facts)
                    continue
                }
                let text = RecordTemplate.fill(template, try records(db, activity, client: client, record: record))
                do {
                    _ = try crm.sms.enqueue(db, to: phone, text: text, record: client, by: robot, data: facts)
                } catch CRMError.invalidValue(_, _, let message) {
                    try tell(db, crm: crm, activity, "Робот не отправил SMS на \(phone): \(message)", robot, facts)
                }
            }
        case .email(let to, let subject, let body):
            let from = (try SettingsService.load(db))["mail"]?["from"]?.stringValue.flatMap(MailAddress.parse).flatMap { $0.isValid ? $0 : nil }
            var targets: [(RecordRef?, String?, [String: JSON])] = []
            switch to {
            case .client:
                for client in activity.clientContacts {
                    let record = try RecordService.loadJSON(db, client.type.descriptor, client.id)
                    targets.append((client, record?["emails"]?.arrayValue?.first?["value"]?.stringValue, try records(db, activity, client: client, record: record)))
                }
            case .responsible:
                targets.append((nil, try UserStore.fetch(db, activity.responsibleID)?.email, try records(db, activity, client: nil, record: nil)))
            }
            for (client, address, values) in targets {
                guard let from, let address = address.flatMap(MailAddress.parse).flatMap({ $0.isValid ? $0 : nil }) else {
                    try tell(db, crm: crm, activity, from == nil ? "Робот не отправил письмо: не задан адрес отправителя (settings.mail.from)"
                                                                 : "Робот не отправил письмо: нет адреса e-mail", robot, facts)
                    continue
                }
                let now = crm.clock.now()
                let message = MailMessage(from: from, to: [address], cc: [], subject: RecordTemplate.fill(subject, values),
                                          textBody: RecordTemplate.fill(body, values) + "\n", attachments: [],
                                          messageID: "<reminder-\(ruleID)-\(activity.id)-\(UUID().uuidString.lowercased())@crmd>",
                                          date: Date(timeIntervalSince1970: Double(now)))
                let outboxID = try OutboxStore.enqueue(db, invoiceID: nil, mode: "robot", message: message, at: now)
                if let shown = client ?? activity.bindings.first {
                    try crm.apply(Change(ChangeEntity(shown.type), id: .int(shown.id), .queued, by: robot, at: crm.nowText,
                                         data: facts.merging(["messageId": .int(outboxID), "to": .string(address.address), "mode": "robot"]) { a, _ in a }),
                                  in: db)
                }
            }
        case .notify(let template):
            let text = RecordTemplate.fill(template, try records(db, activity, client: activity.clientContacts.first, record: nil))
            try NotificationService.notify(db, crm: crm, userID: activity.responsibleID, kind: "robot", text: text,
                                           record: activity.bindings.first, data: facts)
        }
    }

    /// Writes why a reminder did nothing on the timelines of the activity's records.
    private static func tell(_ db: Database, crm: CRM, _ activity: Activity, _ text: String, _ robot: Caller, _ facts: [String: JSON]) throws {
        for binding in activity.bindings {
            try crm.apply(Change(ChangeEntity(binding.type), id: .int(binding.id), .commented, by: robot, at: crm.nowText,
                                 data: facts.merging(["text": .string(text)]) { a, _ in a }), in: db)
        }
    }

    /// The values a reminder's text may use: `{{activity.subject}}`, `{{activity.place}}`,
    /// `{{activity.date}}` («10 декабря 2026 г.»), `{{activity.time}}` («11:00»),
    /// `{{activity.start}}` («10 декабря 2026 г. в 11:00»), `{{activity.end}}`, in the client's
    /// time zone (the activity's `clientTimeZone`, else the responsible's); `{{responsible.name}}`,
    /// `{{responsible.phone}}`; the client's fields as `{{client.name}}` (and `{{contact.…}}` or
    /// `{{lead.…}}`); the bound deal's and company's.
    static func records(_ db: Database, _ activity: Activity, client: RecordRef?, record: JSON?) throws -> [String: JSON] {
        let zoneName = try activity.clientTimeZone.flatMap { CompanyTime.zone(named: $0) != nil ? $0 : nil }
            ?? CalendarService.zoneName(db, user: activity.responsibleID)
        let zone = CompanyTime.zone(named: zoneName) ?? .gmt
        var shown: [String: JSON] = [
            "subject": .string(activity.subject), "place": .string(activity.place ?? ""), "description": .string(activity.description ?? ""),
            "timeZone": .string(zoneName),
        ]
        if let start = activity.start {
            let (date, time) = WallClockText.local(start, zone)
            shown["date"] = .string(date)
            shown["time"] = .string(time)
            shown["start"] = .string("\(date) в \(time)")
        }
        if let end = activity.end { shown["end"] = .string(WallClockText.local(end, zone).time) }
        var records: [String: JSON] = ["activity": .object(shown)]
        if let user = try UserStore.fetch(db, activity.responsibleID) {
            records["responsible"] = ["name": .string(user.name), "phone": .string(user.phone ?? ""), "email": .string(user.email ?? ""),
                                      "position": .string(user.position ?? "")]
        }
        if let client {
            let loaded = try record ?? RecordService.loadJSON(db, client.type.descriptor, client.id)
            records["client"] = loaded
            records[client.type.rawValue] = loaded
        }
        for binding in activity.bindings where records[binding.type.rawValue] == nil && [.deal, .company].contains(binding.type) {
            records[binding.type.rawValue] = try RecordService.loadJSON(db, binding.type.descriptor, binding.id)
        }
        return records.compactMapValues { $0 }
    }
}

extension CRM {
    package var reminders: ReminderService { ReminderService(crm: self) }
}

/// Reminders follow their activity: planned anew as it is after each change, or dropped with
/// it. A listener near the end of the funnel, so a reminder sent at once (a meeting booked
/// late) is told after the booking itself.
struct ReminderListener: ChangeListener {
    func apply(_ change: Change, in db: Database, crm: CRM) throws {
        guard change.entity == .activity, let id = change.id.int64Value else { return }
        if let activity = try ActivityStore.fetch(db, id) {
            try ReminderService.plan(db, crm: crm, activity)
        } else {
            try ReminderStore.deleteJobs(db, activityID: id)
        }
    }
}
