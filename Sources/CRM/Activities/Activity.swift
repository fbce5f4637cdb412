import JSONKit

/// A meeting, call or task (S5, S7): when, where, who, about which records, whom to remind.
/// Meetings and calls have a start and an end and occupy their people and resource while
/// planned; tasks have an optional deadline and occupy nobody.
package struct Activity: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable {
        case meeting, call, task

        /// Whether it takes its people's time (and its resource) between start and end.
        var isTimed: Bool { self != .task }
    }

    package enum Status: String, Sendable, CaseIterable {
        case planned, completed, cancelled
    }

    var id: Int64 = 0
    var type: Kind
    var subject: String
    var description: String?
    var start: Int64?
    var end: Int64?
    var deadline: Int64?
    var place: String?
    var resourceID: Int64?
    var responsibleID: Int64
    var participantIDs: [Int64] = []
    var bindings: [RecordRef] = []
    var clientContacts: [RecordRef] = []
    /// Where the client is (IANA), for the times reminders tell them; nil: the responsible's zone.
    var clientTimeZone: String?
    var status: Status = .planned
    var result: String?
    /// Raised on every change a calendar shows (iCalendar's `SEQUENCE`).
    var sequence: Int64 = 0
    var createdBy: Int64?
    var createdAt: String = ""
    var updatedAt: String = ""
    var completedAt: String?

    /// The longest a meeting or call may last.
    static let longest: Int64 = 31 * 86_400

    /// The people it occupies: its responsible and participants, each once.
    var people: [Int64] {
        var seen = Set<Int64>()
        return ([responsibleID] + participantIDs).filter { seen.insert($0).inserted }
    }

    /// Whether it takes time from its people and resource now.
    var occupies: Bool { type.isTimed && status == .planned && start != nil && end != nil }

    /// Whom access judges it by: its responsible (it is never open to all).
    var owner: RecordOwner { RecordOwner(assignedTo: responsibleID, opened: false) }

    /// The state the change funnel's access check and event log read its owner from.
    var state: RecordState { RecordState(columns: ["assignedTo": .integer(responsibleID)]) }

    /// Whether a planned task's deadline, or a planned meeting's end, has passed at `now`.
    func isOverdue(at now: Int64) -> Bool {
        guard status == .planned else { return false }
        if let deadline { return deadline < now }
        if let end, type.isTimed { return end < now }
        return false
    }

    /// The API form; `zone` is the responsible's time zone (for clients that show local times).
    func json(zone: String, now: Int64) -> JSON {
        func time(_ value: Int64?) -> JSON { value.map { .string(Timestamp.format($0)) } ?? .null }
        func text(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
        return [
            "id": .int(id), "type": .string(type.rawValue), "subject": .string(subject), "description": text(description),
            "start": time(start), "end": time(end), "deadline": time(deadline), "timeZone": .string(zone),
            "place": text(place), "resourceId": resourceID.map(JSON.int) ?? .null, "responsibleId": .int(responsibleID),
            "participantIds": .array(participantIDs.map(JSON.int)),
            "bindings": .array(bindings.map(Self.json)), "clientContacts": .array(clientContacts.map(Self.json)),
            "clientTimeZone": text(clientTimeZone), "status": .string(status.rawValue), "result": text(result), "sequence": .int(sequence), "overdue": .bool(isOverdue(at: now)),
            "createdBy": createdBy.map(JSON.int) ?? .null, "createdAt": .string(createdAt), "updatedAt": .string(updatedAt),
            "completedAt": text(completedAt),
        ]
    }

    /// What the timeline and events tell of it.
    var summary: JSON {
        func time(_ value: Int64?) -> JSON { value.map { .string(Timestamp.format($0)) } ?? .null }
        return [
            "activityId": .int(id), "type": .string(type.rawValue), "subject": .string(subject), "start": time(start), "end": time(end),
            "deadline": time(deadline), "place": place.map(JSON.string) ?? .null, "status": .string(status.rawValue),
            "responsibleId": .int(responsibleID),
        ]
    }

    static func json(_ ref: RecordRef) -> JSON { ["entityType": .string(ref.type.rawValue), "id": .int(ref.id)] }
}
