import JSONKit
import Storage

/// Public links to invoices (S22): an unguessable token (256 random bits) that opens one
/// invoice without an account, until it expires or is revoked.
package struct PublicLinkService: Sendable {
    let crm: CRM

    package func create(invoiceID: Int64, expiresAt: String?, by caller: Caller) throws -> JSON {
        var expiry: String?
        if let expiresAt {
            guard let canonical = Timestamp.canonical(expiresAt) else {
                throw CRMError.invalidValue(field: "expiresAt", reason: "format", message: "an ISO 8601 timestamp")
            }
            guard canonical > crm.nowText else { throw CRMError.invalidValue(field: "expiresAt", reason: "past", message: "the expiry has passed") }
            expiry = canonical
        }
        return try crm.pool.write { db in
            let token = try Self.insert(db, crm: crm, invoiceID: invoiceID, expiresAt: expiry, by: caller)
            let base = try SettingsService.load(db)["publicBaseUrl"]?.stringValue
            return ["token": .string(token), "url": base.map { JSON.string($0 + token) } ?? .null, "expiresAt": expiry.map(JSON.string) ?? .null]
        }
    }

    /// A new token for the invoice, inside the caller's transaction.
    /// Makes a new link to an invoice inside a caller's transaction; returns its token.
    static func insert(_ db: Database, crm: CRM, invoiceID: Int64, expiresAt: String?, by caller: Caller) throws -> String {
        let now = crm.nowText
        var generator = SystemRandomNumberGenerator()
        let token = (0..<4).map { _ in generator.next() as UInt64 }.map { String($0, radix: 16).leftPadded(16) }.joined()
        try RecordService.requireExists(db, EntityDescriptor.invoice, invoiceID)
        let linkID = try PublicLinkStore.insert(db, token: token, invoiceID: invoiceID, at: now, expiresAt: expiresAt)
        // The token is a secret: the change tells that a link exists, not what it is.
        try crm.apply(Change(.publicLink, id: .int(linkID), .created, by: caller, at: now, owner: RecordRef(.invoice, invoiceID),
                             data: ["expiresAt": expiresAt.map(JSON.string) ?? .null]), in: db)
        return token
    }

    /// Revokes every link to the invoice not revoked yet; returns how many.
    package func revoke(invoiceID: Int64, by caller: Caller) throws -> JSON {
        try crm.pool.write { db in
            try RecordService.requireExists(db, EntityDescriptor.invoice, invoiceID)
            let revoked = try PublicLinkStore.revoke(db, invoiceID: invoiceID, at: crm.nowText)
            if revoked > 0 {
                try crm.apply(Change(.publicLink, id: .int(invoiceID), .revoked, by: caller, at: crm.nowText, owner: RecordRef(.invoice, invoiceID),
                                     data: ["count": .int(revoked)]), in: db)
            }
            return ["id": .int(invoiceID), "revoked": .int(revoked)]
        }
    }

    /// The invoice a live token opens; 1006 `expired` or `revoked`, 1002 for an unknown token.
    package func invoiceID(token: String) throws -> Int64 {
        try crm.pool.read { db in
            guard let link = try PublicLinkStore.find(db, token: token) else {
                throw CRMError.notFound(entityType: "link", id: .string(token))
            }
            if link.revokedAt != nil { throw CRMError.forbidden(reason: "revoked") }
            if let expires = link.expiresAt, expires <= crm.nowText { throw CRMError.forbidden(reason: "expired") }
            return link.invoiceID
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

extension CRM {
    package var publicLinks: PublicLinkService { PublicLinkService(crm: self) }
}
