import Foundation
import JSONKit
import JSONRPC

/// The Bitrix24-compatible REST facade: `/rest/{userId}/{token}/{method}` answers Bitrix24's
/// CRM methods (`crm.lead.add`, `crm.deal.list`, `batch`, …) with Bitrix24's field names and
/// envelope, so a script written for Bitrix24 runs against crmd unchanged. It is a translation
/// only: every call becomes crmd methods made through `BridgeCaller` as the token's user —
/// the same schemas, permissions and events as the socket — never a second implementation of
/// the domain. Holds no state between requests.
package struct BitrixFacade: Sendable {
    package init() {}

    /// Answers one call. `method` is e.g. `crm.lead.add` (the router has removed a `.json`
    /// suffix), `query` the raw query string, `body` the request body of type `contentType`
    /// (JSON, a PHP-style form `fields[TITLE]=x`, or multipart). The router has resolved
    /// `caller` from the token and checked that the path's user is the token's.
    package func respond(method: String, query: String?, body: [UInt8], contentType: String?,
                         caller: BridgeCaller) -> (status: Int, body: [UInt8]) {
        let clock = BitrixClock()
        let session = BitrixSession(caller: caller)
        let outcome: Result<BitrixReply, BitrixError>
        do {
            let parameters = try BitrixParameters(query: query, body: body, contentType: contentType)
            outcome = .success(try run(method.lowercased(), parameters, session: session))
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let reply):
            var envelope: [String: JSON] = ["result": reply.result, "time": clock.finish()]
            if let total = reply.total { envelope["total"] = .int(total) }
            if let next = reply.next { envelope["next"] = .int(next) }
            return (200, JSON.object(envelope).serialized())
        case .failure(let error):
            return (error.status, error.json.serialized())
        }
    }

    /// The answer to a request whose token was refused (`error`), or whose path names another
    /// user than the token's (nil): 401, `expired_token` for an ended token, else `NO_AUTH_FOUND`.
    package static func refused(_ error: RPCError?) -> (status: Int, body: [UInt8]) {
        let refusal: BitrixError = error?.data?["reason"]?.stringValue == "tokenExpired" ? .expiredToken : .noAuth
        return (refusal.status, refusal.json.serialized())
    }

    /// One method, inside or outside a batch.
    func run(_ method: String, _ parameters: BitrixParameters, session: BitrixSession) throws(BitrixError) -> BitrixReply {
        switch method {
        case "batch": return try BitrixBatch(facade: self, session: session).run(parameters)
        case "user.current", "profile": return try BitrixUsers(session: session).current()
        default: break
        }
        let parts = method.split(separator: ".").map(String.init)
        guard parts.count >= 3, parts[0] == "crm" else { throw .methodNotFound }
        let verb = parts[parts.count - 1]
        let noun = parts[1..<(parts.count - 1)].joined(separator: ".")
        switch noun {
        case "lead", "deal", "contact", "company", "product":
            guard let entity = BitrixEntity.named(noun) else { throw .methodNotFound }
            return try record(verb, entity, parameters, session)
        case "deal.productrows":
            return try BitrixProductRows(session: session).run(verb, parameters)
        case "activity":
            return try BitrixActivities(session: session).run(verb, parameters)
        case "requisite":
            return try BitrixRequisites(session: session).run(verb, parameters)
        case "requisite.bankdetail":
            return try BitrixBankDetails(session: session).run(verb, parameters)
        case "duplicate":
            guard verb == "findbycomm" else { throw .methodNotFound }
            return try BitrixDuplicates(session: session).findByCommunication(parameters)
        case "status":
            guard verb == "list" else { throw .methodNotFound }
            return try BitrixStatuses(session: session).list(parameters)
        case "dealcategory.stage":
            guard verb == "list" else { throw .methodNotFound }
            return try BitrixStatuses(session: session).dealCategoryStages(parameters)
        default:
            throw .methodNotFound
        }
    }

    private func record(_ verb: String, _ entity: BitrixEntity, _ parameters: BitrixParameters,
                        _ session: BitrixSession) throws(BitrixError) -> BitrixReply {
        let methods = BitrixRecordMethods(entity: entity, session: session)
        switch verb {
        case "add": return try methods.add(parameters)
        case "get": return try methods.get(parameters)
        case "update": return try methods.update(parameters)
        case "delete": return try methods.delete(parameters)
        case "fields": return try methods.fields(parameters)
        case "list": return try BitrixListMethod(entity: entity, session: session).list(parameters)
        default: throw .methodNotFound
        }
    }
}

/// Bitrix24's `time` of a reply: when the call started and finished (seconds since the epoch,
/// and ISO 8601), how long it took.
struct BitrixClock {
    private let start = Date()

    func finish() -> JSON {
        let end = Date()
        let duration = end.timeIntervalSince(start)
        return ["start": Self.seconds(start), "finish": Self.seconds(end), "duration": Self.number(duration),
                "processing": Self.number(duration), "date_start": .string(Self.iso(start)), "date_finish": .string(Self.iso(end))]
    }

    /// A timing in seconds with microseconds: a measurement, not money, so a Double is right here.
    private static func number(_ value: Double) -> JSON {
        .number(JSONNumber(String(format: "%.6f", value)) ?? JSONNumber(0))
    }

    private static func seconds(_ date: Date) -> JSON { number(date.timeIntervalSince1970) }

    private static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return BitrixValue.bitrixInstant(formatter.string(from: date))
    }
}
