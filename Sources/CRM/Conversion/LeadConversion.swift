import JSONKit
import Storage

/// Converts a lead into a deal with its contact and, for a company or sole proprietor, its
/// company (S9–S13). One transaction: either everything is created and the lead is closed as
/// converted, or nothing changes. Until the caller decides, it refuses with the fields the
/// targets lack (1004) or the duplicates it found (1003).
package struct LeadConversion: Sendable {
    let crm: CRM

    package func convert(_ request: ConversionRequest, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            let leads = crm.records(.lead)
            let lead = try leads.load(db, request.leadID)
            try leads.check(caller.access, .convert, id: request.leadID, lead)
            if !lead.isEmpty("convertedAt") {
                throw CRMError.conflict(reason: "converted", details: ["entityType": "lead", "id": .int(request.leadID)])
            }
            let withCompany = Self.needsCompany(request.scheme, lead)
            let targets: [EntityType] = withCompany ? [.deal, .contact, .company] : [.deal, .contact]
            let createdFields = try prepareCustomFields(db, lead: lead, targets: targets, create: request.createMissingFields, by: caller)
            try checkDuplicates(db, lead: lead, request: request, withCompany: withCompany, access: caller.access)

            let now = crm.nowText
            let text = { (name: String) -> JSON in lead.value(name, .lead) }
            var companyID: Int64?
            if withCompany {
                let fields: [String: JSON] = [
                    "title": text("companyTitle") != .null ? text("companyTitle") : text("title"),
                    "assignedTo": text("assignedTo"), "custom": .object(lead.custom),
                ]
                companyID = try place(db, .company, request.company ?? .create, fields: fields, by: caller)
                try attachRequisites(db, lead: lead, owner: .company, ownerID: companyID!, by: caller, at: now)
            }
            var contactFields: [String: JSON] = [
                "name": text("name"), "secondName": text("secondName"), "lastName": text("lastName"), "phones": text("phones"),
                "emails": text("emails"), "assignedTo": text("assignedTo"), "source": text("source"), "custom": .object(lead.custom),
            ]
            if let companyID { contactFields["companyId"] = .int(companyID) }
            let contactID = try place(db, .contact, request.contact ?? .create, fields: contactFields, by: caller)
            if !withCompany { try attachRequisites(db, lead: lead, owner: .contact, ownerID: contactID, by: caller, at: now) }

            var dealFields: [String: JSON] = [
                "title": text("title") != .null ? text("title") : .string("Сделка по лиду №\(request.leadID)"),
                "comments": text("comments"), "assignedTo": text("assignedTo"), "contactId": .int(contactID),
                "custom": .object(lead.custom),
            ]
            if let companyID { dealFields["companyId"] = .int(companyID) }
            if let pipelineID = request.dealPipelineID { dealFields["pipelineId"] = .int(pipelineID) }
            for (name, value) in request.dealFields {
                if name == "custom", case .object(let extra) = value, case .object(var merged)? = dealFields["custom"] {
                    for (code, customValue) in extra { merged[code] = customValue }
                    dealFields["custom"] = .object(merged)
                } else {
                    dealFields[name] = value
                }
            }
            let deal = try crm.records(.deal).create(db, fields: dealFields.filter { $0.value != .null }, by: caller)
            let dealID = deal["id"]?.int64Value ?? 0

            let links: [(EntityType, Int64?, Bool)] = [
                (.deal, dealID, true), (.contact, contactID, (request.contact ?? .create) == .create),
                (.company, companyID, (request.company ?? .create) == .create),
            ]
            for (type, id, created) in links {
                guard let id else { continue }
                let service = crm.records(type)
                let old = try service.load(db, id)
                let facts: [String: JSON] = ["leadId": .int(request.leadID)]
                guard old.isEmpty("leadId") else {
                    try crm.apply(Change(ChangeEntity(type), id: .int(id), .converted, by: caller, at: now, data: facts), in: db)
                    continue
                }
                var linked = old
                linked.columns["leadId"] = .integer(request.leadID)
                if created {
                    // Made by this conversion: the link completes the new record (same version).
                    try service.store.update(db, id: id, linked, fields: ["leadId"])
                    var change = Change(ChangeEntity(type), id: .int(id), .converted, by: caller, at: now,
                                        fields: [FieldChange(field: "leadId", old: .null, new: .int(request.leadID))], data: facts)
                    change.before = old
                    change.after = linked
                    try crm.apply(change, in: db)
                } else {
                    // A record taken over from before the conversion records the link as a change of its own.
                    try service.write(db, id: id, from: old, to: linked, by: caller, operation: .converted, data: facts)
                }
            }
            let result: [String: JSON] = [
                "dealId": .int(dealID), "contactId": .int(contactID), "companyId": companyID.map(JSON.int) ?? .null,
                "createdFields": .array(createdFields),
            ]
            try closeLead(db, id: request.leadID, by: caller, at: now, result: result)
            return .object(result)
        }
    }

    /// `auto` picks deal + contact + company for a company or sole proprietor (by client type,
    /// company title or INN), deal + contact for a private person.
    static func needsCompany(_ scheme: ConversionRequest.Scheme, _ lead: RecordState) -> Bool {
        switch scheme {
        case .dealContactCompany: return true
        case .dealContact: return false
        case .auto:
            let type = lead.columns["clientType"]?.string
            if type == "company" || type == "ip" { return true }
            if type == "person" { return false }
            let inn = JSONText.parse(lead.columns["requisites"]?.string)?["inn"]?.stringValue
            return !lead.isEmpty("companyTitle") || inn != nil
        }
    }

    /// S10: lead custom fields with values that a target lacks. Refused (1004) unless the caller
    /// agreed to create them; then they are created with the same type, title and options.
    private func prepareCustomFields(_ db: Database, lead: RecordState, targets: [EntityType], create: Bool, by caller: Caller) throws -> [JSON] {
        let leadFields = try CustomFieldService.definitions(db, .lead).filter { lead.custom[$0.customCode ?? ""] != nil }
        var missing: [(FieldDefinition, [EntityType])] = []
        for field in leadFields {
            var lacking: [EntityType] = []
            for target in targets where try !CustomFieldService.definitions(db, target).contains(where: { $0.name == field.name }) {
                lacking.append(target)
            }
            if !lacking.isEmpty { missing.append((field, lacking)) }
        }
        if missing.isEmpty { return [] }
        if create, let access = caller.access, !access.allows(.settings, .update) {
            // Creating fields changes the CRM's configuration of each target type.
            for (_, lacking) in missing {
                for target in lacking { try access.require(PermissionEntity(target), .settings) }
            }
        }
        guard create else {
            throw CRMError.fieldsMissingInTarget(fields: missing.map { field, lacking in
                ["field": .string(field.name), "title": .string(field.title), "type": .string(field.kind.rawValue),
                 "missingIn": .array(lacking.map { .string($0.rawValue) })]
            })
        }
        var created: [JSON] = []
        for (field, lacking) in missing {
            for target in lacking {
                try CustomFieldService.insert(db, crm: crm, entityType: target, code: field.customCode ?? "", title: field.title, kind: field.kind,
                                              multiple: field.isMultiple, options: field.options, required: false, by: caller)
                created.append(["field": .string(field.name), "entityType": .string(target.rawValue)])
            }
        }
        return created
    }

    /// S11–S12: refuses with the matches when a contact or company like the lead's exists and
    /// the caller has not said what to do about it.
    private func checkDuplicates(_ db: Database, lead: RecordState, request: ConversionRequest, withCompany: Bool, access: Access?) throws {
        var found: [String: JSON] = [:]
        if request.contact == nil {
            var keys = DuplicateService.Keys()
            keys.phones = Self.values(lead, "phones")
            keys.emails = Self.values(lead, "emails")
            keys.title = [lead.columns["lastName"]?.string, lead.columns["name"]?.string, lead.columns["secondName"]?.string]
                .compactMap { $0 }.joined(separator: " ")
            let matches = try DuplicateService.matches(db, .contact, keys, access: access, hidden: .masked)
            if !matches.isEmpty { found["contact"] = .array(matches) }
        }
        if withCompany, request.company == nil {
            var keys = DuplicateService.Keys()
            keys.inn = JSONText.parse(lead.columns["requisites"]?.string)?["inn"]?.stringValue
            keys.title = lead.columns["companyTitle"]?.string
            let matches = try DuplicateService.matches(db, .company, keys, access: access, hidden: .masked)
            if !matches.isEmpty { found["company"] = .array(matches) }
        }
        if !found.isEmpty {
            if found["contact"] == nil { found["contact"] = .array([]) }
            if found["company"] == nil { found["company"] = .array([]) }
            throw CRMError.duplicatesFound(matches: found)
        }
    }

    /// Creates the record, or links (and for `merge` fills) the chosen existing one; returns its id.
    private func place(_ db: Database, _ type: EntityType, _ decision: ConversionRequest.Decision, fields: [String: JSON],
                       by caller: Caller) throws -> Int64 {
        let service = crm.records(type)
        let known = try CustomFieldService.definitions(db, type).compactMap(\.customCode)
        var fields = fields.filter { $0.value != .null }
        if case .object(let custom)? = fields["custom"] { fields["custom"] = .object(custom.filter { known.contains($0.key) }) }
        switch decision {
        case .create:
            return try service.create(db, fields: fields, by: caller)["id"]?.int64Value ?? 0
        case .use(let id):
            _ = try service.load(db, id)
            return id
        case .merge(let id):
            var target = try service.load(db, id)
            var incoming = RecordState()
            _ = try service.apply(fields, to: &incoming, db: db)
            let before = target
            MergeService.fill(&target, from: incoming, type.descriptor)
            if target.columns != before.columns || target.custom != before.custom {
                try service.write(db, id: id, from: before, to: target, by: caller, operation: .merged, data: ["fromLead": true])
            }
            return id
        }
    }

    /// The lead's requisites (S8) become a requisite of the new owner, unless it already has one with that INN.
    private func attachRequisites(_ db: Database, lead: RecordState, owner: EntityType, ownerID: Int64, by caller: Caller, at now: String) throws {
        guard case .object(let fields)? = JSONText.parse(lead.columns["requisites"]?.string), !fields.isEmpty else { return }
        let inn = fields["inn"]?.stringValue
        if let inn, try RequisiteStore.hasINN(db, of: RecordRef(owner, ownerID), inn) { return }
        let clientType = lead.columns["clientType"]?.string
        let looksLegal = inn?.count == 10 || fields["kpp"] != nil || fields["ogrn"] != nil
        let looksIP = clientType == "ip" || fields["ogrnip"] != nil
        let preset = looksIP ? "ip" : looksLegal ? "legal" : owner == .contact ? "person" : (inn?.count == 12 ? "ip" : "legal")
        let clean = try RequisiteRules.validate(fields, preset: preset, prefix: "requisites.")
        let id = try RequisiteStore.insert(db, owner: RecordRef(owner, ownerID), preset: preset, name: nil, fields: clean, inn: inn,
                                           source: "lead", at: now, by: caller.userID)
        try crm.apply(Change(.requisite, id: .int(id), .created, by: caller, at: now, owner: RecordRef(owner, ownerID),
                             data: ["preset": .string(preset), "inn": inn.map(JSON.string) ?? .null, "source": "lead"]), in: db)
    }

    /// Moves the lead to its pipeline's success stage and marks it converted (read-only from now on).
    private func closeLead(_ db: Database, id: Int64, by caller: Caller, at now: String, result: [String: JSON]) throws {
        let leads = crm.records(.lead)
        let lead = try leads.load(db, id)
        if let stageID = lead.columns["stageId"]?.string, let pipeline = try PipelineStore.containing(db, .lead, stageId: stageID),
           let success = pipeline.stages.first(where: { $0.semantic == .success }), success.id != stageID {
            // The move to success is what converting means: allowed with the conversion itself.
            _ = try leads.change(db, id: id, fields: ["stageId": .string(success.id)], by: caller.unlimited, converting: true)
        }
        let old = try leads.load(db, id)
        var converted = old
        converted.columns["convertedAt"] = .text(now)
        try leads.write(db, id: id, from: old, to: converted, by: caller, operation: .converted, data: result)
    }
    private static func values(_ state: RecordState, _ field: String) -> [String] {
        JSONText.parse(state.columns[field]?.string)?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? []
    }
}

extension CRM {
    package var conversion: LeadConversion { LeadConversion(crm: self) }
}
