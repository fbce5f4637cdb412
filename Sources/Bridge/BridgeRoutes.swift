import CRMAPI
import Foundation
import HTTP
import JSONKit
import JSONRPC
import Synchronization

/// What the bridge does with each request: who it is from (a bearer token, or the cookie of a
/// sign-in), whether its origin may change anything, and which endpoint answers it.
///
/// - `POST /login {token}`, `POST /logout`, `GET /session`: browser sign-ins (an `HttpOnly;
///   SameSite=Strict` cookie).
/// - `POST /rpc`: one JSON-RPC message or batch; `GET /rpc`: the same over a WebSocket.
/// - `GET /i/{token}`, `/i/{token}.pdf`: public invoice pages.
/// - `GET /openrpc.json`: the API's OpenRPC document (`rpc.discover`), for pages that render it.
/// - `/rest/{userId}/{token}/{method}[.json]`: the Bitrix24 REST facade, as the token's user.
/// - `/1c/exchange` (also `/bitrix/admin/1c_exchange.php`): the 1C site exchange.
/// - anything else `GET`: the reference web client's files.
///
/// A state-changing request (anything but GET, HEAD and OPTIONS, and the WebSocket upgrade)
/// whose `Origin` is neither the bridge's own nor an allowed one is 403: another page the user
/// has open cannot act through their sign-in. CORS headers go only to configured origins.
final class BridgeRoutes: Sendable {
    enum Routed {
        case response(HTTPResponse)
        /// Switch to a WebSocket acting as the user of `token`, after sending `accept`.
        case webSocket(accept: HTTPResponse, token: String)
    }

    let handler: CRMHandler
    let backend: HandlerBackend
    let configuration: BridgeConfiguration
    let signIns: SignIns
    private let web: StaticFiles
    private let invoices: InvoicePages
    private let oneC: OneCExchangeEndpoint
    private let bitrix = BitrixFacade()
    /// Callers by token, so that a client's requests do not each sign in anew (each call still
    /// checks that the token holds: `Session.currentIdentity`).
    private let callers = Mutex<[String: BridgeCaller]>([:])
    private static let maxCachedCallers = 1024

    init(handler: CRMHandler, configuration: BridgeConfiguration) {
        self.handler = handler
        self.configuration = configuration
        backend = HandlerBackend(handler: handler)
        signIns = SignIns(lifetime: configuration.sessionLifetime)
        web = StaticFiles(root: configuration.webRoot)
        invoices = InvoicePages(backend: backend)
        oneC = OneCExchangeEndpoint(backend: backend, spool: handler.crm.local.spoolDirectory)
    }

    func stop() {
        callers.withLock { $0 = [:] }
    }

    func route(_ request: HTTPRequest) -> Routed {
        let head = request.head
        let path = head.path
        if head.method == "OPTIONS" { return .response(preflight(head)) }
        let changesState = !["GET", "HEAD"].contains(head.method) || head.headers.containsToken("Upgrade", "websocket")
        if changesState, let refusal = checkOrigin(head) { return .response(refusal) }
        var response: HTTPResponse
        switch (head.method, path) {
        case ("GET", "/1c/exchange"), ("POST", "/1c/exchange"), ("GET", "/bitrix/admin/1c_exchange.php"), ("POST", "/bitrix/admin/1c_exchange.php"):
            let answer = oneC.respond(method: head.method, query: head.query, header: { head.headers[$0] }, body: request.body)
            response = HTTPResponse(status: answer.status, headers: HTTPHeaders(answer.headers), body: answer.body)
        case (_, _) where path.hasPrefix("/rest/"):
            response = rest(request)
        case ("GET", "/rpc"):
            guard head.headers.containsToken("Upgrade", "websocket") else {
                response = .plain(405, "GET /rpc is a WebSocket; send calls with POST /rpc.", headers: [("Allow", "POST")])
                break
            }
            return webSocket(head)
        case ("POST", "/rpc"):
            response = rpc(request)
        case ("POST", "/login"):
            response = login(request)
        case ("POST", "/logout"):
            response = logout(head)
        case ("GET", "/session"), ("HEAD", "/session"):
            response = session(head)
        case ("GET", "/openrpc.json"), ("HEAD", "/openrpc.json"):
            response = openRPC()
        case ("GET", _) where path.hasPrefix("/i/"), ("HEAD", _) where path.hasPrefix("/i/"):
            response = invoices.respond(path: path)
        case ("GET", _), ("HEAD", _):
            response = web.respond(path: path)
        case (_, "/rpc"), (_, "/login"), (_, "/logout"):
            response = .plain(405, "Method not allowed.", headers: [("Allow", "POST")])
        default:
            response = .plain(405, "Method not allowed.", headers: [("Allow", "GET, HEAD")])
        }
        addCORS(head, to: &response)
        return .response(response)
    }

    // MARK: - Who is calling

    /// The token a request acts with: `Authorization: Bearer`, else the sign-in cookie's.
    func token(of head: HTTPRequestHead) -> String? {
        if let authorization = head.headers["Authorization"] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return parts[1].trimmingCharacters(in: .whitespaces) }
            return nil
        }
        return sessionID(of: head).flatMap(signIns.token(for:))
    }

    private func sessionID(of head: HTTPRequestHead) -> String? {
        for header in head.headers.values("Cookie") {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == SignIns.cookieName {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    /// A caller for `token`, kept for the next request with it.
    func caller(token: String) -> Result<BridgeCaller, RPCError> {
        if let cached = callers.withLock({ $0[token] }) { return .success(cached) }
        let made = backend.caller(token: token)
        if case .success(let caller) = made {
            callers.withLock { callers in
                if callers.count >= Self.maxCachedCallers { callers.removeAll() }
                callers[token] = caller
            }
        }
        return made
    }

    /// 401 with the JSON-RPC error as the body.
    private static func unauthorized(_ error: RPCError) -> HTTPResponse {
        .json(401, ["error": error.json], headers: [("WWW-Authenticate", #"Bearer realm="crmd""#)])
    }

    private static let notSignedIn = RPCError(code: 1006, message: "Sign in first: an API token as a bearer token, or POST /login.",
                                              data: ["reason": "notSignedIn"])

    // MARK: - Endpoints

    private func rpc(_ request: HTTPRequest) -> HTTPResponse {
        let type = request.head.headers["Content-Type"]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/json" || type == "application/json-rpc" else {
            return .plain(415, "Send the JSON-RPC message as application/json.")
        }
        guard let token = token(of: request.head) else { return Self.unauthorized(Self.notSignedIn) }
        switch caller(token: token) {
        case .failure(let error):
            return Self.unauthorized(error)
        case .success(let caller):
            guard let reply = caller.answer(request.body) else { return HTTPResponse(status: 204) }
            return .json(200, bytes: reply)
        }
    }

    private func webSocket(_ head: HTTPRequestHead) -> Routed {
        switch WebSocketHandshake.response(to: head) {
        case .failure(let refusal):
            return .response(refusal)
        case .success(let accept):
            guard let token = token(of: head) else { return .response(Self.unauthorized(Self.notSignedIn)) }
            // Refuse a bad token with a status, before switching protocols.
            if case .failure(let error) = caller(token: token) { return .response(Self.unauthorized(error)) }
            return .webSocket(accept: accept, token: token)
        }
    }

    /// A Bitrix24 REST call: the token in the path is an API token, and the path's user must be
    /// its user (as a Bitrix24 webhook URL names both).
    private func rest(_ request: HTTPRequest) -> HTTPResponse {
        let parts = request.head.path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, !parts[3].isEmpty, !parts[4].isEmpty else {
            return .json(404, ["error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"])
        }
        var method = String(parts[4])
        if method.hasSuffix(".json") { method.removeLast(5) }
        let answer: (status: Int, body: [UInt8])
        switch caller(token: String(parts[3])) {
        case .failure(let error):
            answer = BitrixFacade.refused(error)
        case .success(let caller) where String(caller.userID) != parts[2]:
            answer = BitrixFacade.refused(nil)
        case .success(let caller):
            answer = bitrix.respond(method: method, query: request.head.query, body: request.body,
                                    contentType: request.head.headers["Content-Type"], caller: caller)
        }
        return .json(answer.status, bytes: answer.body)
    }

    /// The OpenRPC document: the methods and their schemas are no secret.
    private func openRPC() -> HTTPResponse {
        switch backend.administrator.call("rpc.discover", [:]) {
        case .success(let document): return .json(200, document)
        case .failure: return .plain(500, "The API document could not be made.")
        }
    }

    private func login(_ request: HTTPRequest) -> HTTPResponse {
        guard let body = try? JSON.parse(request.body), let token = body["token"]?.stringValue else {
            return .json(400, ["error": RPCError.invalidParams([(path: "/token", message: "send {\"token\": \"…\"}")]).json])
        }
        switch caller(token: token) {
        case .failure(let error):
            return Self.unauthorized(error)
        case .success(let caller):
            let user = (try? caller.call("user.current", [:]).get()) ?? .null
            let id = signIns.add(token: token)
            return .json(200, ["user": user], headers: [("Set-Cookie", cookie(id, maxAge: nil))])
        }
    }

    private func logout(_ head: HTTPRequestHead) -> HTTPResponse {
        if let id = sessionID(of: head) { signIns.remove(id) }
        return .json(200, ["signedOut": true], headers: [("Set-Cookie", cookie("", maxAge: 0))])
    }

    private func session(_ head: HTTPRequestHead) -> HTTPResponse {
        guard let token = token(of: head) else { return Self.unauthorized(Self.notSignedIn) }
        switch caller(token: token) {
        case .failure(let error):
            return Self.unauthorized(error)
        case .success(let caller):
            switch caller.call("user.current", [:]) {
            case .success(let user): return .json(200, ["user": user])
            case .failure(let error): return Self.unauthorized(error)
            }
        }
    }

    private func cookie(_ value: String, maxAge: Int?) -> String {
        "\(SignIns.cookieName)=\(value); Path=/; HttpOnly; SameSite=Strict" + (maxAge.map { "; Max-Age=\($0)" } ?? "")
    }

    // MARK: - Origins

    /// 403 when the request comes from a page of another origin.
    private func checkOrigin(_ head: HTTPRequestHead) -> HTTPResponse? {
        if head.headers["Sec-Fetch-Site"]?.lowercased() == "cross-site", head.headers["Origin"].map(isAllowed) != true {
            return .plain(403, "Cross-site requests are refused.")
        }
        guard let origin = head.headers["Origin"] else { return nil }
        if isAllowed(origin) || isOwn(origin, head) { return nil }
        return .plain(403, "Requests from \(origin) are refused: it is not an allowed origin.")
    }

    private func isAllowed(_ origin: String) -> Bool {
        configuration.allowedOrigins.contains(origin) || configuration.corsOrigins.contains(origin)
    }

    private func isOwn(_ origin: String, _ head: HTTPRequestHead) -> Bool {
        guard let host = head.headers["Host"] else { return false }
        return origin == "http://\(host)"
    }

    private func addCORS(_ head: HTTPRequestHead, to response: inout HTTPResponse) {
        guard let origin = head.headers["Origin"], configuration.corsOrigins.contains(origin) else { return }
        response.headers.set("Access-Control-Allow-Origin", origin)
        response.headers.add("Vary", "Origin")
    }

    /// A CORS preflight: allowed for configured origins only.
    private func preflight(_ head: HTTPRequestHead) -> HTTPResponse {
        guard let origin = head.headers["Origin"], configuration.corsOrigins.contains(origin) else {
            return .plain(403, "CORS is not allowed for this origin.")
        }
        var response = HTTPResponse(status: 204)
        response.headers.set("Access-Control-Allow-Origin", origin)
        response.headers.set("Access-Control-Allow-Methods", "GET, POST")
        response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type")
        response.headers.set("Access-Control-Max-Age", "600")
        response.headers.add("Vary", "Origin")
        return response
    }
}
