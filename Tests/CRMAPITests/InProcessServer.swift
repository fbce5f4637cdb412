import CRM
import CRMAPI
import Foundation
import JSONKit
import JSONRPC
import TestSupport

/// crmd's handler behind a real `RPCServer` on one end of a socketpair, in this process, on a
/// fresh database, with every result checked against its schema.
final class InProcessServer: @unchecked Sendable {
    let directory: TemporaryDirectory
    let clock = ManualClock(1_795_000_000)
    let crm: CRM
    let server: RPCServer
    let client: SocketClient
    private let done = DispatchSemaphore(value: 0)

    init() throws {
        directory = try TemporaryDirectory(prefix: "crmd-api")
        crm = try CRM(path: directory.file("crm.sqlite"), clock: clock, synchronousFull: false)
        server = RPCServer(handler: try CRMHandler(crm: crm, validateResults: true))
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { throw SocketClient.Failure(description: "socketpair") }
        client = SocketClient(connected: fds[0])
        let serverEnd = fds[1]
        Thread.detachNewThread { [server, done] in
            server.serveStdio(input: serverEnd, output: serverEnd)
            close(serverEnd)
            done.signal()
        }
    }

    deinit {
        client.close()
        done.wait()
        server.shutdown()
        crm.close()
    }

    /// The error object of a call that must fail.
    func error(_ method: String, _ params: JSON) throws -> JSON {
        let reply = try client.request(method, params)
        guard let error = reply["error"] else { throw SocketClient.Failure(description: "\(method) succeeded: \(reply.text)") }
        return error
    }

    static let completeLead: JSON = [
        "title": "Монтаж", "phones": [["value": "+7 916 123-45-67"]], "emails": [["value": "a@b.ru"]],
        "city": "Москва", "topic": "Камеры",
    ]
}
