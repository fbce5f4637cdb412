import JSONKit
import Registry
import RussianFormats
import Storage

/// Requisites (legal details) of companies and contacts, and their bank details (S14–S16).
/// A company may have several requisites; each keeps its preset, fields and source. Every
/// INN is indexed for duplicate search in the same transaction.
package struct RequisiteService: Sendable {
    let crm: CRM

    package static let owners: [EntityType] = [.company, .contact]

    package struct AddInput: Sendable {
        package var entityType: EntityType
        package var entityID: Int64
        package var preset: String
        package var name: String?
        package var fields: [String: JSON]
        package var lookup: Bool
        package var renameEntity: Bool?
        package init(entityType: EntityType, entityID: Int64, preset: String, name: String?, fields: [String: JSON], lookup: Bool, renameEntity: Bool?) {
            self.entityType = entityType
            self.entityID = entityID
            self.preset = preset
            self.name = name
            self.fields = fields
            self.lookup = lookup
            self.renameEntity = renameEntity
        }
    }

    /// `requisite.lookup`: what the registry knows about an INN.
    package func lookup(inn: String) throws -> JSON {
        if let problem = RussianIdentifiers.checkINN(inn) {
            throw CRMError.invalidValue(field: "inn", reason: problem.rawValue, message: "ИНН '\(inn)' fails the \(problem.rawValue) check")
        }
        guard let entry = try registryEntry(inn) else {
            return ["found": false, "source": .string(crm.registry.sourceName), "preset": .null, "fields": .object([:])]
        }
        return ["found": true, "source": .string(crm.registry.sourceName), "preset": .string(entry.preset.rawValue),
                "fields": .object(entry.fields.mapValues(JSON.string))]
    }

    /// Asks the active registry; its failures become 1008 with a machine-readable reason.
    func registryEntry(_ inn: String) throws -> RegistryEntry? {
        do {
            return try crm.registry.active().lookup(inn: inn)
        } catch let error as RegistryError {
            throw CRMError.registryUnavailable(reason: error.reason, detail: "\(error)")
        }
    }

    package func add(_ input: AddInput, by caller: Caller) throws -> JSON {
        guard RequisiteRules.presets.contains(input.preset) else {
            throw CRMError.invalidValue(field: "preset", reason: "option", message: "preset must be legal, ip or person")
        }
        var preset = input.preset
        let fields = input.fields
        var source = "manual"
        var fromRegistry: [String: JSON] = [:]
        if input.lookup {
            guard let inn = fields["inn"]?.stringValue else {
                throw CRMError.invalidValue(field: "inn", reason: "required", message: "a lookup needs the INN")
            }
            if let problem = RussianIdentifiers.checkINN(inn) {
                throw CRMError.invalidValue(field: "inn", reason: problem.rawValue, message: "ИНН '\(inn)' fails the \(problem.rawValue) check")
            }
            guard let entry = try registryEntry(inn) else { throw CRMError.notFound(entityType: "registryEntry", id: .string(inn)) }
            preset = entry.preset.rawValue
            // The registry's own data is taken as it stands; only what the caller typed is checked.
            for (name, value) in entry.fields where RequisiteRules.fieldNames.contains(name) && fields[name] == nil && !value.isEmpty {
                fromRegistry[name] = .string(value)
            }
            source = "registry:" + crm.registry.sourceName
        }
        let clean = try RequisiteRules.validate(fields, preset: preset).merging(fromRegistry) { typed, _ in typed }
        let rename = input.renameEntity ?? input.lookup
        return try crm.pool.write { db in
            try insert(db, input, preset: preset, fields: clean, source: source, rename: rename, by: caller)
        }
    }

    /// Adds requisites typed in by hand (no registry lookup) in one transaction: imports, seeding.
    package func addMany(_ inputs: [AddInput], by caller: Caller) throws {
        let checked = try inputs.map { input in (input, try RequisiteRules.validate(input.fields, preset: input.preset)) }
        try crm.pool.write { db in
            for (input, clean) in checked {
                _ = try insert(db, input, preset: input.preset, fields: clean, source: "manual", rename: false, by: caller)
            }
        }
    }

    private func insert(_ db: Database, _ input: AddInput, preset: String, fields clean: [String: JSON], source: String, rename: Bool,
                        by caller: Caller) throws -> JSON {
        guard Self.owners.contains(input.entityType) else {
            throw CRMError.invalidValue(field: "entityType", reason: "option", message: "requisites belong to companies and contacts")
        }
        try RecordService.requireExists(db, input.entityType.descriptor, input.entityID)
        let now = crm.nowText
        let id = try RequisiteStore.insert(db, owner: RecordRef(input.entityType, input.entityID), preset: preset, name: input.name,
                                           fields: clean, inn: clean["inn"]?.stringValue, source: source, at: now, by: caller.userID)
        try crm.apply(Change(.requisite, id: .int(id), .created, by: caller, at: now, owner: RecordRef(input.entityType, input.entityID),
                             data: ["preset": .string(preset), "inn": clean["inn"] ?? .null, "source": .string(source)]), in: db)
        if rename, input.entityType == .company, let shortName = clean["shortName"]?.stringValue ?? clean["fullName"]?.stringValue {
            try renameCompany(db, id: input.entityID, to: shortName, by: caller)
        }
        return try Self.requisite(db, id)
    }

    package func update(id: Int64, fields: [String: JSON], name: String?, expectedVersion: Int64?, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let current = try Self.requisite(db, id)
            if let owner = Self.owner(current) { try AccessService.require(caller.access, .update, owner, db) }
            let version = current["version"]?.int64Value ?? 0
            if let expectedVersion, expectedVersion != version {
                throw CRMError.conflict(reason: "version", details: ["currentVersion": .int(version), "expectedVersion": .int(expectedVersion)])
            }
            var merged = current["fields"]?.objectValue ?? [:]
            for (key, value) in fields { merged[key] = value }
            let preset = current["preset"]?.stringValue
            let clean = try RequisiteRules.validate(merged, preset: preset)
            try RequisiteStore.update(db, id: id, fields: clean, inn: clean["inn"]?.stringValue, name: name, at: crm.nowText, by: caller.userID)
            let updated = try Self.requisite(db, id)
            let oldFields = current["fields"]?.objectValue ?? [:]
            var changes = Set(oldFields.keys).union(clean.keys).sorted().filter { oldFields[$0] != clean[$0] }
                .map { FieldChange(field: "fields." + $0, old: oldFields[$0] ?? .null, new: clean[$0] ?? .null) }
            if current["name"] != updated["name"] {
                changes.insert(FieldChange(field: "name", old: current["name"] ?? .null, new: updated["name"] ?? .null), at: 0)
            }
            try crm.apply(Change(.requisite, id: .int(id), .updated, by: caller, at: crm.nowText, fields: changes,
                                 owner: Self.owner(current)), in: db)
            return updated
        }
    }

    /// The requisite, if `access` (when given) reaches its owner for reading.
    package func get(_ id: Int64, access: Access? = nil) throws -> JSON {
        try crm.pool.read { db in
            let requisite = try Self.requisite(db, id)
            if let owner = Self.owner(requisite) { try AccessService.require(access, .read, owner, db) }
            return requisite
        }
    }

    package func delete(_ id: Int64, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let current = try Self.requisite(db, id)
            if let owner = Self.owner(current) { try AccessService.require(caller.access, .update, owner, db) }
            try remove(db, current, by: caller)
            return ["id": .int(id), "deleted": true]
        }
    }

    /// Deletes a requisite (its bank details go with it) inside a caller's transaction.
    private func remove(_ db: Database, _ current: JSON, by caller: Caller) throws {
        guard let id = current["id"]?.int64Value else { return }
        try RequisiteStore.delete(db, id: id)
        try crm.apply(Change(.requisite, id: .int(id), .deleted, by: caller, at: crm.nowText, owner: Self.owner(current)), in: db)
    }

    /// Deletes every requisite of a record that is being deleted.
    func deleteAll(_ db: Database, owner: RecordRef, by caller: Caller) throws {
        for id in try RequisiteStore.ids(db, of: owner) { try remove(db, try Self.requisite(db, id), by: caller) }
    }

    /// Gives every requisite of `source` to `target` (a merge).
    func move(_ db: Database, from source: RecordRef, to target: RecordRef, by caller: Caller) throws {
        for id in try RequisiteStore.ids(db, of: source) {
            try RequisiteStore.moveOwner(db, id: id, toEntityID: target.id, at: crm.nowText, by: caller.userID)
            try crm.apply(Change(.requisite, id: .int(id), .updated, by: caller, at: crm.nowText,
                                 fields: [FieldChange(field: "entityId", old: .int(source.id), new: .int(target.id))], owner: target,
                                 data: ["reason": "merged"]), in: db)
        }
    }

    /// The record a requisite (as `requisite` returns it) belongs to.
    static func owner(_ requisite: JSON) -> RecordRef? {
        guard let type = requisite["entityType"]?.stringValue.flatMap(EntityType.init(rawValue:)),
              let id = requisite["entityId"]?.int64Value else { return nil }
        return RecordRef(type, id)
    }

    package func list(entityType: EntityType, entityID: Int64, access: Access? = nil) throws -> JSON {
        try crm.pool.read { db in
            try AccessService.require(access, .read, RecordRef(entityType, entityID), db)
            let ids = try RequisiteStore.ids(db, of: RecordRef(entityType, entityID))
            return ["items": .array(try ids.map { try Self.requisite(db, $0) })]
        }
    }

    /// Gives a company its registered name (S16), as a change of the company's.
    private func renameCompany(_ db: Database, id: Int64, to title: String, by caller: Caller) throws {
        let companies = crm.records(.company)
        let old = try companies.load(db, id)
        var renamed = old
        renamed.columns["title"] = .text(title)
        try companies.write(db, id: id, from: old, to: renamed, by: caller, data: ["reason": "registryName"])
    }

    /// The API form of a requisite with its bank details, or 1002.
    static func requisite(_ db: Database, _ id: Int64) throws -> JSON {
        guard let requisite = try RequisiteStore.requisite(db, id) else { throw CRMError.notFound("requisite", id) }
        return requisite
    }
}

extension RegistryError {
    /// A short machine-readable name for `data.reason`.
    var reason: String {
        switch self {
        case .unreachable: "unreachable"
        case .timeout: "timeout"
        case .unauthorized: "unauthorized"
        case .httpStatus: "httpStatus"
        case .badResponse: "badResponse"
        case .badFile: "badFile"
        case .unsupportedFormat: "unsupportedFormat"
        case .notAFile: "badFile"  // registry.import answers it as 1007 notAFile instead
        }
    }
}

extension CRM {
    package var requisites: RequisiteService { RequisiteService(crm: self) }
}
