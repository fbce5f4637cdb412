import Foundation
import JSONKit
import Testing
@testable import CRM

@Suite struct AttachedDocumentTests {
    @Test func anAttachedDocumentIsListedReadBackWithItsFileAndToldOnTheInvoice() throws {
        let (fixture, invoice) = try BankImportTests().prepared()
        let crm = fixture.crm
        let file: [UInt8] = Array("%PDF-1.4 акт".utf8)
        let act = try crm.invoiceDocuments.attach(.init(invoiceID: invoice.id, kind: "act", number: "А-17", date: "2026-11-25",
                                                        fileName: "act.pdf", data: file), by: .user(1))
        #expect(act["kind"] == "act" && act["number"] == "А-17" && act["size"] == .int(Int64(file.count)) && act["source"] == "manual")
        let factura = try crm.invoiceDocuments.attach(.init(invoiceID: invoice.id, kind: "invoiceFactura", number: "118", date: "2026-11-25"),
                                                      by: .user(1))
        let listed = try crm.invoiceDocuments.documents(invoiceID: invoice.id)["items"]?.arrayValue ?? []
        #expect(listed.map { $0["id"] } == [act["id"], factura["id"]])
        #expect(listed.allSatisfy { $0["data"] == nil })
        let read = try crm.invoiceDocuments.document(invoiceID: invoice.id, documentID: act.id)
        #expect(read["data"] == .string(Data(file).base64EncodedString()) && read["fileName"] == "act.pdf")
        #expect(try crm.invoiceDocuments.document(invoiceID: invoice.id, documentID: factura.id)["data"] == .null)

        let timeline = try crm.timeline.list(entityType: .invoice, id: invoice.id, limit: 10, cursor: nil)["items"]?.arrayValue ?? []
        let told = timeline.filter { $0["type"] == "document" }.compactMap { $0["data"] }
        #expect(told.contains { $0["action"] == "attached" && $0["document"] == "act" && $0["number"] == "А-17" && $0["documentId"] == act["id"] })
    }

    @Test func theSameDocumentTwiceABadKindAndAnotherInvoicesDocumentAreRefused() throws {
        let (fixture, invoice) = try BankImportTests().prepared()
        let crm = fixture.crm
        let upd = try crm.invoiceDocuments.attach(.init(invoiceID: invoice.id, kind: "upd", number: "5", date: "2026-11-25"), by: .user(1))
        #expect(throws: CRMError.conflict(reason: "duplicate", details: ["documentId": upd["id"]!])) {
            try crm.invoiceDocuments.attach(.init(invoiceID: invoice.id, kind: "upd", number: "5", date: "2026-11-25"), by: .user(1))
        }
        // Another date is another document.
        _ = try crm.invoiceDocuments.attach(.init(invoiceID: invoice.id, kind: "upd", number: "5", date: "2026-11-26"), by: .user(1))
        #expect(throws: CRMError.invalidValue(field: "kind", reason: "option", message: "kind is act, waybill, upd, invoiceFactura or other")) {
            try crm.invoiceDocuments.attach(.init(invoiceID: invoice.id, kind: "contract", number: "5", date: "2026-11-25"), by: .user(1))
        }
        #expect(throws: CRMError.notFound("invoice", 999)) {
            try crm.invoiceDocuments.attach(.init(invoiceID: 999, kind: "act", number: "5", date: "2026-11-25"), by: .user(1))
        }
        let other = try crm.invoices.createFromDeal(.init(dealID: try #require(invoice["dealId"]?.int64Value), date: "2026-11-21"), by: .user(1))
        #expect(throws: CRMError.notFound("invoiceDocument", upd.id)) {
            try crm.invoiceDocuments.document(invoiceID: other.id, documentID: upd.id)
        }
    }
}
