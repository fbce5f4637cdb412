import JSONKit
import Storage

/// What one caller may do and which records it reaches: the permissions of their roles
/// (narrowed by a token's scopes), and the facts a scope is judged by — the user, and the users
/// of their department and its sub-departments. Made with the session's `Identity` and carried
/// by every `Caller` of a call, so reads filter by it and the change funnel's `AccessListener`
/// checks every write against it. A caller without one (robots, deliveries, tools) is not limited.
package struct Access: Sendable, Equatable {
    package let userID: Int64
    private let permissions: Permissions
    /// The users whose records a `department` scope reaches: the caller, and every user of
    /// their department and of the departments below it, sorted.
    package let departmentUserIDs: [Int64]
    /// The token's scopes (`lead:read`, `lead:*`, `*:read`, `lead`, `*`); nil when not narrowed.
    private let scopes: Set<String>?

    package init(userID: Int64, permissions: Permissions, departmentUserIDs: [Int64], scopes: [String]?) {
        self.userID = userID
        self.permissions = permissions
        self.departmentUserIDs = departmentUserIDs
        self.scopes = scopes.map(Set.init)
    }

    /// The records `action` on `entity` reaches for this caller; empty when it is not allowed.
    package func reach(_ entity: PermissionEntity, _ action: PermissionAction) -> Reach {
        let reach = permissions.reach(entity, action)
        guard let scopes, !reach.isEmpty else { return reach }
        let e = entity.rawValue, a = action.rawValue
        let named = scopes.contains("*") || scopes.contains(e) || scopes.contains("\(e):\(a)") || scopes.contains("\(e):*")
            || scopes.contains("*:\(a)")
        return named ? reach : []
    }

    /// Whether moving a record into `stage` is within its limit, where a role sets one
    /// (`Permissions.setStage`); nil when no role limits that stage.
    package func allows(_ entity: PermissionEntity, intoStage stage: String, owner: RecordOwner?) -> Bool? {
        guard permissions.limits(entity, stage: stage) else { return nil }
        if reach(entity, .changeStage).isEmpty { return false }
        return Self.reaches(permissions.reach(entity, intoStage: stage), owner: owner, userID: userID, departmentUserIDs: departmentUserIDs)
    }

    /// Whether `action` on `entity` is allowed on some records at least.
    package func allows(_ entity: PermissionEntity, _ action: PermissionAction) -> Bool { !reach(entity, action).isEmpty }

    /// Whether `action` reaches a record with this responsible and open mark. A type without
    /// owners (products, settings) is reached by any scope.
    package func allows(_ entity: PermissionEntity, _ action: PermissionAction, owner: RecordOwner?) -> Bool {
        Self.reaches(reach(entity, action), owner: owner, userID: userID, departmentUserIDs: departmentUserIDs)
    }

    private static func reaches(_ reach: Reach, owner: RecordOwner?, userID: Int64, departmentUserIDs: [Int64]) -> Bool {
        if reach.contains(.all) { return true }
        guard let owner else { return !reach.isEmpty }
        if let assigned = owner.assignedTo {
            if reach.contains(.own), assigned == userID { return true }
            if reach.contains(.department), Self.contains(departmentUserIDs, assigned) { return true }
        }
        return reach.contains(.open) && owner.opened
    }

    /// Throws 1006 `{permission, entityType}` unless `action` on `entity` is allowed on some records.
    package func require(_ entity: PermissionEntity, _ action: PermissionAction) throws {
        if !allows(entity, action) { throw Self.denied(entity, action, id: nil) }
    }

    /// What an update of these fields is refused as when the caller may neither update nor move
    /// the record: a move of the stage alone is `changeStage`, anything else `update`.
    package static func refusedUpdate(_ fieldNames: some Collection<String>) -> PermissionAction {
        !fieldNames.isEmpty && fieldNames.allSatisfy { $0 == "stageId" || $0 == "pipelineId" } ? .changeStage : .update
    }

    /// Configuring `entity` (its pipelines, stages, fields, robots): its `settings` action, or
    /// `settings.update` for everything. Refused as `<entity>.settings`.
    package func requireSettings(of entity: PermissionEntity) throws {
        if allows(.settings, .update) { return }
        try require(entity, .settings)
    }

    /// Throws 1006 `{permission, entityType, id}` unless `action` reaches the record.
    package func require(_ entity: PermissionEntity, _ action: PermissionAction, id: Int64, owner: RecordOwner?) throws {
        if !allows(entity, action, owner: owner) { throw Self.denied(entity, action, id: id) }
    }

    /// The condition a list of `table` (alias `t`) adds so that only records `action` reaches
    /// are read; nil when it reaches all of them.
    func condition(_ entity: PermissionEntity, _ action: PermissionAction, table: String) -> ScopeCondition? {
        let reach = reach(entity, action)
        if reach.contains(.all) { return nil }
        var owners: (column: String, arguments: [SQLValue])?
        if reach.contains(.department) {
            owners = ("assigned_to IN (\(Array(repeating: "?", count: departmentUserIDs.count).joined(separator: ", ")))",
                      departmentUserIDs.map(SQLValue.integer))
        } else if reach.contains(.own) {
            owners = ("assigned_to = ?", [.integer(userID)])
        }
        var selects: [String] = [], rowTerms: [String] = []
        if let owners {
            selects.append("SELECT id FROM \(table) WHERE \(owners.column)")
            rowTerms.append("t." + owners.column)
        }
        if reach.contains(.open) {
            selects.append("SELECT id FROM \(table) WHERE opened = 1")
            rowTerms.append("t.opened = 1")
        }
        if selects.isEmpty {
            return ScopeCondition(whole: "0", row: "0", arguments: [], ids: nil, table: table, owners: nil, open: false, oneOwner: false)
        }
        let row = rowTerms.count == 1 ? rowTerms[0] : "(" + rowTerms.joined(separator: " OR ") + ")"
        let ids = selects.joined(separator: " UNION ALL ")
        return ScopeCondition(whole: "t.id IN (\(ids))", row: row, arguments: owners?.arguments ?? [], ids: ids, table: table,
                              owners: owners.map { "t." + $0.column }, open: reach.contains(.open),
                              oneOwner: !reach.contains(.department) && reach.contains(.own))
    }

    package static func denied(_ entity: PermissionEntity, _ action: PermissionAction, id: Int64?) -> CRMError {
        .denied(permission: "\(entity.rawValue).\(action.rawValue)", entityType: entity.rawValue, id: id)
    }

    private static func contains(_ sorted: [Int64], _ value: Int64) -> Bool {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < sorted.count && sorted[low] == value
    }
}

/// An access scope as a list's condition, in two forms with the same arguments:
///
/// - `whole`: `t.id IN (…)`, the ids of the reached records collected from the responsible and
///   open indexes, so a user who reaches a thousand of a million records has them found by
///   index (and in id order) rather than by checking rows until a page is full.
/// - `row`: the same as a check of one row, for the scan of the first rows in list order that
///   finds a dense scope's page sooner (`RecordListStore.firstRows`).
struct ScopeCondition {
    let whole: String
    let row: String
    let arguments: [SQLValue]
    /// The query of the reached ids (`SELECT id …`), nil when none are reached.
    let ids: String?
    let table: String
    /// The responsible's condition (`t.assigned_to = ?`, or `IN (…)` for a department), with
    /// `arguments`; nil when the scope reaches by the open mark only.
    let owners: String?
    /// Whether open records are reached too.
    let open: Bool
    /// Whether the responsible's condition names one user (`assigned_to = ?`): the responsible
    /// index then holds that user's ids in order, however many there are.
    let oneOwner: Bool

    /// The form a scope takes when only the responsible's arm has records (no open reach, or
    /// `anyOpen` false: no record open to all): the responsible's condition on the table's
    /// responsible index (`<table>_by_assigned`, which holds the ids in order).
    func ownersOnly(anyOpen: Bool) -> (condition: String, index: String)? {
        guard let owners, !(open && anyOpen) else { return nil }
        return (owners, "\(table)_by_assigned")
    }
}

/// Whom a record belongs to, as access judges it: its responsible and whether it is open to all.
package struct RecordOwner: Sendable, Equatable {
    package let assignedTo: Int64?
    package let opened: Bool

    package init(assignedTo: Int64?, opened: Bool) {
        self.assignedTo = assignedTo
        self.opened = opened
    }

    init(_ state: RecordState) {
        assignedTo = state.columns["assignedTo"]?.int64
        opened = state.columns["opened"]?.int64 == 1
    }
}

extension PermissionEntity {
    /// The permission entity of a record type.
    package init(_ type: EntityType) { self.init(rawValue: type.rawValue)! }
}

extension EntityType {
    /// Whether records of this type have a responsible and an open mark that scopes judge.
    var hasOwner: Bool { self != .product }
}
