import JSONKit
import RussianFormats
import Storage
import Templates

/// What a deal document is filled from: the deal, its company and contact, the payer's and
/// the seller's requisites (with the seller's bank account), the product rows and totals, the
/// amount in words and today's date.
enum DealDocumentContext {
    static func build(_ db: Database, crm: CRM, dealID: Int64) throws -> TemplateValue {
        guard let deal = try RecordService.loadJSON(db, EntityDescriptor.deal, dealID) else { throw CRMError.notFound("deal", dealID) }
        let company = try deal["companyId"]?.int64Value.flatMap { try RecordService.loadJSON(db, EntityDescriptor.company, $0) }
        let contact = try deal["contactId"]?.int64Value.flatMap { try RecordService.loadJSON(db, EntityDescriptor.contact, $0) }
        var payer: JSON = .object([:])
        if let company, let id = company["id"]?.int64Value {
            payer = InvoiceParties.payer(type: .company, record: company, requisite: try InvoiceParties.requisite(db, .company, id))
        } else if let contact, let id = contact["id"]?.int64Value {
            payer = InvoiceParties.payer(type: .contact, record: contact, requisite: try InvoiceParties.requisite(db, .contact, id))
        }
        var seller: JSON = .object([:])
        if let sellerID = try InvoiceParties.sellerCompanyID(db, settings: try SettingsService.load(db)),
           let sellerCompany = try RecordService.loadJSON(db, EntityDescriptor.company, sellerID),
           let requisite = try InvoiceParties.requisite(db, .company, sellerID) {
            seller = InvoiceParties.seller(company: sellerCompany, requisite: requisite,
                                           bank: requisite["bankDetails"]?.arrayValue?.first ?? .object([:]))
        }
        let lines = try ProductRowStore.lines(db, dealID)
        let totals = try InvoiceTotals.of(lines, field: "productRows")
        let context: JSON = [
            "deal": deal, "company": company ?? .null, "contact": contact ?? .null, "payer": payer, "seller": seller,
            "rows": .array(lines.map(ProductRowService.rowJSON)), "totals": totals.json(currency: deal["currency"]?.stringValue ?? "RUB"),
            "amountInWords": .string(AmountInWords.rubles(kopecks: totals.total)),
            "today": .string(try crm.today(db)),
        ]
        return InvoiceDocument.value(context)
    }
}
