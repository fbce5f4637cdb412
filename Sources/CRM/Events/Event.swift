import JSONKit

/// One entry of the event log as a subscription hands it out: its place, who may see it, and
/// its JSON (`{seq, topic, entityType, id, actor, cause, at, data}`) already written.
package struct Event: Sendable {
    package let seq: Int64
    package let topic: String
    package let audience: EventAudience
    /// The responsible of the record it concerns, and its open mark, when it was made.
    package let owner: RecordOwner?
    /// The event as a JSON object.
    package let json: [UInt8]

    /// The stored body (the object without `seq`) with `seq` put first.
    init(seq: Int64, topic: String, audience: EventAudience, owner: RecordOwner?, body: String) {
        self.seq = seq
        self.topic = topic
        self.audience = audience
        self.owner = owner
        var bytes = Array("{\"seq\":\(seq),".utf8)
        var body = body
        // Copied from the contiguous UTF-8 in one go (a `Substring.UTF8View` is copied byte by byte).
        body.withUTF8 { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0.dropFirst())) }
        json = bytes
    }

    /// Whether `access` (nil: not limited) may see it.
    package func visible(to access: Access?) -> Bool {
        guard let access else { return true }
        let (entity, action) = audience.permission
        return access.allows(entity, action, owner: audience.hasOwner ? owner ?? RecordOwner(assignedTo: nil, opened: false) : nil)
    }
}

/// Who may see an event: those who may read the record it is about, or the area it changed.
package enum EventAudience: Sendable, Equatable {
    /// A record (lead, contact, company, deal, invoice, product) or what belongs to one.
    case record(EntityType)
    /// Settings, pipelines, stages, fields, templates, robots: `settings.read`.
    case settings
    /// Users, departments, roles: `users.read`.
    case users
    /// API tokens: `users.update`.
    case tokens
    /// Meetings, calls and tasks: `activity.read`, by their responsible.
    case activities

    package init?(rawValue: String) {
        switch rawValue {
        case "settings": self = .settings
        case "users": self = .users
        case "tokens": self = .tokens
        case "activity": self = .activities
        default:
            guard let type = EntityType(rawValue: rawValue) else { return nil }
            self = .record(type)
        }
    }

    package var rawValue: String {
        switch self {
        case .record(let type): type.rawValue
        case .settings: "settings"
        case .users: "users"
        case .tokens: "tokens"
        case .activities: "activity"
        }
    }

    /// The permission that shows it.
    var permission: (PermissionEntity, PermissionAction) {
        switch self {
        case .record(let type): (PermissionEntity(type), .read)
        case .settings: (.settings, .read)
        case .users: (.users, .read)
        case .tokens: (.users, .update)
        case .activities: (.activity, .read)
        }
    }

    /// Whether it is judged by a record's responsible and open mark.
    var hasOwner: Bool {
        if case .record(let type) = self { return type.hasOwner }
        return self == .activities
    }

    static let all: [EventAudience] = EntityType.allCases.map(EventAudience.record) + [.settings, .users, .tokens, .activities]
}

/// Topics are `<entity>.<operation>` (`deal.stageMoved`, `invoice.statusChanged`,
/// `payment.created`); a pattern is a topic, `<entity>.*`, `*.<operation>` or `*`.
package enum EventTopic {
    package static func topic(of change: Change) -> String { change.entity.rawValue + "." + change.operation.rawValue }

    /// Checks patterns; an unknown entity or operation is 1007 `{field: "topics.<i>", reason: unknownTopic}`.
    package static func validate(_ patterns: [String]) throws {
        for (index, pattern) in patterns.enumerated() {
            let parts = pattern.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let known = pattern == "*" || (parts.count == 2
                && (parts[0] == "*" || ChangeEntity(rawValue: parts[0]) != nil)
                && (parts[1] == "*" || ChangeOperation(rawValue: parts[1]) != nil)
                && !(parts[0] == "*" && parts[1] == "*"))
            if !known {
                throw CRMError.invalidValue(field: "topics.\(index)", reason: "unknownTopic",
                                            message: "'\(pattern)' is not a topic: <entity>.<operation> (deal.stageMoved), <entity>.*, *.<operation> or *")
            }
        }
    }

    /// Whether `topic` matches one of `patterns` (all of them when there are none).
    package static func matches(_ topic: String, _ patterns: [String]) -> Bool {
        if patterns.isEmpty { return true }
        return patterns.contains { pattern in
            if pattern == "*" || pattern == topic { return true }
            if pattern.hasSuffix(".*") { return topic.hasPrefix(pattern.dropLast(1)) }
            if pattern.hasPrefix("*.") { return topic.hasSuffix(pattern.dropFirst(1)) }
            return false
        }
    }
}
