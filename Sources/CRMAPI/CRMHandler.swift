import CRM
import Foundation
import JSONKit
import JSONRPC
import JSONSchema
import Storage

/// Answers JSON-RPC calls with the CRM: finds the method, validates its params against the
/// method's schema, runs it, and turns every failure into a JSON-RPC error with `data`.
/// Internal faults are logged to stderr and reach the client only as -32603.
package final class CRMHandler: RPCHandler {
    package static let version = "0.1.0"

    package let crm: CRM
    let schemas: SchemaRegistry
    private let methods: [String: Method]
    /// Subscriptions to the event log (`event.subscribe`).
    let events: EventHub
    /// The open connections by user, and live delivery of their notifications.
    let notifications: NotificationHub
    /// What each method asks of its caller's roles (`MethodPermission.table`).
    private let permissions: [String: MethodPermission]
    /// Each method's params and result schemas, compiled on its first call.
    private let methodSchemas: [String: MethodSchema]
    /// Also check every result against its schema (tests turn this on).
    private let validateResults: Bool
    /// The uid that runs crmd: a socket peer of that uid (mapped to nobody) is the administrator.
    let ownerUID: UInt32
    /// Methods a session whose identity no longer holds may still call: signing in anew.
    private static let callableWhenRefused: Set<String> = ["session.login"]

    package init(crm: CRM, validateResults: Bool = false, ownerUID: UInt32 = getuid()) throws {
        self.crm = crm
        self.validateResults = validateResults
        self.ownerUID = ownerUID
        let events = EventHub(crm: crm)
        crm.pool.addCommitObserver(events)
        self.events = events
        let notifications = NotificationHub()
        crm.pool.addCommitObserver(notifications)
        self.notifications = notifications
        let documents = try EmbeddedSchemas.documents.map { (path: $0.path, json: try JSON.parse($0.text)) }
        schemas = try SchemaRegistry(documents: documents.map(\.json), compilation: .onFirstUse)
        let discover = OpenRPCDocument.build(version: Self.version, documents: documents)
        let all = ServerMethods.all(crm, version: Self.version, startedAt: crm.clock.now(), discover: discover)
            + UserMethods.all(crm) + LeadMethods.all(crm) + FieldMethods.all(crm) + PipelineMethods.all(crm)
            + TimelineMethods.all(crm) + CustomerMethods.all(crm) + ConversionMethods.all(crm) + RequisiteMethods.all(crm)
            + AutomationMethods.all(crm) + ProductMethods.all(crm) + InvoiceMethods.all(crm)
            + TemplateMethods.all(crm) + SettingsMethods.all(crm) + DepartmentMethods.all(crm)
            + TokenMethods.all(crm) + SessionMethods.all(crm, notifications: notifications) + RoleMethods.all(crm) + EventMethods.all(crm, hub: events)
            + WebhookMethods.all(crm) + NotificationMethods.all(crm) + ActivityMethods.all(crm) + CalendarMethods.all(crm)
            + SMSMethods.all(crm) + ExchangeMethods.all(crm)
        let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
        methods = byName
        methodSchemas = Dictionary(uniqueKeysWithValues: all.map { [schemas] in ($0.name, MethodSchema(method: $0.name, registry: schemas)) })
        permissions = MethodPermission.table.filter { byName[$0.key] != nil }
        precondition(permissions.count == byName.count,
                     "methods without a permission: \(Set(byName.keys).subtracting(MethodPermission.table.keys).sorted())")
        let described = Set(documents.compactMap { $0.path.hasPrefix("methods/") ? $0.json["title"]?.stringValue : nil })
        precondition(described == Set(methods.keys), "methods and schemas differ: \(described.symmetricDifference(methods.keys).sorted())")
    }

    /// Every method name, sorted.
    package var methodNames: [String] { methods.keys.sorted() }

    package func handle(_ request: RPCRequest, connection: RPCConnection) -> Result<JSON, RPCError> {
        call(request, connection: connection) { method, params, context in
            let result = try method.run(params, context)
            return try checked(result, of: method) ? .success(result) : .failure(.internalError)
        }
    }

    /// The result written straight to text by a method that can (`Method.encode`), else
    /// `handle`'s value written.
    package func encodedResult(_ request: RPCRequest, connection: RPCConnection) -> Result<EncodedJSON, RPCError> {
        call(request, connection: connection) { method, params, context in
            guard let encode = method.encode else {
                let result = try method.run(params, context)
                return try checked(result, of: method) ? .success(EncodedJSON(result)) : .failure(.internalError)
            }
            let encoded = try encode(params, context)
            if validateResults {
                // The written form must be the value `run` gives, as JSONKit writes it.
                let expected = try method.run(params, context)
                guard encoded.bytes == expected.serialized() else {
                    log("\(method.name) wrote \(String(decoding: encoded.bytes, as: UTF8.self)), expected \(expected.text)")
                    return .failure(.internalError)
                }
                guard try checked(expected, of: method) else { return .failure(.internalError) }
            }
            return .success(encoded)
        }
    }

    /// Finds the method, validates the params against its schema, runs `body`, and turns every
    /// failure into a JSON-RPC error.
    private func call<T>(_ request: RPCRequest, connection: RPCConnection,
                         _ body: (Method, Params, CallContext) throws -> Result<T, RPCError>) -> Result<T, RPCError> {
        guard let method = methods[request.method], let schema = methodSchemas[request.method] else {
            return .failure(.methodNotFound(request.method))
        }
        do {
            let session = try session(of: connection)
            let identity = Self.callableWhenRefused.contains(method.name)
                ? session.identity : try session.currentIdentity(crm, ownerUID: ownerUID)
            let params = try Params(request.params)
            let problems = try schema.paramsProblems(.object(params.object))
            if !problems.isEmpty { return .failure(.invalidParams(problems.map { (path: $0.path, message: $0.message) })) }
            let context = CallContext(connection: connection, session: session, identity: identity, method: method.name)
            try permissions[method.name]!.check(params, context)
            return try body(method, params, context)
        } catch let error as CRMError {
            return .failure(RPCError(error))
        } catch let error as RPCError {
            return .failure(error)
        } catch {
            log("\(method.name) failed: \(error)")
            return .failure(.internalError)
        }
    }

    /// False (and logged) when results are checked and `result` breaks the method's schema.
    private func checked(_ result: JSON, of method: Method) throws -> Bool {
        guard validateResults else { return true }
        let problems = try methodSchemas[method.name]!.resultProblems(result)
        guard problems.isEmpty else {
            log("result of \(method.name) breaks its schema: \(problems.map { "\($0.path): \($0.message)" })")
            return false
        }
        return true
    }

    /// Lets a client in when who it is may call: a socket peer by its uid (see
    /// `AccessService.identity(unixUser:ownerUID:)`), stdio as the administrator. The session
    /// made for it is attached here; a refusal is 1006 `{reason, …}` sent before anything is read.
    package func admit(_ connection: RPCConnection) -> RPCError? {
        // A bridge client (a WebSocket, an HTTP request) is let in by its token, before this.
        if connection.session != nil { return nil }
        guard Self.localTransports.contains(connection.transportName) else { return Self.notSignedIn }
        return attachSession(to: connection) {
            connection.transportName == "socket"
                ? try crm.access.identity(unixUser: connection.peerUser, ownerUID: ownerUID)
                : try crm.access.owner()
        }
    }

    /// Lets a bridge client in as the user of API token `token` (`AccessService.login`): the
    /// HTTP bridge calls this before `RPCMessageChannel.open`. The refusal is 1006 `{reason}`.
    package func admit(_ connection: RPCConnection, token: String) -> RPCError? {
        attachSession(to: connection) { try crm.access.login(token: token) }
    }

    /// Attaches a session acting as the identity `who` gives; its refusal as the error.
    private func attachSession(to connection: RPCConnection, _ who: () throws -> Identity) -> RPCError? {
        do {
            let generation = crm.accessGeneration.value
            let identity = try who()
            connection.attachSession(Session(id: connection.id, transport: connection.transportName, identity: identity,
                                             generation: generation))
            notifications.register(connection, userID: identity.userID)
            return nil
        } catch let error as CRMError {
            return RPCError(error)
        } catch {
            log("admitting connection \(connection.id) failed: \(error)")
            return .internalError
        }
    }

    /// The user a connection's session acts as; nil before it was admitted.
    package func userID(of connection: RPCConnection) -> Int64? {
        (connection.session as? Session)?.userID
    }

    /// The transports whose client is on this machine, known by its uid or its pipe; any
    /// other (the HTTP bridge's) must sign in with a token.
    private static let localTransports: Set<String> = ["socket", "stdio"]
    private static let notSignedIn = RPCError(CRMError.accessRefused(
        reason: "notSignedIn", message: "sign in with an API token first", details: [:]))

    /// The session `admit` attached (made now, as the administrator's, for a local transport
    /// that does not call `admit`).
    private func session(of connection: RPCConnection) throws -> Session {
        if let session = connection.session as? Session { return session }
        guard Self.localTransports.contains(connection.transportName) else { throw Self.notSignedIn }
        let session = Session(id: connection.id, transport: connection.transportName, identity: try crm.access.owner(),
                              generation: crm.accessGeneration.value)
        connection.attachSession(session)
        notifications.register(connection, userID: session.userID)
        return session
    }

    package func connectionClosed(_ connection: RPCConnection) {
        notifications.remove(connectionID: connection.id)
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("crmd: \(message)\n".utf8))
    }
}
