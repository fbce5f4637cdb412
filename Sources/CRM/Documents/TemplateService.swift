import JSONKit
import Storage
import Templates

/// Document templates (S18): the built-in invoice, contract, commercial offer and act, and
/// templates users add (`template.add/update/list`). A template is checked when it is saved:
/// one that does not compile is refused with its line and column.
package struct TemplateService: Sendable {
    let crm: CRM

    static let kinds = ["invoice", "contract", "offer", "act", "other"]

    package func list() throws -> JSON {
        try crm.pool.read { db in
            let builtIn: [JSON] = [["code": "invoice", "title": "Счет на оплату", "kind": "invoice", "builtin": true, "updatedAt": .null]]
                + DealDocumentTemplates.builtIn.map { ["code": .string($0.code), "title": .string($0.title), "kind": .string($0.kind),
                                                       "builtin": true, "updatedAt": .null] }
            let users = try TemplateStore.list(db).map { template -> JSON in
                ["code": .string(template.code), "title": .string(template.title), "kind": .string(template.kind),
                 "builtin": false, "updatedAt": .string(template.updatedAt)]
            }
            return ["items": .array(builtIn + users)]
        }
    }

    package func add(code: String, title: String, kind: String?, body: String, by caller: Caller) throws -> JSON {
        let kind = kind ?? "other"
        guard Self.kinds.contains(kind) else { throw CRMError.invalidValue(field: "kind", reason: "option", message: "unknown kind \(kind)") }
        guard code != "invoice", !DealDocumentTemplates.builtIn.contains(where: { $0.code == code }) else {
            throw CRMError.conflict(reason: "builtin", details: ["code": .string(code)])
        }
        try Self.check(body)
        return try crm.pool.write { db in
            if try TemplateStore.exists(db, code: code) {
                throw CRMError.conflict(reason: "exists", details: ["code": .string(code)])
            }
            try TemplateStore.insert(db, code: code, title: title, kind: kind, body: body, at: crm.nowText)
            try crm.apply(Change(.template, id: .string(code), .created, by: caller, at: crm.nowText,
                                 data: ["title": .string(title), "kind": .string(kind)]), in: db)
            return try Self.template(db, code)
        }
    }

    package func update(code: String, title: String?, body: String?, by caller: Caller) throws -> JSON {
        if let body { try Self.check(body) }
        return try crm.pool.write { db in
            let old = try Self.template(db, code)
            try TemplateStore.update(db, code: code, title: title, body: body, at: crm.nowText)
            let new = try Self.template(db, code)
            try crm.apply(Change(.template, id: .string(code), .updated, by: caller, at: crm.nowText,
                                 fields: FieldChange.differences(old, new, ignoring: ["updatedAt", "version"])), in: db)
            return new
        }
    }

    /// The source of a template by code, built-in or the user's.
    func source(_ code: String) throws -> String {
        if let builtIn = DealDocumentTemplates.builtIn.first(where: { $0.code == code }) { return builtIn.body }
        return try crm.pool.read { db in
            guard let body = try TemplateStore.body(db, code: code) else { throw CRMError.notFound(entityType: "template", id: .string(code)) }
            return body
        }
    }

    private static func check(_ body: String) throws {
        do {
            _ = try Template(body)
        } catch {
            throw CRMError.invalidValue(field: "body", reason: "template", message: error.description)
        }
    }

    private static func template(_ db: Database, _ code: String) throws -> JSON {
        guard let template = try TemplateStore.fetch(db, code: code) else { throw CRMError.notFound(entityType: "template", id: .string(code)) }
        return ["code": .string(template.code), "title": .string(template.title), "kind": .string(template.kind),
                "builtin": false, "body": .string(template.body), "createdAt": .string(template.createdAt),
                "updatedAt": .string(template.updatedAt), "version": .int(template.version)]
    }
}

extension CRM {
    package var templates: TemplateService { TemplateService(crm: self) }
}
