import Foundation
import JSONKit
import Storage

/// Documents attached to invoices (S25): the shipment and closing documents made for an invoice
/// (акт, товарная накладная, УПД, счёт-фактура), by hand or read from 1C's CommerceML, each with
/// its number, date and, when given, the file. Attaching is told on the invoice's timeline.
package struct InvoiceDocumentService: Sendable {
    let crm: CRM

    /// The kinds a document has.
    package static let kinds: Set<String> = ["act", "waybill", "upd", "invoiceFactura", "other"]
    /// The content types guessed from a file name's extension when the caller names none.
    static let contentTypes = ["pdf": "application/pdf", "xml": "application/xml", "png": "image/png", "jpg": "image/jpeg",
                               "jpeg": "image/jpeg", "zip": "application/zip"]

    package struct Input: Sendable {
        package var invoiceID: Int64
        package var kind: String
        package var number: String
        package var date: String?
        package var fileName: String?
        package var data: [UInt8]?
        /// The file's media type; nil: guessed from `fileName` (`contentType(fileName:)`).
        package var contentType: String?
        package var source: String
        package init(invoiceID: Int64, kind: String, number: String, date: String?, fileName: String? = nil, data: [UInt8]? = nil,
                     contentType: String? = nil, source: String = "manual") {
            self.invoiceID = invoiceID
            self.kind = kind
            self.number = number
            self.date = date
            self.fileName = fileName
            self.data = data
            self.contentType = contentType
            self.source = source
        }
    }

    /// `invoice.attachDocument`: the document attached; the same kind, number and date on the
    /// same invoice again is 1005 `duplicate` with the `documentId` it already has.
    package func attach(_ input: Input, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            try Self.check(db, input)
            guard try InvoiceStore.status(db, input.invoiceID) != nil else { throw CRMError.notFound("invoice", input.invoiceID) }
            if let existing = try InvoiceDocumentStore.existing(db, invoiceID: input.invoiceID, kind: input.kind, number: input.number,
                                                                date: input.date) {
                throw CRMError.conflict(reason: "duplicate", details: ["documentId": .int(existing)])
            }
            let id = try attach(db, input, by: caller)
            return try InvoiceDocumentStore.get(db, invoiceID: input.invoiceID, id: id) ?? .null
        }
    }

    /// Attaches a checked document inside the caller's write (1C's import attaches several in
    /// one); returns its id, or nil when the invoice already holds this kind, number and date.
    @discardableResult
    func attachIfNew(_ db: Database, _ input: Input, by caller: Caller) throws -> Int64? {
        try Self.check(db, input)
        if try InvoiceDocumentStore.existing(db, invoiceID: input.invoiceID, kind: input.kind, number: input.number, date: input.date) != nil {
            return nil
        }
        return try attach(db, input, by: caller)
    }

    private func attach(_ db: Database, _ input: Input, by caller: Caller) throws -> Int64 {
        let now = crm.nowText
        let id = try InvoiceDocumentStore.insert(db, InvoiceDocumentStore.New(
            invoiceID: input.invoiceID, kind: input.kind, number: input.number, date: input.date, fileName: input.fileName,
            data: input.data, sha256: input.data.map(SHA256.hex),
            contentType: input.data.map { _ in input.contentType ?? Self.contentType(fileName: input.fileName) },
            source: input.source), at: now, by: caller.userID)
        var facts: [String: JSON] = ["document": .string(input.kind), "number": .string(input.number),
                                     "date": input.date.map(JSON.string) ?? .null, "source": .string(input.source)]
        if let fileName = input.fileName { facts["fileName"] = .string(fileName) }
        try crm.apply(Change(.invoiceDocument, id: .int(id), .created, by: caller, at: now, owner: RecordRef(.invoice, input.invoiceID),
                             data: facts), in: db)
        return id
    }

    /// `invoice.documents`: the invoice's documents, oldest first, without their files.
    package func documents(invoiceID: Int64) throws -> JSON {
        try crm.pool.read { db in
            guard try InvoiceStore.status(db, invoiceID) != nil else { throw CRMError.notFound("invoice", invoiceID) }
            return ["items": .array(try InvoiceDocumentStore.list(db, invoiceID: invoiceID))]
        }
    }

    /// `invoice.getDocument`: one document of the invoice with its file.
    package func document(invoiceID: Int64, documentID: Int64) throws -> JSON {
        try crm.pool.read { db in
            guard try InvoiceStore.status(db, invoiceID) != nil else { throw CRMError.notFound("invoice", invoiceID) }
            guard let document = try InvoiceDocumentStore.get(db, invoiceID: invoiceID, id: documentID) else {
                throw CRMError.notFound("invoiceDocument", documentID)
            }
            return document
        }
    }

    /// The media type a file name's extension names (pdf, xml, png, jpg, zip), else
    /// `application/octet-stream`.
    static func contentType(fileName: String?) -> String {
        guard let name = fileName, let dot = name.lastIndex(of: ".") else { return "application/octet-stream" }
        return contentTypes[name[name.index(after: dot)...].lowercased()] ?? "application/octet-stream"
    }

    private static func check(_ db: Database, _ input: Input) throws {
        guard kinds.contains(input.kind) else {
            throw CRMError.invalidValue(field: "kind", reason: "option", message: "kind is act, waybill, upd, invoiceFactura or other")
        }
        guard !input.number.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CRMError.invalidValue(field: "number", reason: "empty", message: "a document has a number")
        }
        if let date = input.date, Timestamp.parseDate(date) == nil {
            throw CRMError.invalidValue(field: "date", reason: "format", message: "a date YYYY-MM-DD")
        }
        if let contentType = input.contentType, !isMediaType(contentType) {
            throw CRMError.invalidValue(field: "contentType", reason: "format", message: "a media type such as application/pdf")
        }
        if let data = input.data {
            let limit = try SettingsService.maxDocumentBytes(db)
            if data.count > limit {
                throw CRMError.invalidValueDetails(field: "data", reason: "tooLarge",
                                                   message: "a document's file is at most \(limit) bytes (settings.maxDocumentBytes); this one is \(data.count)",
                                                   details: ["limit": .int(Int64(limit)), "size": .int(Int64(data.count))])
            }
        }
    }
}

/// Whether `text` has the form `type/subtype` of a media type (parameters allowed after `;`).
private func isMediaType(_ text: String) -> Bool {
    let essence = text.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
    let parts = essence.split(separator: "/", omittingEmptySubsequences: false)
    let token = { (part: Substring) in !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "!#$&^_.+-".contains($0)) } }
    return parts.count == 2 && parts.allSatisfy(token) && text.count <= 200
}

extension CRM {
    /// Documents attached to invoices.
    package var invoiceDocuments: InvoiceDocumentService { InvoiceDocumentService(crm: self) }
}
