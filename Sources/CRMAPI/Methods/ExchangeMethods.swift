import CRM
import Foundation
import JSONKit

/// `exchange.importPayments` and `payment.*`: bank statements read, their payments matched to
/// invoices, and the review list of those that did not match (S26); `exchange.export1C` and
/// `exchange.acknowledge`: invoices written for 1C as CommerceML, and how far 1C took them (S24).
enum ExchangeMethods {
    static func all(_ crm: CRM) -> [Method] {
        [
            Method("exchange.export1C") { params, _ in
                let ids = try params.optionalArray("ids")?.map { id -> Int64 in
                    guard let value = id.int64Value else { throw CRMError.invalidParam("ids", "invoice ids") }
                    return value
                }
                return try crm.exportTo1C.export1C(since: try params.optionalInt64("since"), ids: ids, encoding: try params.optionalString("encoding"),
                                                   version: try params.optionalString("version"), path: try params.optionalString("path"))
            },
            Method("exchange.acknowledge") { params, context in
                try crm.exportTo1C.acknowledge(until: try params.int64("until"), by: context.caller)
            },
            Method("exchange.importPayments") { params, context in
                try crm.bank.importPayments(format: try params.string("format"), source: try source(params), by: context.caller)
            },
            Method("payment.unmatched") { params, _ in
                try crm.bank.unmatched(limit: Int(try params.optionalInt64("limit") ?? 50), cursor: try params.optionalString("cursor"))
            },
            Method("payment.match") { params, context in
                try crm.bank.match(paymentID: try params.int64("paymentId"), invoiceID: try params.int64("invoiceId"), by: context.caller)
            },
            Method("payment.ignore") { params, context in
                try crm.bank.ignore(paymentID: try params.int64("paymentId"), reason: try params.optionalString("reason"), by: context.caller)
            },
        ]
    }

    /// The statement: `data` (the file's bytes in base64) or `path` (the schema allows exactly one).
    private static func source(_ params: Params) throws -> BankImportService.Source {
        if let path = try params.optionalString("path") { return .path(path) }
        let text = try params.string("data")
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
            throw CRMError.invalidValue(field: "data", reason: "base64", message: "data is the statement file's bytes in base64")
        }
        return .bytes([UInt8](data))
    }
}
