import JSONKit
import Storage

/// Company-wide settings (`settings.get/update`): the seller, invoice numbering, defaults,
/// the public link prefix and the outside services. Secrets come back masked.
package struct SettingsService: Sendable {
    let crm: CRM

    static let mask = "********"
    static let secretKeys: Set<String> = ["password", "token", "secret", "apiId"]

    package static let defaults: [String: JSON] = [
        "sellerCompanyId": .null, "invoiceNumberFormat": "{YYYY}-{N:5}", "defaultCurrency": "RUB", "defaultVatRate": "22",
        "invoiceDueDays": 5, "eventRetentionDays": 90, "webhookDisableAfterSeconds": 86_400, "publicBaseUrl": .null, "timeZone": .string(CompanyTime.defaultZoneName),
        "mail": ["transport": "outbox"], "sms": .object([:]), "registry": ["source": "offline"], "documents": .object([:]),
        "unmappedUnixUsers": .null, "maxDocumentBytes": .int(Int64(defaultMaxDocumentBytes)),
    ]

    /// The largest file `invoice.attachDocument` keeps by default: 20 MiB.
    static let defaultMaxDocumentBytes = 20 << 20
    /// The most `maxDocumentBytes` may be: 512 MiB, well under SQLite's largest value (10^9 bytes).
    static let maxDocumentBytesLimit = 512 << 20

    /// The largest file an invoice document keeps (`maxDocumentBytes`).
    static func maxDocumentBytes(_ db: Database) throws -> Int {
        try load(db)["maxDocumentBytes"]?.intValue ?? defaultMaxDocumentBytes
    }

    package func get() throws -> JSON {
        try crm.pool.read { db in Self.masked(.object(try Self.load(db))) }
    }

    /// Merges `patch` (objects merge key by key, null removes a key, a masked secret keeps the old one).
    /// A new destination (mail host, port or transport; registry source or URL) drops the stored
    /// credentials of the old one unless the same call gives new ones; `mail.sendmailPath` is
    /// refused (the config file names programs).
    package func update(_ patch: [String: JSON], by caller: Caller) throws -> JSON {
        if patch["mail"]?.objectValue?["sendmailPath"] != nil {
            throw CRMError.invalidValue(field: "mail.sendmailPath", reason: "configOnly",
                                        message: "the sendmail program is set in crmd's config file (mail.sendmailPath), not through settings")
        }
        let merged = try crm.pool.write { db in
            let old = try Self.load(db)
            var current = old
            for (key, value) in patch { current[key] = Self.merge(current[key], value) }
            Self.resetToDefaults(&current)
            Self.dropCredentialsOnNewDestination(old: old, current: &current, patch: patch)
            try Self.validate(db, current, local: crm.local)
            try SettingsStore.save(db, current)
            // Secrets stay masked in the change, as in every answer.
            let changes = FieldChange.differences(Self.masked(.object(old)), Self.masked(.object(current)))
            let secrets = Set(FieldChange.differences(.object(old), .object(current)).map(\.field)).subtracting(changes.map(\.field))
            let masked = changes + secrets.sorted().map { FieldChange(field: $0, old: Self.masked(old[$0] ?? .null), new: Self.masked(current[$0] ?? .null)) }
            try crm.apply(Change(.settings, id: "settings", .updated, by: caller, at: crm.nowText, fields: masked), in: db)
            return current
        }
        crm.registry.select(Self.registryChoice(merged))
        return Self.masked(.object(merged))
    }

    /// The stored settings over the defaults; stored settings that are not a JSON object throw
    /// `StoredDataError` rather than fall back to the defaults. A `mail.sendmailPath` stored by an
    /// older version is left out: only the config file names the program.
    static func load(_ db: Database) throws -> [String: JSON] {
        var settings = defaults
        if let stored = try SettingsStore.load(db) {
            try StoredData.read("settings", SettingsStore.rowKey) {
                for (key, value) in stored where !isStorable(key, value) {
                    throw StoredData.Problem("value.\(key): \(value.text) is not a setting of that type")
                }
            }
            for (key, value) in stored { settings[key] = value }
        }
        resetToDefaults(&settings)
        if case .object(var mail)? = settings["mail"], mail.removeValue(forKey: "sendmailPath") != nil {
            settings["mail"] = .object(mail)
        }
        return settings
    }

    /// Settings that null resets to their default rather than leaving null: the time zone
    /// always names the zone in effect, `maxDocumentBytes` the limit in effect.
    static let resettable = ["timeZone", "maxDocumentBytes"]

    private static func resetToDefaults(_ settings: inout [String: JSON]) {
        for key in resettable where settings[key] == nil || settings[key] == .null { settings[key] = defaults[key] }
    }

    /// Settings whose secrets are sent to a destination they also name: the destination's keys
    /// (with their defaults) and the credentials that go there.
    static let destinations: [(key: String, destination: [String: JSON], credentials: [String])] = [
        ("mail", ["transport": "outbox", "host": .null, "port": 25], ["username", "password"]),
        ("registry", ["source": "offline", "url": .null], ["token"]),
        ("sms", ["transport": .null, "baseUrl": .string(SMSRuTransport.defaultBaseURL), "url": .null], ["apiId", "secret"]),
    ]

    /// Removes stored credentials from `current` where the call changed their destination, so a
    /// caller cannot point the mail host (or the registry URL) at its own listener and receive
    /// them. Credentials given in the same call (not as `********`) are kept.
    static func dropCredentialsOnNewDestination(old: [String: JSON], current: inout [String: JSON], patch: [String: JSON]) {
        for (key, destination, credentials) in destinations {
            guard case .object(var object)? = current[key] else { continue }
            let before = old[key]?.objectValue ?? [:]
            let moved = destination.contains { name, fallback in
                !sameValue(before[name] ?? fallback, object[name] ?? fallback)
            }
            guard moved else { continue }
            let given = patch[key]?.objectValue ?? [:]
            for name in credentials {
                if let value = given[name]?.stringValue, value != mask { continue }
                object.removeValue(forKey: name)
            }
            current[key] = .object(object)
        }
    }

    private static func sameValue(_ a: JSON, _ b: JSON) -> Bool {
        if let x = a.int64Value, let y = b.int64Value { return x == y }
        return a == b
    }

    /// Whether `value` has the type the setting `key` takes (null: its default); other keys pass.
    private static func isStorable(_ key: String, _ value: JSON) -> Bool {
        if value == .null { return true }
        switch key {
        case "sellerCompanyId", "invoiceDueDays", "eventRetentionDays", "webhookDisableAfterSeconds", "unmappedUnixUsers", "maxDocumentBytes": return value.int64Value != nil
        case "invoiceNumberFormat", "defaultCurrency", "publicBaseUrl", "timeZone": return value.stringValue != nil
        case "defaultVatRate": return value.stringValue.flatMap(VATRate.init(rawValue:)) != nil
        case "mail", "sms", "registry", "documents": return value.objectValue != nil
        default: return true
        }
    }

    static func registryChoice(_ settings: [String: JSON]) -> RegistrySource.Choice {
        guard let registry = settings["registry"], registry["source"] == "online",
              let url = registry["url"]?.stringValue, let token = registry["token"]?.stringValue else { return .offline }
        return .online(url: url, token: token, timeoutSeconds: registry["timeoutSeconds"]?.intValue ?? 5)
    }

    private static func merge(_ current: JSON?, _ patch: JSON) -> JSON {
        switch (current, patch) {
        case (.object(var base)?, .object(let changes)):
            for (key, value) in changes {
                if value == .null {
                    base.removeValue(forKey: key)
                } else if value == .string(mask), secretKeys.contains(key) {
                    continue
                } else {
                    base[key] = merge(base[key], value)
                }
            }
            return .object(base)
        default:
            return patch
        }
    }

    private static func validate(_ db: Database, _ settings: [String: JSON], local: LocalConfiguration) throws {
        if let id = settings["sellerCompanyId"]?.int64Value {
            guard try InvoicePartyStore.companyExists(db, id) else {
                throw CRMError.invalidValue(field: "sellerCompanyId", reason: "notFound", message: "no company with id \(id)")
            }
        }
        if let id = settings["unmappedUnixUsers"]?.int64Value { try UserService.requireActive(db, id, field: "unmappedUnixUsers") }
        if let format = settings["invoiceNumberFormat"]?.stringValue, let problem = InvoiceNumbering.problem(format) {
            throw CRMError.invalidValue(field: "invoiceNumberFormat", reason: "format", message: problem)
        }
        if let zone = settings["timeZone"], zone != .null, zone.stringValue.flatMap(CompanyTime.zone(named:)) == nil {
            throw CRMError.invalidValue(field: "timeZone", reason: "unknownTimeZone",
                                        message: "\(zone.text) is not an IANA time zone this machine knows (tzdata), e.g. Europe/Moscow")
        }
        for key in ["fontPath", "boldFontPath"] {
            if let path = settings["documents"]?[key]?.stringValue { _ = try local.fontPath(path, field: "documents." + key) }
        }
        if let rate = settings["defaultVatRate"]?.stringValue, VATRate(rawValue: rate) == nil {
            throw CRMError.invalidValue(field: "defaultVatRate", reason: "option", message: "unknown VAT rate \(rate)")
        }
        if let bytes = settings["maxDocumentBytes"]?.int64Value, !(1...Int64(maxDocumentBytesLimit)).contains(bytes) {
            throw CRMError.invalidValue(field: "maxDocumentBytes", reason: "range", message: "maxDocumentBytes is 1 to \(maxDocumentBytesLimit)")
        }
        try SMSSettings.validate(settings["sms"] ?? .null, local: local)
        if let registry = settings["registry"], registry["source"] == "online",
           registry["url"]?.stringValue == nil || registry["token"]?.stringValue == nil {
            throw CRMError.invalidValue(field: "registry", reason: "required", message: "an online registry needs url and token")
        }
    }

    private static func masked(_ value: JSON) -> JSON {
        switch value {
        case .object(let object):
            return .object(Dictionary(uniqueKeysWithValues: object.map { key, item in
                (key, secretKeys.contains(key) && item != .null && item != .string("") ? .string(mask) : masked(item))
            }))
        default:
            return value
        }
    }
}

extension CRM {
    package var settings: SettingsService { SettingsService(crm: self) }
}
