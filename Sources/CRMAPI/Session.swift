import CRM
import JSONRPC
import Synchronization

/// One client's session, made by the transport when its connection opens (the socket, stdio,
/// and later the HTTP bridge alike): the user its calls act as, and the place for what later
/// capabilities keep per client (permissions, subscriptions, progress tokens).
package final class Session: Sendable {
    /// The connection's id, unique within one server.
    package let id: Int
    /// How the client reached the server (`stdio`, `socket`, `inProcess`).
    package let transport: String
    private let user: Atomic<Int64>

    package init(id: Int, transport: String, userID: Int64) {
        self.id = id
        self.transport = transport
        user = Atomic(userID)
    }

    /// The user the session acts as (the administrator until sign-in exists).
    package var userID: Int64 { user.load(ordering: .acquiring) }

    /// Acts as another user from the next call on.
    package func switchUser(to userID: Int64) { user.store(userID, ordering: .releasing) }

    /// Who a call of `method` in this session is, for the change path.
    package func caller(for method: String) -> Caller { .user(userID, cause: .call(method)) }
}
