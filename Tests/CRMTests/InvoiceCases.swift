import Foundation
import JSONKit
@testable import CRM

/// The invoices of issue 9's cases, made through the services as a client would make them:
/// an organisation selling (its name, bank and addresses as given) to a company, rows as given.
struct InvoiceCases {
    /// A real payee name of 67 characters.
    static let longPayee = "ООО «Научно-производственное предприятие «Технологии безопасности»»"
    /// A real bank's full name, as the Bank of Russia's BIK directory writes it.
    static let longBank = "ФИЛИАЛ \"ЦЕНТРАЛЬНЫЙ\" БАНКА ВТБ (ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО)"
    /// That bank's BIK and correspondent account, and a settlement account whose key matches them.
    static let vtb: [String: JSON] = ["bik": "044525411", "corrAccount": "30101810145250000411", "account": "40702810500000000001",
                                      "bankName": .string(longBank), "bankCity": "г. Москва"]
    static let alfa: [String: JSON] = ["bik": "044525593", "account": "40702810801400016513", "bankName": "АО «Альфа-Банк»"]

    let fixture: CRMFixture
    var payee = "ООО «Видеосистемы»"
    var bank = InvoiceCases.alfa
    var sellerAddress = "Москва, Тверская, 1"
    var buyerName = "ООО «Покупатель»"
    var buyerAddress = "Москва, Ленинский проспект, 10"
    var contractNumber = "15"

    init(_ fixture: CRMFixture) { self.fixture = fixture }

    /// `count` rows of goods named «Позиция-N …», every few with a longer name, all at 22 % inside.
    static func manyRows(_ count: Int) -> [JSON] {
        (1...count).map { index in
            let name = index % 7 == 0 ? "Позиция-\(index) кабель UTP категории 5e, 305 м, для наружной прокладки, с тросом" : "Позиция-\(index)"
            return ["name": .string(name), "price": .string("\(100 + index).50"), "quantity": .string("\(index % 5 + 1)"),
                    "unit": ["code": "796"]]
        }
    }

    /// An invoice dated 2026-03-05 of `rows` (deal product rows as the API takes them).
    func invoice(_ rows: [JSON]) throws -> JSON {
        let crm = fixture.crm
        let seller = try crm.records(.company).add(fields: ["title": "Продавец", "isMyCompany": true], idempotencyKey: nil, by: .user(1))
        let requisite = try crm.requisites.add(.init(entityType: .company, entityID: seller.id, preset: "legal", name: nil, fields: [
            "inn": "7707083893", "kpp": "773601001", "shortName": .string(payee), "legalAddress": .string(sellerAddress),
            "directorName": "Смирнов А. А.", "accountantName": "Кузнецова Е. В.",
        ], lookup: false, renameEntity: nil), by: .user(1))
        _ = try crm.bankDetails.add(requisiteID: requisite.id, fields: bank, by: .user(1))
        let buyer = try crm.records(.company).add(fields: ["title": "Покупатель"], idempotencyKey: nil, by: .user(1))
        _ = try crm.requisites.add(.init(entityType: .company, entityID: buyer.id, preset: "legal", name: nil, fields: [
            "inn": "7736207543", "kpp": "770401001", "shortName": .string(buyerName), "legalAddress": .string(buyerAddress),
        ], lookup: false, renameEntity: nil), by: .user(1))
        let deal = try crm.records(.deal).add(fields: ["title": "Поставка", "companyId": .int(buyer.id), "contractNumber": .string(contractNumber),
                                                       "contractDate": "2026-03-01"], idempotencyKey: nil, by: .user(1))
        _ = try crm.productRows.set(dealID: deal.id, rows: rows, by: .user(1))
        return try crm.invoices.createFromDeal(.init(dealID: deal.id, date: "2026-03-05"), by: .user(1))
    }

    func pdf(_ invoice: JSON) throws -> [UInt8] { try fixture.crm.documents.renderInvoice(id: invoice.id, format: "pdf").data }

    func html(_ invoice: JSON) throws -> String {
        String(decoding: try fixture.crm.documents.renderInvoice(id: invoice.id, format: "html").data, as: UTF8.self)
    }

    func layout(_ invoice: JSON) throws -> PDFLayout { try PDFLayout(pdf: try pdf(invoice), directory: fixture.directory) }
}
