import JSONKit

/// What a permission is about: the record types and the areas of the CRM that roles grant
/// access to (Bitrix24's access rights).
package enum PermissionEntity: String, Sendable, CaseIterable {
    case lead, deal, contact, company, invoice, product, activity, settings, users, exchange
}

/// What the holder may do with it.
package enum PermissionAction: String, Sendable, CaseIterable {
    case read, add, update, delete, export, convert, changeStage, settings
}

/// Which records a permission reaches, as a role states it: `none`; `own` (the holder is
/// responsible); `department` (own, and those of the holder's department and its
/// sub-departments); `open` (own, and records marked open to all); `all`.
package enum PermissionScope: String, Sendable, CaseIterable {
    case none, own, department, open, all

    /// The kinds of records it reaches.
    var reach: Reach {
        switch self {
        case .none: []
        case .own: [.own]
        case .department: [.own, .department]
        case .open: [.own, .open]
        case .all: [.own, .department, .open, .all]
        }
    }
}

/// The kinds of records a permission reaches once several roles are combined: `department` and
/// `open` are not one wider than the other, so a holder of both reaches both.
package struct Reach: OptionSet, Sendable, Hashable {
    package let rawValue: UInt8
    package init(rawValue: UInt8) { self.rawValue = rawValue }

    package static let own = Reach(rawValue: 1)
    package static let department = Reach(rawValue: 2)
    package static let open = Reach(rawValue: 4)
    package static let all = Reach(rawValue: 8)
}

/// A role's permissions: a scope per entity and action, `none` where a role says nothing.
/// Combined over a user's roles (`union`), it is what the permission check of a call asks:
/// `reach(.lead, .read)`.
package struct Permissions: Sendable, Equatable {
    private var reaches: [String: Reach] = [:]
    private var scopes: [String: PermissionScope] = [:]
    /// Per-stage limits (Bitrix24's stage permissions): by entity, the scope of moving a record
    /// into a stage, where it differs from `changeStage` ("a manager may not move a deal into WON").
    private var stageReaches: [String: [String: Reach]] = [:]
    private var stageScopes: [String: [String: PermissionScope]] = [:]

    package init() {}

    /// Every action on every entity with `scope`.
    package init(everything scope: PermissionScope) {
        for entity in PermissionEntity.allCases {
            for action in PermissionAction.allCases { set(entity, action, scope) }
        }
    }

    /// Reads `{entity: {action: scope}}`; anything unknown is 1007 `{field: "permissions.<entity>.<action>", reason}`.
    package init(json: JSON) throws {
        guard let entities = json.objectValue else {
            throw CRMError.invalidValue(field: "permissions", reason: "type", message: "permissions are {entity: {action: scope}}")
        }
        for (entityName, actions) in entities {
            guard let entity = PermissionEntity(rawValue: entityName) else {
                throw CRMError.invalidValue(field: "permissions.\(entityName)", reason: "unknownEntity",
                                            message: "no permissions on \(entityName); entities: \(PermissionEntity.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let actions = actions.objectValue else {
                throw CRMError.invalidValue(field: "permissions.\(entityName)", reason: "type", message: "expected {action: scope}")
            }
            for (actionName, scopeValue) in actions {
                if actionName == "stages" {
                    try readStages(entity, scopeValue)
                    continue
                }
                guard let action = PermissionAction(rawValue: actionName) else {
                    throw CRMError.invalidValue(field: "permissions.\(entityName).\(actionName)", reason: "unknownAction",
                                                message: "no action \(actionName); actions: \(PermissionAction.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                guard let scope = scopeValue.stringValue.flatMap(PermissionScope.init(rawValue:)) else {
                    throw CRMError.invalidValue(field: "permissions.\(entityName).\(actionName)", reason: "unknownScope",
                                                message: "\(scopeValue.text) is not one of none, own, department, open, all")
                }
                set(entity, action, scope)
            }
        }
    }

    /// `{stageId: scope}` of an entity with stages.
    private mutating func readStages(_ entity: PermissionEntity, _ value: JSON) throws {
        guard entity == .lead || entity == .deal else {
            throw CRMError.invalidValue(field: "permissions.\(entity.rawValue).stages", reason: "noStages",
                                        message: "only leads and deals have stages to limit")
        }
        guard let stages = value.objectValue else {
            throw CRMError.invalidValue(field: "permissions.\(entity.rawValue).stages", reason: "type", message: "expected {stageId: scope}")
        }
        for (stage, scopeValue) in stages {
            guard let scope = scopeValue.stringValue.flatMap(PermissionScope.init(rawValue:)) else {
                throw CRMError.invalidValue(field: "permissions.\(entity.rawValue).stages.\(stage)", reason: "unknownScope",
                                            message: "\(scopeValue.text) is not one of none, own, department, open, all")
            }
            setStage(entity, stage, scope)
        }
    }

    /// Limits moving records of `entity` into `stage` to `scope`.
    package mutating func setStage(_ entity: PermissionEntity, _ stage: String, _ scope: PermissionScope) {
        stageScopes[entity.rawValue, default: [:]][stage] = scope
        stageReaches[entity.rawValue, default: [:]][stage] = scope.reach
    }

    /// The records that may be moved into `stage`: its limit where one is set, else `changeStage`'s.
    package func reach(_ entity: PermissionEntity, intoStage stage: String) -> Reach {
        stageReaches[entity.rawValue]?[stage] ?? reach(entity, .changeStage)
    }

    /// Whether some role limits moves into `stage`.
    package func limits(_ entity: PermissionEntity, stage: String) -> Bool { stageReaches[entity.rawValue]?[stage] != nil }

    package mutating func set(_ entity: PermissionEntity, _ action: PermissionAction, _ scope: PermissionScope) {
        let key = entity.rawValue + "." + action.rawValue
        scopes[key] = scope == .none ? nil : scope
        reaches[key] = scope == .none ? nil : scope.reach
    }

    /// The records `action` on `entity` reaches; empty when it is not allowed at all.
    package func reach(_ entity: PermissionEntity, _ action: PermissionAction) -> Reach {
        reaches[entity.rawValue + "." + action.rawValue] ?? []
    }

    /// What either grants.
    package func union(_ other: Permissions) -> Permissions {
        var result = self
        for (key, reach) in other.reaches { result.reaches[key, default: []].formUnion(reach) }
        result.scopes = [:]
        // A stage is reached by what either holder reaches it with: its limit, or else its changeStage.
        result.stageScopes = [:]
        for entity in Set(stageReaches.keys).union(other.stageReaches.keys) {
            guard let type = PermissionEntity(rawValue: entity) else { continue }
            var stages: [String: Reach] = [:]
            for stage in Set((stageReaches[entity] ?? [:]).keys).union((other.stageReaches[entity] ?? [:]).keys) {
                stages[stage] = reach(type, intoStage: stage).union(other.reach(type, intoStage: stage))
            }
            result.stageReaches[entity] = stages
        }
        return result
    }

    /// `{entity: {action: scope}}` of a role as stated, every entity and action present.
    package var json: JSON {
        var entities: [String: JSON] = [:]
        for entity in PermissionEntity.allCases {
            var actions: [String: JSON] = [:]
            for action in PermissionAction.allCases {
                actions[action.rawValue] = .string((scopes[entity.rawValue + "." + action.rawValue] ?? .none).rawValue)
            }
            if let stages = stageScopes[entity.rawValue], !stages.isEmpty {
                actions["stages"] = .object(stages.mapValues { .string($0.rawValue) })
            }
            entities[entity.rawValue] = .object(actions)
        }
        return .object(entities)
    }
}
