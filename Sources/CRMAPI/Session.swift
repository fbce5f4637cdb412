import CRM
import JSONRPC
import Synchronization

/// One client's session, made by the transport when its connection opens (the socket, stdio,
/// and later the HTTP bridge alike): the `Identity` its calls act as — the user, their
/// department, how they signed in — and the place for what later capabilities keep per client
/// (subscriptions, progress tokens). A permission check is one look at `identity`.
///
/// The identity is checked again before a call whenever users, departments, tokens or settings
/// changed since it was last checked (`CRM.accessGeneration`), and a token's end on every call,
/// so a deactivated user or a revoked or expired token is refused from the next call on.
package final class Session: Sendable {
    /// The connection's id, unique within one server.
    package let id: Int
    /// How the client reached the server (`stdio`, `socket`).
    package let transport: String
    private let state: Mutex<(identity: Identity, generation: UInt64)>

    package init(id: Int, transport: String, identity: Identity, generation: UInt64) {
        self.id = id
        self.transport = transport
        state = Mutex((identity, generation))
    }

    /// Who the session acts as, as last checked.
    package var identity: Identity { state.withLock { $0.identity } }

    /// The user the session acts as.
    package var userID: Int64 { identity.userID }

    /// Acts as `identity` from the next call on (`session.login`).
    package func switchIdentity(to identity: Identity, generation: UInt64) {
        state.withLock { $0 = (identity, generation) }
    }

    /// The identity a call acts as: the one kept, checked again against the database when
    /// something it rests on changed; throws the refusal (1006) when it no longer holds.
    package func currentIdentity(_ crm: CRM, ownerUID: UInt32) throws -> Identity {
        let generation = crm.accessGeneration.value
        var (identity, checked) = state.withLock { $0 }
        if checked != generation {
            // Read the generation before the rows: a change committed meanwhile raises it again.
            identity = try crm.access.refresh(identity, ownerUID: ownerUID)
            state.withLock { $0 = (identity, generation) }
        }
        try crm.access.requireCurrent(identity)
        return identity
    }
}
