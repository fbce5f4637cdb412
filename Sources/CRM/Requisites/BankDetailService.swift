import JSONKit
import Storage

/// Bank accounts under a requisite: БИК, the bank's correspondent account and the settlement
/// account, each checked against the БИК (Bank of Russia key).
package struct BankDetailService: Sendable {
    let crm: CRM

    static let fieldNames: Set<String> = ["name", "bik", "bankName", "bankCity", "corrAccount", "account"]

    package func add(requisiteID: Int64, fields: [String: JSON], by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let requisite = try RequisiteService.requisite(db, requisiteID)
            try Self.requireOwner(caller.access, requisite, db)
            let values = try Self.validated(fields, current: [:])
            let now = crm.nowText
            let detail = try Self.detail(db, try BankDetailStore.insert(db, requisiteID: requisiteID, values, at: now))
            try record(db, detail, .created, requisite: requisite, by: caller)
            return detail
        }
    }

    package func update(id: Int64, fields: [String: JSON], by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let current = try Self.detail(db, id)
            try Self.requireOwner(caller.access, try RequisiteService.requisite(db, current["requisiteId"]?.int64Value ?? 0), db)
            var existing: [String: String] = [:]
            for name in Self.fieldNames { if let text = current[name]?.stringValue { existing[name] = text } }
            let values = try Self.validated(fields, current: existing)
            try BankDetailStore.update(db, id: id, values, at: crm.nowText)
            let detail = try Self.detail(db, id)
            let changes = Self.fieldNames.sorted().filter { current[$0] != detail[$0] }
                .map { FieldChange(field: $0, old: current[$0] ?? .null, new: detail[$0] ?? .null) }
            try record(db, detail, .updated, requisite: try RequisiteService.requisite(db, detail["requisiteId"]?.int64Value ?? 0),
                       by: caller, fields: changes)
            return detail
        }
    }

    package func delete(_ id: Int64, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let current = try Self.detail(db, id)
            try Self.requireOwner(caller.access, try RequisiteService.requisite(db, current["requisiteId"]?.int64Value ?? 0), db)
            try BankDetailStore.delete(db, id: id)
            try record(db, current, .deleted, requisite: try RequisiteService.requisite(db, current["requisiteId"]?.int64Value ?? 0),
                       by: caller)
            return ["id": .int(id), "deleted": true]
        }
    }

    package func list(requisiteID: Int64, access: Access? = nil) throws -> JSON {
        try crm.pool.read { db in
            let requisite = try RequisiteService.requisite(db, requisiteID)
            if let owner = RequisiteService.owner(requisite) { try AccessService.require(access, .read, owner, db) }
            return ["items": .array(try BankDetailStore.ids(db, requisiteID: requisiteID).map { try Self.detail(db, $0) })]
        }
    }

    /// Bank details are changed by whoever may update the record their requisite belongs to.
    private static func requireOwner(_ access: Access?, _ requisite: JSON, _ db: Database) throws {
        if let owner = RequisiteService.owner(requisite) { try AccessService.require(access, .update, owner, db) }
    }

    /// Tells the funnel about a bank detail; it shows on the timeline of its requisite's owner.
    private func record(_ db: Database, _ detail: JSON, _ operation: ChangeOperation, requisite: JSON, by caller: Caller,
                        fields: [FieldChange] = []) throws {
        try crm.apply(Change(.bankDetail, id: detail["id"] ?? .null, operation, by: caller, at: crm.nowText, fields: fields,
                             owner: RequisiteService.owner(requisite), data: ["requisiteId": requisite["id"] ?? .null]), in: db)
    }

    private static func validated(_ fields: [String: JSON], current: [String: String]) throws -> [String: String] {
        var values = current
        for (name, value) in fields {
            guard fieldNames.contains(name) else { throw CRMError.invalidParam("/fields/\(name)", "unknown bank detail field '\(name)'") }
            switch value {
            case .null: values[name] = nil
            case .string(let text): values[name] = text.isEmpty ? nil : text
            default: throw CRMError.invalidValue(field: name, reason: "type", message: "\(name) must be a string")
            }
        }
        guard let bik = values["bik"] else { throw CRMError.invalidValue(field: "bik", reason: "required", message: "БИК is required") }
        guard let account = values["account"] else {
            throw CRMError.invalidValue(field: "account", reason: "required", message: "the account number is required")
        }
        try RequisiteRules.validateBank(bik: bik, account: account, corrAccount: values["corrAccount"])
        return values
    }

    /// The API form of a bank detail, or 1002.
    static func detail(_ db: Database, _ id: Int64) throws -> JSON {
        guard let detail = try BankDetailStore.detail(db, id) else { throw CRMError.notFound("bankDetail", id) }
        return detail
    }
}

extension CRM {
    package var bankDetails: BankDetailService { BankDetailService(crm: self) }
}
