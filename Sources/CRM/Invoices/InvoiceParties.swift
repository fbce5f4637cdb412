import JSONKit
import Storage

/// The seller and payer of an invoice as they stand when it is created: names, identifiers,
/// address and, for the seller, bank account and signers, taken from requisites.
enum InvoiceParties {
    /// A record's best requisite: the first legal or ИП one, else the first.
    static func requisite(_ db: Database, _ type: EntityType, _ id: Int64) throws -> JSON? {
        let requisites = try InvoicePartyStore.requisites(db, of: RecordRef(type, id))
        guard let chosen = requisites.first(where: { $0.preset != "person" }) ?? requisites.first else { return nil }
        return try RequisiteService.requisite(db, chosen.id)
    }

    /// The seller: `settings.sellerCompanyId`, else the one company marked `isMyCompany`.
    static func sellerCompanyID(_ db: Database, settings: [String: JSON]) throws -> Int64? {
        if let id = settings["sellerCompanyId"]?.int64Value { return id }
        let mine = try InvoicePartyStore.myCompanyIDs(db, limit: 2)
        return mine.count == 1 ? mine[0] : nil
    }

    static func seller(company: JSON, requisite: JSON, bank: JSON) -> JSON {
        let fields = requisite["fields"] ?? .object([:])
        let preset = requisite["preset"]?.stringValue ?? "legal"
        // A sole proprietor signs himself: his own name from the requisite, before any director named there.
        let personName = ["lastName", "firstName", "middleName"].compactMap { fields[$0]?.stringValue }.joined(separator: " ")
        let signer: JSON = preset == "ip" && !personName.isEmpty ? .string(personName) : fields["directorName"] ?? .null
        return [
            "companyId": company["id"] ?? .null, "preset": .string(preset),
            "name": fields["shortName"] ?? fields["fullName"] ?? company["title"] ?? .null,
            "fullName": fields["fullName"] ?? .null, "inn": fields["inn"] ?? .null, "kpp": fields["kpp"] ?? .null,
            "address": fields["legalAddress"] ?? company["address"] ?? .null,
            "phone": company["phones"]?.arrayValue?.first?["value"] ?? .null,
            "director": signer, "directorTitle": fields["directorTitle"] ?? .null,
            "accountant": fields["accountantName"] ?? .null,
            "bank": ["bik": bank["bik"] ?? .null, "bankName": bank["bankName"] ?? .null, "bankCity": bank["bankCity"] ?? .null,
                     "corrAccount": bank["corrAccount"] ?? .null, "account": bank["account"] ?? .null],
        ]
    }

    static func payer(type: EntityType, record: JSON, requisite: JSON?) -> JSON {
        let fields = requisite?["fields"] ?? .object([:])
        let recordName: JSON = type == .company
            ? record["title"] ?? .null
            : .string([record["lastName"], record["name"], record["secondName"]].compactMap { $0?.stringValue }.joined(separator: " "))
        return [
            "entityType": .string(type.rawValue), "id": record["id"] ?? .null,
            "preset": requisite?["preset"] ?? (type == .contact ? "person" : .null),
            "name": fields["shortName"] ?? fields["fullName"] ?? recordName,
            "inn": fields["inn"] ?? .null, "kpp": fields["kpp"] ?? .null,
            "address": fields["legalAddress"] ?? record["address"] ?? .null,
            "phone": record["phones"]?.arrayValue?.first?["value"] ?? .null,
        ]
    }
}
