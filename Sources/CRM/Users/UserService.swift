import JSONKit
import Storage

/// People who own and change records. User 1 (Администратор) always exists, cannot be
/// deactivated, and acts when a call names nobody (stdio, the uid that runs crmd).
///
/// A deactivated user keeps their history (records and the timeline still name them) but can
/// no longer call (`AccessService` refuses their sessions and tokens) nor be made responsible.
package struct UserService: Sendable {
    let crm: CRM

    package static let defaultUserID: Int64 = 1

    package func add(_ fields: [String: JSON], idempotencyKey: String?, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            if let key = idempotencyKey, let existing = try IdempotencyStore.lookup(db, "user", key: key, by: caller) {
                return try get(db, existing)
            }
            let values = try Self.validated(db, fields, id: nil)
            let id = try UserStore.insert(db, values, at: crm.nowText)
            let user = try get(db, id)
            let changes = FieldChange.differences(.object([:]), Self.profile(user))
            try crm.apply(Change(.user, id: .int(id), .created, by: caller, at: crm.nowText, fields: changes), in: db)
            if let key = idempotencyKey { try IdempotencyStore.remember(db, "user", key: key, by: caller, id: id, at: crm.nowText) }
            return user
        }
    }

    /// Changes the given profile fields; null clears an optional one.
    package func update(_ id: Int64, _ fields: [String: JSON], by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let old = try get(db, id)
            let values = try Self.validated(db, fields, id: id)
            try UserStore.update(db, id, values, at: crm.nowText)
            let new = try get(db, id)
            let changes = FieldChange.differences(Self.profile(old), Self.profile(new))
            if !changes.isEmpty {
                try crm.apply(Change(.user, id: .int(id), .updated, by: caller, at: crm.nowText, fields: changes), in: db)
            }
            return new
        }
    }

    /// Deactivates user `id`: from now on their sessions and tokens are refused and they cannot
    /// be made responsible for records; what they did stays theirs. Idempotent. The
    /// administrator (user 1) and the caller themselves are refused (1005 `administrator`, `self`).
    package func deactivate(_ id: Int64, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let old = try get(db, id)
            if id == Self.defaultUserID {
                throw CRMError.conflict(reason: "administrator", details: ["id": .int(id), "message": .string("the administrator (user 1) cannot be deactivated")])
            }
            if id == caller.userID {
                throw CRMError.conflict(reason: "self", details: ["id": .int(id), "message": .string("a user cannot deactivate themselves")])
            }
            guard old["active"] == .bool(true) else { return old }
            try UserStore.deactivate(db, id, at: crm.nowText)
            try crm.apply(Change(.user, id: .int(id), .updated, by: caller, at: crm.nowText,
                                 fields: [FieldChange(field: "active", old: .bool(true), new: .bool(false))],
                                 data: ["action": "deactivated"]), in: db)
            return try get(db, id)
        }
    }

    package func get(_ id: Int64) throws -> JSON { try crm.pool.read { db in try get(db, id) } }

    /// Every user by id; `active` keeps only active (true) or inactive (false) ones.
    package func list(active: Bool? = nil, departmentID: Int64? = nil) throws -> JSON {
        try crm.pool.read { db in
            let users = try UserStore.all(db, departmentID: departmentID).filter { active == nil || $0.active == active }
            return .object(["items": .array(users.map(Self.json))])
        }
    }

    func get(_ db: Database, _ id: Int64) throws -> JSON {
        guard let user = try UserStore.fetch(db, id) else { throw CRMError.notFound("user", id) }
        return Self.json(user)
    }

    /// Throws 1007 unless `id` names an existing, active user: who can be made responsible for a
    /// record (`assignedTo`) or be someone's manager.
    static func requireActive(_ db: Database, _ id: Int64, field: String) throws {
        switch try UserStore.isActive(db, id) {
        case nil: throw CRMError.invalidValue(field: field, reason: "unknownUser", message: "no user with id \(id)")
        case false?: throw CRMError.invalidValue(field: field, reason: "inactiveUser", message: "user \(id) is deactivated")
        case true?: return
        }
    }

    /// The given fields as column values, each checked; throws 1007 (or 1005 for a Unix user
    /// mapped to someone else) before anything is written.
    private static func validated(_ db: Database, _ fields: [String: JSON], id: Int64?) throws -> [String: SQLValue] {
        var values: [String: SQLValue] = [:]
        for (field, column) in UserStore.columns {
            guard let value = fields[field] else { continue }
            switch (field, value) {
            case (_, .null):
                if field == "name" { throw CRMError.invalidValue(field: field, reason: "required", message: "a user needs a name") }
                values[column] = .null
            case ("timeZone", .string(let name)):
                guard CompanyTime.zone(named: name) != nil else {
                    throw CRMError.invalidValue(field: field, reason: "unknownTimeZone",
                                                message: "\(name) is not an IANA time zone this machine knows (tzdata), e.g. Europe/Moscow")
                }
                values[column] = .text(name)
            case ("departmentId", let value):
                guard let department = value.int64Value, try DepartmentStore.fetch(db, department) != nil else {
                    throw CRMError.invalidValue(field: field, reason: "notFound", message: "no department with id \(value.text)")
                }
                values[column] = .integer(department)
            case ("managerId", let value):
                guard let manager = value.int64Value else { throw CRMError.invalidParam("/fields/managerId", "expected a user id") }
                try requireActive(db, manager, field: field)
                if let id { try requireNoManagerCycle(db, user: id, manager: manager) }
                values[column] = .integer(manager)
            case ("unixUser", let value):
                guard let uid = value.int64Value else { throw CRMError.invalidParam("/fields/unixUser", "expected a uid") }
                if let other = try UserStore.fetch(db, unixUser: uid), other.id != id {
                    throw CRMError.conflict(reason: "exists", details: ["field": "unixUser", "unixUser": .int(uid), "userId": .int(other.id)])
                }
                values[column] = .integer(uid)
            case (_, .string(let text)):
                values[column] = .text(text)
            default:
                throw CRMError.invalidParam("/fields/\(field)", "unexpected value \(value.text)")
            }
        }
        return values
    }

    /// 1007 `{field: managerId, reason: cycle}` when `manager` is `user` or reports to them.
    private static func requireNoManagerCycle(_ db: Database, user: Int64, manager: Int64) throws {
        var current: Int64? = manager
        var seen: Set<Int64> = []
        while let next = current, seen.insert(next).inserted {
            if next == user {
                throw CRMError.invalidValue(field: "managerId", reason: "cycle", message: "user \(manager) reports to user \(user), directly or not")
            }
            current = try UserStore.fetch(db, next)?.managerID
        }
    }

    /// The fields a change to a user reports.
    private static func profile(_ user: JSON) -> JSON {
        .object((user.objectValue ?? [:]).filter { !["id", "createdAt", "updatedAt", "deactivatedAt"].contains($0.key) })
    }

    private static func json(_ user: UserStore.User) -> JSON {
        func text(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
        func int(_ value: Int64?) -> JSON { value.map(JSON.int) ?? .null }
        return [
            "id": .int(user.id), "name": .string(user.name), "email": text(user.email), "phone": text(user.phone),
            "position": text(user.position), "timeZone": text(user.timeZone), "departmentId": int(user.departmentID),
            "managerId": int(user.managerID), "unixUser": int(user.unixUser), "active": .bool(user.active),
            "createdAt": .string(user.createdAt), "updatedAt": text(user.updatedAt ?? user.createdAt),
            "deactivatedAt": text(user.deactivatedAt),
        ]
    }
}

extension CRM {
    package var users: UserService { UserService(crm: self) }
}
