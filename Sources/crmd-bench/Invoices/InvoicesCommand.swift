import Foundation
import JSONKit
import Synchronization

/// `crmd-bench invoices`: invoices created from 16 connections at once must get distinct,
/// consecutive numbers; then the time to render a one-page invoice PDF and its size.
enum InvoicesCommand {
    static let usage = """
        crmd-bench invoices --socket PATH [--connections 16] [--count 1000] [--render 50] [--json]
          sets up a seller, a buyer and a deal with products, creates --count invoices from --connections
          connections at once and checks their numbers; then renders the PDF --render times on one connection.
        """

    static func run(_ arguments: ArraySlice<String>) throws -> Int32 {
        let options = try Options(arguments, options: ["socket", "connections", "count", "render"], flags: ["json"])
        let socket = try options.required("socket")
        let connections = try options.int("connections", default: 16, min: 1)
        let count = try options.int("count", default: 1000, min: 1)
        let renders = try options.int("render", default: 50, min: 1)
        let setup = try RPCClient(socket: socket)
        let dealID = try prepare(setup)

        let numbers = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        let started = DispatchTime.now().uptimeNanoseconds
        let threads = (0..<connections).map { index in
            OSThread {
                do {
                    let client = try RPCClient(socket: socket)
                    for _ in stride(from: index, to: count, by: connections) {
                        let invoice = try client.call("invoice.createFromDeal", ["dealId": .int(dealID)])
                        numbers.withLock { $0.append(invoice["number"]?.stringValue ?? "") }
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        threads.forEach { $0.join() }
        let elapsed = DispatchTime.now().uptimeNanoseconds - started
        let issued = numbers.withLock { $0 }
        let sequence = issued.compactMap { Int($0.split(separator: "-").last ?? "") }.sorted()
        let consecutive = sequence.count == count && Set(sequence).count == count && sequence.last.map { $0 - (sequence.first ?? 0) + 1 } == count

        let invoiceID = try setup.call("invoice.list", ["limit": 1, "order": ["id": "desc"]])["items"]?.arrayValue?.first?["id"] ?? .null
        var samples: [UInt64] = []
        var size = 0
        for _ in 0..<renders {
            let reply = try setup.exchange(setup.request("invoice.render", ["id": invoiceID, "format": "pdf"]))
            let result = try RPCClient.result(of: reply.line)
            size = Data(base64Encoded: result["data"]?.stringValue ?? "")?.count ?? 0
            samples.append(reply.nanoseconds)
        }
        samples.sort()
        let rate = Double(count) / (Double(elapsed) / 1e9)
        let human = """
            invoice.createFromDeal from \(connections) connections: \(count) invoices in \(Format.ms(elapsed)) ms (\(Format.fixed(rate, 0))/s), \
            numbers distinct and consecutive: \(consecutive ? "yes" : "NO")\(failures.withLock { $0.isEmpty } ? "" : ", \(failures.withLock { $0.count }) failed")
            invoice.render pdf: median \(Format.ms(Format.quantile(samples, 0.5))) ms  p99 \(Format.ms(Format.quantile(samples, 0.99))) ms  size \(size) bytes
            """
        Format.emit(human, json: options.has("json") ? [
            "count": Format.integer(count), "connections": Format.integer(connections), "perSecond": Format.number(rate, 1),
            "consecutive": .bool(consecutive), "failures": Format.integer(failures.withLock { $0.count }),
            "renderMedianMs": Format.milliseconds(Format.quantile(samples, 0.5)), "renderP99Ms": Format.milliseconds(Format.quantile(samples, 0.99)),
            "pdfBytes": Format.integer(size),
        ] : nil)
        return consecutive && failures.withLock({ $0.isEmpty }) ? 0 : 1
    }

    /// A seller with requisites and a bank account, a buyer with requisites, a deal with two product rows.
    private static func prepare(_ client: RPCClient) throws -> Int64 {
        let seller = try client.call("company.add", ["fields": ["title": "Видеосистемы", "isMyCompany": true]])
        let requisite = try client.call("requisite.add", ["entityType": "company", "entityId": seller["id"] ?? .null, "preset": "legal",
                                                          "fields": ["inn": "7736207543", "kpp": "773601001", "shortName": "ООО «Видеосистемы»",
                                                                     "directorName": "Смирнов А. А.", "accountantName": "Кузнецова Е. В."]])
        _ = try client.call("bankDetail.add", ["requisiteId": requisite["id"] ?? .null,
                                               "fields": ["bik": "044525593", "account": "40702810801400016513", "bankName": "АО «Альфа-Банк»"]])
        let buyer = try client.call("company.add", ["fields": ["title": "ИП Петров"]])
        _ = try client.call("requisite.add", ["entityType": "company", "entityId": buyer["id"] ?? .null, "preset": "ip",
                                              "fields": ["inn": "500100732259", "shortName": "ИП Петров И. С."]])
        let deal = try client.call("deal.add", ["fields": ["title": "Видеонаблюдение", "companyId": buyer["id"] ?? .null]])
        _ = try client.call("deal.productRows.set", ["id": deal["id"] ?? .null, "rows": [
            ["name": "Камера IP 4 Мп", "price": "4500", "quantity": "8"], ["name": "Монтаж", "price": "45000", "unit": ["code": "876"]],
        ]])
        return deal["id"]?.int64Value ?? 0
    }
}
