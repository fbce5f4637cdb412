import JSONKit
import Storage

/// Meetings, calls and tasks (`activity.*`, S5–S7). A meeting or call that is planned occupies
/// its responsible, participants and resource: adding or moving one onto time already taken is
/// 1005 `slotBusy` with what takes it. Every write is one transaction through the change
/// funnel, so two clients booking the same slot at once cannot both win (the database has one
/// writer), and each change shows on the timeline of every record the activity is bound to.
package struct ActivityService: Sendable {
    let crm: CRM

    /// The record types an activity may be about, and those that may be reminded.
    static let bindable: Set<EntityType> = [.lead, .deal, .contact, .company]
    static let remindable: Set<EntityType> = [.lead, .contact]

    package func add(_ fields: [String: JSON], allowOutsideHours: Bool, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let now = crm.nowText
            guard let kind = fields["type"]?.stringValue.flatMap(Activity.Kind.init(rawValue:)) else {
                throw CRMError.invalidValue(field: "type", reason: "required", message: "type is meeting, call or task")
            }
            guard let responsible = fields["responsibleId"]?.int64Value ?? caller.userID else {
                throw CRMError.invalidValue(field: "responsibleId", reason: "required", message: "an activity needs a responsible")
            }
            var activity = Activity(type: kind, subject: "", responsibleID: responsible, createdBy: caller.userID, createdAt: now, updatedAt: now)
            try apply(fields, to: &activity, db: db, access: caller.access)
            return try json(db, try create(db, activity, by: caller, allowOutsideHours: allowOutsideHours))
        }
    }

    /// Books `activity` inside the caller's write (robots create tasks and calls this way).
    func create(_ db: Database, _ activity: Activity, by caller: Caller, allowOutsideHours: Bool) throws -> Activity {
        var activity = activity
        try check(activity, db: db, allowOutsideHours: allowOutsideHours)
        activity.id = try ActivityStore.insert(db, activity)
        try record(Change(.activity, id: .int(activity.id), .created, by: caller, at: crm.nowText), before: nil, after: activity, db: db)
        return activity
    }

    package func update(_ id: Int64, _ fields: [String: JSON], allowOutsideHours: Bool, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let old = try load(db, id)
            var activity = old
            try apply(fields, to: &activity, db: db, access: caller.access)
            if activity == old { return try json(db, activity) }
            activity.updatedAt = crm.nowText
            activity.completedAt = activity.status == .completed ? (old.completedAt ?? crm.nowText) : nil
            try check(activity, db: db, allowOutsideHours: allowOutsideHours, old: old)
            return try json(db, try save(db, old: old, new: activity, by: caller))
        }
    }

    /// Marks it done, with its result.
    package func complete(_ id: Int64, result: String?, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let old = try load(db, id)
            guard old.status != .cancelled else {
                throw CRMError.conflict(reason: "cancelled", details: ["entityType": "activity", "id": .int(id)])
            }
            var activity = old
            activity.status = .completed
            if let result { activity.result = result }
            if activity == old { return try json(db, activity) }
            activity.updatedAt = crm.nowText
            activity.completedAt = old.completedAt ?? crm.nowText
            return try json(db, try save(db, old: old, new: activity, by: caller))
        }
    }

    package func delete(_ id: Int64, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let old = try load(db, id)
            try ActivityStore.delete(db, id)
            try record(Change(.activity, id: .int(id), .deleted, by: caller, at: crm.nowText), before: old, after: nil, db: db)
            return ["id": .int(id), "deleted": true]
        }
    }

    package func get(_ id: Int64, access: Access?) throws -> JSON {
        try crm.pool.read { db in
            let activity = try load(db, id)
            if let access, !Self.reaches(access, .read, activity) { throw Access.denied(.activity, .read, id: id) }
            return try json(db, activity)
        }
    }

    /// Whether `action` reaches the activity: by its responsible as a record's owner, and a
    /// participant reads what they take part in wherever their roles reach their own records.
    static func reaches(_ access: Access, _ action: PermissionAction, _ activity: Activity) -> Bool {
        if access.allows(.activity, action, owner: activity.owner) { return true }
        return action == .read && access.reach(.activity, .read).contains(.own) && activity.participantIDs.contains(access.userID)
    }

    // MARK: - Writing

    /// Stores the change and tells the funnel; `keepSequence` for changes a calendar does not
    /// show (the records it is bound to).
    @discardableResult
    func save(_ db: Database, old: Activity, new: Activity, by caller: Caller, keepSequence: Bool = false) throws -> Activity {
        var activity = new
        let operation: ChangeOperation
        if old.status != activity.status, activity.status == .completed {
            operation = .completed
        } else if old.status != activity.status, activity.status == .cancelled {
            operation = .cancelled
        } else if (old.start, old.end, old.deadline) != (activity.start, activity.end, activity.deadline) {
            operation = .moved
        } else {
            operation = .updated
        }
        if !keepSequence { activity.sequence = old.sequence + 1 }
        try ActivityStore.update(db, activity)
        let fields = FieldChange.differences(try json(db, old, now: 0), try json(db, activity, now: 0),
                                             ignoring: ["updatedAt", "sequence", "overdue", "completedAt"])
        try record(Change(.activity, id: .int(activity.id), operation, by: caller, at: crm.nowText, fields: fields),
                   before: old, after: activity, db: db)
        return activity
    }

    /// Hands the change to the funnel with the activity's owner before and after (the access
    /// check and the event log judge it by its responsible), and its summary and bindings (the
    /// timeline writes on each bound record).
    private func record(_ change: Change, before: Activity?, after: Activity?, db: Database) throws {
        var change = change
        let shown = after ?? before!
        change.before = before?.state
        change.after = after?.state
        var data = shown.summary.objectValue ?? [:]
        data["bindings"] = .array(Set((before?.bindings ?? []) + (after?.bindings ?? [])).sorted { ($0.type.rawValue, $0.id) < ($1.type.rawValue, $1.id) }
            .map(Activity.json))
        if change.operation == .moved, let before {
            data["from"] = ["start": before.start.map { .string(Timestamp.format($0)) } ?? .null,
                            "end": before.end.map { .string(Timestamp.format($0)) } ?? .null,
                            "deadline": before.deadline.map { .string(Timestamp.format($0)) } ?? .null]
        }
        if let result = after?.result, change.operation == .completed { data["result"] = .string(result) }
        change.data = data
        try crm.apply(change, in: db)
    }

    /// Applies the given fields; checks each value and that what it names exists.
    private func apply(_ fields: [String: JSON], to activity: inout Activity, db: Database, access: Access?) throws {
        for (name, value) in fields {
            switch name {
            case "type":
                guard let kind = value.stringValue.flatMap(Activity.Kind.init(rawValue:)) else {
                    throw CRMError.invalidValue(field: "type", reason: "option", message: "type is meeting, call or task")
                }
                activity.type = kind
            case "subject":
                guard let subject = value.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines), !subject.isEmpty else {
                    throw CRMError.invalidValue(field: "subject", reason: "required", message: "an activity needs a subject")
                }
                activity.subject = subject
            case "description": activity.description = value.stringValue
            case "place": activity.place = value.stringValue
            case "clientTimeZone":
                if let name = value.stringValue, CompanyTime.zone(named: name) == nil {
                    throw CRMError.invalidValue(field: "clientTimeZone", reason: "unknownTimeZone", message: "'\(name)' is not an IANA time zone this machine knows")
                }
                activity.clientTimeZone = value.stringValue
            case "result": activity.result = value.stringValue
            case "start": activity.start = try Self.time(value, "start")
            case "end": activity.end = try Self.time(value, "end")
            case "deadline": activity.deadline = try Self.time(value, "deadline")
            case "status":
                guard let status = value.stringValue.flatMap(Activity.Status.init(rawValue:)) else {
                    throw CRMError.invalidValue(field: "status", reason: "option", message: "status is planned, completed or cancelled")
                }
                activity.status = status
            case "responsibleId":
                guard let id = value.int64Value else {
                    throw CRMError.invalidValue(field: "responsibleId", reason: "required", message: "an activity needs a responsible")
                }
                try Self.requireUser(db, id, field: "responsibleId")
                activity.responsibleID = id
            case "participantIds":
                let ids = value.arrayValue?.compactMap(\.int64Value) ?? []
                for (index, id) in ids.enumerated() { try Self.requireUser(db, id, field: "participantIds.\(index)") }
                var seen = Set<Int64>()
                activity.participantIDs = ids.filter { seen.insert($0).inserted }.sorted()
            case "resourceId":
                if let id = value.int64Value {
                    guard let resource = try ActivityStore.resource(db, id) else {
                        throw CRMError.invalidValue(field: "resourceId", reason: "unknownResource", message: "no resource \(id)")
                    }
                    guard resource.active else {
                        throw CRMError.invalidValue(field: "resourceId", reason: "inactiveResource", message: "resource \(id) is switched off")
                    }
                }
                activity.resourceID = value.int64Value
            case "bindings":
                activity.bindings = try Self.records(value, field: "bindings", allowed: Self.bindable, db: db, access: access)
            case "clientContacts":
                activity.clientContacts = try Self.records(value, field: "clientContacts", allowed: Self.remindable, db: db, access: access)
            default:
                throw CRMError.invalidParam("/fields/\(name)", "an activity has no field '\(name)'")
            }
        }
        if activity.subject.isEmpty {
            throw CRMError.invalidValue(field: "subject", reason: "required", message: "an activity needs a subject")
        }
    }

    /// The rules of times, and of booking: a meeting or call has a start before its end, at
    /// most `Activity.longest` apart, within working hours unless allowed, on time nobody of it
    /// (nor its resource) has given to another planned meeting or call.
    private func check(_ activity: Activity, db: Database, allowOutsideHours: Bool, old: Activity? = nil) throws {
        if activity.type.isTimed {
            guard let start = activity.start else {
                throw CRMError.invalidValue(field: "start", reason: "required", message: "a \(activity.type.rawValue) needs a start")
            }
            guard let end = activity.end else {
                throw CRMError.invalidValue(field: "end", reason: "required", message: "a \(activity.type.rawValue) needs an end")
            }
            guard end > start else {
                throw CRMError.invalidValue(field: "end", reason: "endBeforeStart", message: "the end must come after the start")
            }
            guard end - start <= Activity.longest else {
                throw CRMError.invalidValue(field: "end", reason: "tooLong", message: "a \(activity.type.rawValue) lasts at most 31 days")
            }
            if activity.deadline != nil {
                throw CRMError.invalidValue(field: "deadline", reason: "notApplicable", message: "a \(activity.type.rawValue) has a start and an end, not a deadline")
            }
        } else if activity.start != nil || activity.end != nil {
            throw CRMError.invalidValue(field: activity.start != nil ? "start" : "end", reason: "notApplicable",
                                        message: "a task has a deadline, not a start and an end")
        }
        guard activity.occupies, let start = activity.start, let end = activity.end else { return }
        let unchanged = old.map { $0.occupies && $0.start == start && $0.end == end && Set($0.people).isSuperset(of: activity.people)
            && ($0.resourceID == activity.resourceID || activity.resourceID == nil) } ?? false
        if unchanged { return }
        let conflicts = try ActivityStore.conflicts(db, users: activity.people, resource: activity.resourceID, start: start, end: end,
                                                    excluding: old?.id)
        if let first = conflicts.first {
            throw CRMError.conflict(reason: "slotBusy", details: [
                "activityId": .int(first.activityID),
                "conflicts": .array(conflicts.map { conflict in
                    [
                        "activityId": .int(conflict.activityID), conflict.kind == "user" ? "userId" : "resourceId": .int(conflict.ownerID),
                        "start": .string(Timestamp.format(conflict.start)), "end": .string(Timestamp.format(conflict.end)),
                    ]
                }),
            ])
        }
        if !allowOutsideHours {
            let outside = try CalendarService.outsideWorkingHours(db, users: activity.people, start: start, end: end)
            if !outside.isEmpty {
                throw CRMError.invalidValue(field: "start", reason: "outsideWorkingHours",
                                            message: "outside the working hours of user(s) \(outside.map(String.init).joined(separator: ", ")); allowOutsideHours: true books it anyway")
            }
        }
    }

    package static func time(_ value: JSON, _ field: String) throws -> Int64? {
        if value == .null { return nil }
        guard let text = value.stringValue, let time = Timestamp.parse(text) else {
            throw CRMError.invalidValue(field: field, reason: "format", message: "\(field) is an RFC 3339 time (2026-12-10T11:00:00+03:00)")
        }
        return time
    }

    private static func requireUser(_ db: Database, _ id: Int64, field: String) throws {
        switch try UserStore.isActive(db, id) {
        case nil: throw CRMError.invalidValue(field: field, reason: "unknownUser", message: "no user \(id)")
        case false?: throw CRMError.invalidValue(field: field, reason: "inactiveUser", message: "user \(id) is deactivated")
        case true?: return
        }
    }

    /// `[{entityType, id}]` of existing records of the allowed types that `access` may read.
    private static func records(_ value: JSON, field: String, allowed: Set<EntityType>, db: Database, access: Access?) throws -> [RecordRef] {
        var refs: [RecordRef] = []
        for (index, item) in (value.arrayValue ?? []).enumerated() {
            guard let type = item["entityType"]?.stringValue.flatMap(EntityType.init(rawValue:)), allowed.contains(type),
                  let id = item["id"]?.int64Value else {
                throw CRMError.invalidValue(field: "\(field).\(index)", reason: "format",
                                            message: "\(field) names records as {entityType: \(allowed.map(\.rawValue).sorted().joined(separator: "|")), id}")
            }
            let store = RecordStore(entity: type.descriptor)
            guard try store.exists(db, id) else {
                throw CRMError.invalidValue(field: "\(field).\(index)", reason: "unknownRecord", message: "no \(type.rawValue) \(id)")
            }
            if let access { try access.require(PermissionEntity(type), .read, id: id, owner: try store.owner(db, id)) }
            let ref = RecordRef(type, id)
            if !refs.contains(ref) { refs.append(ref) }
        }
        return refs
    }

    // MARK: - Reading

    func load(_ db: Database, _ id: Int64) throws -> Activity {
        guard let activity = try ActivityStore.fetch(db, id) else { throw CRMError.notFound("activity", id) }
        return activity
    }

    func json(_ db: Database, _ activity: Activity, now: Int64? = nil) throws -> JSON {
        activity.json(zone: try CalendarService.zoneName(db, user: activity.responsibleID), now: now ?? crm.clock.now())
    }
}

extension CRM {
    package var activities: ActivityService { ActivityService(crm: self) }
}
