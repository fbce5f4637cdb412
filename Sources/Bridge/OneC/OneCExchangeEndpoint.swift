import CRM
import Foundation
import JSONKit
import JSONRPC

/// The 1C site-exchange protocol ("обмен с сайтом", issue 14 item 2) at the exchange URL
/// (`/1c/exchange`, `/bitrix/admin/1c_exchange.php`). 1C always starts it and drives
/// `?type=sale&mode=…`; each mode is a thin layer over an exchange method, called as the
/// signed-in user through the bridge's backend:
///
/// - `checkauth`: HTTP Basic authorization — the user name is the crmd user's e-mail (or their
///   id), the password an API token of that user (`token.add`). The user needs the exchange
///   rights (the built-in `exchange` role). Answers `success`, the cookie's name and value that
///   every later request presents (`Cookie: name=value`), then `sessid=` and `timestamp=`.
/// - `init`: `zip=no`, `file_limit=`, `sessid=`, `version=`; files not imported are dropped.
/// - `query`: `exchange.export1C` — the invoices changed since 1C last acknowledged, as
///   CommerceML 2.05 in windows-1251.
/// - `success`: `exchange.acknowledge` of what this session's last `query` sent, no more.
/// - `file&filename=X`: the body is appended to upload X (1C sends a large file in chunks).
/// - `import&filename=X`: `exchange.importPayments {format: "commerceml"}` of upload X in one
///   transaction, so never `progress`; the upload is dropped whatever the outcome (1C sends a
///   refused file again whole).
///
/// Anything else — no session, a wrong `sessid`, `type=catalog`, an unknown mode — is
/// `failure` and a reason on the next line.
package final class OneCExchangeEndpoint: Sendable {
    /// The name of the session cookie `checkauth` gives.
    package static let cookieName = "crmd_1c_session"
    /// The CommerceML version `query` writes and `init` tells.
    static let version = "2.05"

    private let backend: any BridgeBackend
    /// Where `query` has the export written (crmd's spool directory), so the file comes back as
    /// a file rather than as base64 inside a call's result; nil: in the result.
    private let spool: String?
    private let limits: OneCExchangeLimits
    private let clock: any Clock
    private let sessions: OneCSessions

    package init(backend: any BridgeBackend, spool: String? = nil, limits: OneCExchangeLimits = OneCExchangeLimits(),
                 clock: any Clock = SystemClock()) {
        self.backend = backend
        self.spool = spool
        self.limits = limits
        self.clock = clock
        sessions = OneCSessions(limits: limits, clock: clock)
    }

    /// Answers one request of the 1C site-exchange protocol (GET or POST): `query` the raw
    /// query string, `header` a case-insensitive lookup, `body` the raw bytes.
    package func respond(method: String, query: String?, header: (String) -> String?, body: [UInt8])
        -> (status: Int, headers: [(String, String)], body: [UInt8]) {
        let request = OneCRequest(query: query, header: header)
        do {
            return try answer(request, method: method, body: body).response
        } catch {
            return error.answer.response
        }
    }

    private func answer(_ request: OneCRequest, method: String, body: [UInt8]) throws(OneCFailure) -> OneCAnswer {
        switch request.type {
        case "sale": break
        case "catalog": throw OneCFailure("crmd exchanges orders only (type=sale): it takes no catalog from 1C (type=catalog)")
        case nil: throw OneCFailure("the request names no exchange type (type=sale)")
        case let other?: throw OneCFailure("unknown exchange type «\(other)»; crmd exchanges orders (type=sale)")
        }
        guard let name = request.mode else { throw OneCFailure("the request names no mode (mode=checkauth, init, query, success, file, import)") }
        guard let mode = Mode(rawValue: name) else {
            throw OneCFailure("unknown mode «\(name)»; the exchange of orders has checkauth, init, query, success, file and import")
        }
        switch mode {
        case .checkauth:
            return try checkAuthorization(request)
        case .start:
            let session = try session(of: request)
            sessions.dropUploads(session.cookie)
            return .lines(["zip=no", "file_limit=\(limits.fileLimit)", "sessid=\(session.sessid)", "version=\(Self.version)"])
        case .query:
            return try exportInvoices(try session(of: request))
        case .success:
            return try acknowledge(try session(of: request))
        case .file:
            let session = try session(of: request)
            guard method == "POST" else { throw OneCFailure("mode=file takes the file's bytes as the body of a POST") }
            return try receive(request, body: body, into: session)
        case .import:
            return try importFile(request, from: try session(of: request))
        }
    }

    /// The session whose cookie the request presents, with its `sessid` if 1C sends one back.
    private func session(of request: OneCRequest) throws(OneCFailure) -> OneCSessions.Handle {
        guard let cookie = request.cookie(Self.cookieName), let session = sessions.use(cookie) else {
            throw OneCFailure("no exchange session: sign in first (mode=checkauth) and send its cookie \(Self.cookieName)")
        }
        if let sessid = request.sessid, sessid != session.sessid {
            throw OneCFailure("the sessid does not belong to this exchange session")
        }
        return session
    }

    /// The steps of the exchange of orders, as 1C names them in `mode=`.
    private enum Mode: String {
        case checkauth, start = "init", query, success, file, `import`
    }

    /// `checkauth`: the Basic credentials name a user and carry an API token of theirs; that
    /// user may take part in the exchange. A new session, told to 1C as its cookie.
    private func checkAuthorization(_ request: OneCRequest) throws(OneCFailure) -> OneCAnswer {
        guard let credentials = request.credentials else {
            throw OneCFailure("HTTP Basic authorization is required: the user's e-mail and an API token of theirs", status: 401)
        }
        guard case .basic(let name, let token) = credentials else {
            throw OneCFailure("the Authorization header is not HTTP Basic with a user name and a token")
        }
        let caller: BridgeCaller
        switch backend.caller(token: token) {
        case .success(let signedIn): caller = signedIn
        case .failure(let error): throw OneCFailure(error, doing: "the token is refused")
        }
        let user: JSON
        switch caller.call("user.current", [:]) {
        case .success(let current): user = current
        case .failure(let error): throw OneCFailure(error, doing: "the token's user cannot be read")
        }
        let given = name.trimmingCharacters(in: .whitespaces)
        let email = user["email"]?.stringValue
        guard given == String(caller.userID) || (email.map { $0.lowercased() == given.lowercased() } ?? false) else {
            throw OneCFailure("the token is not one of user «\(given)»: the user name is the e-mail (or the id) of the token's user")
        }
        // The exchange's lightest read: a user whose roles give no exchange rights at all is
        // refused here rather than at the first query (the built-in `exchange` role has them all).
        if case .failure(let error) = caller.call("payment.unmatched", ["limit": 1]) {
            throw OneCFailure(error, doing: "user «\(given)» may not take part in the 1C exchange (give them the exchange role)")
        }
        let (cookie, sessid) = sessions.open(caller)
        return .success([Self.cookieName, cookie, "sessid=\(sessid)", "timestamp=\(clock.now())"])
    }

    /// `query`: the invoices not yet acknowledged, as the CommerceML file itself. With a spool
    /// directory the export streams into a file there (flat memory in crmd's engine, no base64),
    /// read back once for the answer and removed.
    private func exportInvoices(_ session: OneCSessions.Handle) throws(OneCFailure) -> OneCAnswer {
        var params: [String: JSON] = ["encoding": "windows-1251", "version": .string(Self.version)]
        var file: String?
        if let spool {
            do {
                try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw OneCFailure("the invoices cannot be exported: crmd's spool directory \(spool) cannot be made (\(error.localizedDescription))")
            }
            let path = spool + "/1c-query-\(UUID().uuidString).xml"
            params["path"] = .string(path)
            file = path
        }
        defer { if let file { unlink(file) } }
        let exported: JSON
        switch session.caller.call("exchange.export1C", .object(params)) {
        case .success(let result): exported = result
        case .failure(let error): throw OneCFailure(error, doing: "the invoices cannot be exported")
        }
        guard let until = exported["until"]?.int64Value else { throw OneCFailure("the export gave no file") }
        let bytes: [UInt8]
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else { throw OneCFailure("the export's file \(file) cannot be read") }
            bytes = [UInt8](data)
        } else {
            guard let text = exported["data"]?.stringValue, let data = Data(base64Encoded: text) else { throw OneCFailure("the export gave no file") }
            bytes = [UInt8](data)
        }
        sessions.recordSent(session.cookie, until: until)
        return .commerceML(bytes, charset: "windows-1251")
    }

    /// `success`: 1C took what this session's last `query` sent.
    private func acknowledge(_ session: OneCSessions.Handle) throws(OneCFailure) -> OneCAnswer {
        guard let until = sessions.sent(session.cookie) else { throw OneCFailure("nothing to acknowledge: this session has sent no orders (mode=query)") }
        if case .failure(let error) = session.caller.call("exchange.acknowledge", ["until": .int(until)]) {
            throw OneCFailure(error, doing: "the export cannot be acknowledged")
        }
        return .success()
    }

    /// `file`: one chunk of a file 1C uploads, appended to what came before under its name.
    private func receive(_ request: OneCRequest, body: [UInt8], into session: OneCSessions.Handle) throws(OneCFailure) -> OneCAnswer {
        let file = try OneCFileName(request.fileName)
        guard !body.isEmpty else { throw OneCFailure("the request carries none of «\(file.text)»: its bytes are the POST body") }
        guard body.count <= limits.fileLimit else {
            throw OneCFailure("a chunk of «\(file.text)» is \(body.count) bytes, more than file_limit=\(limits.fileLimit)")
        }
        try sessions.append(body, to: file, of: session.cookie)
        return .success()
    }

    /// `import`: the uploaded file applied by `exchange.importPayments`; the summary follows `success`.
    private func importFile(_ request: OneCRequest, from session: OneCSessions.Handle) throws(OneCFailure) -> OneCAnswer {
        let file = try OneCFileName(request.fileName)
        guard let bytes = sessions.take(file, of: session.cookie) else {
            throw OneCFailure("«\(file.text)» was not uploaded in this exchange session (mode=file)")
        }
        let result: JSON
        switch session.caller.call("exchange.importPayments", ["format": "commerceml", "data": .string(Data(bytes).base64EncodedString())]) {
        case .success(let applied): result = applied
        case .failure(let error): throw OneCFailure(error, doing: "«\(file.text)» is not imported")
        }
        return .success([Self.summary(result)])
    }

    /// What an import did, in one line for 1C's log: `documents 7, payments 2, attached 3,
    /// cancelled 1, not applied 1 (2026-00077 notFound)`.
    private static func summary(_ result: JSON) -> String {
        let count = { (key: String) in result[key]?.int64Value ?? 0 }
        let unmatched = result["unmatched"]?.arrayValue ?? []
        var line = "documents \(count("documents")), payments \(count("payments")), attached \(count("attached")), "
            + "cancelled \(count("cancelled")), not applied \(unmatched.count)"
        if !unmatched.isEmpty {
            let shown = unmatched.prefix(10).map { "\($0["number"]?.stringValue ?? "no number") \($0["reason"]?.stringValue ?? "")" }
            line += " (\(shown.joined(separator: ", "))\(unmatched.count > 10 ? ", …" : ""))"
        }
        return line
    }
}
