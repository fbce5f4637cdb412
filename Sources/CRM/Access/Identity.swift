/// Who a session acts as, and how it came to: the facts a permission check needs (the user,
/// their department) and what must still hold for the session to go on (the token's end).
/// Sessions keep one and get it checked again whenever users, departments, tokens or settings
/// changed (`AccessGeneration`).
package struct Identity: Sendable, Equatable {
    /// How the session was authenticated.
    package enum Source: Sendable, Equatable {
        /// stdio, or a socket peer running as the uid that runs crmd: the administrator.
        case owner
        /// A socket peer whose uid is mapped to a user (`user.update {unixUser}`).
        case unixUser(UInt32)
        /// A socket peer whose uid is mapped to nobody, let in by `settings.unmappedUnixUsers`.
        case unmappedUnixUser(UInt32)
        /// `session.login` with this API token.
        case token(Int64)
    }

    package let userID: Int64
    package let departmentID: Int64?
    package let source: Source
    /// When the token ends (seconds since the epoch); nil when it does not.
    package let expiresAt: Int64?
    /// The token's scopes as given to `token.add`: they narrow what the session may do (`Access.reach`).
    package let scopes: [String]?
    /// The roles the user holds, directly or through their department and those above it.
    package let roleIDs: Set<Int64>
    /// What those roles allow, combined.
    package let permissions: Permissions
    /// What the session may do and reach (the permissions narrowed by the token's scopes):
    /// every call's `Caller` carries it.
    package let access: Access

    package init(userID: Int64, departmentID: Int64?, source: Source, expiresAt: Int64? = nil, scopes: [String]? = nil,
                 roleIDs: Set<Int64> = [], permissions: Permissions = Permissions(), departmentUserIDs: [Int64] = []) {
        self.userID = userID
        self.departmentID = departmentID
        self.source = source
        self.expiresAt = expiresAt
        self.scopes = scopes
        self.roleIDs = roleIDs
        self.permissions = permissions
        let colleagues = Set(departmentUserIDs).union([userID]).sorted()
        access = Access(userID: userID, permissions: permissions, departmentUserIDs: colleagues, scopes: scopes)
    }

    /// The same identity with another token's end and scopes.
    func with(expiresAt: Int64?, scopes: [String]?) -> Identity {
        Identity(userID: userID, departmentID: departmentID, source: source, expiresAt: expiresAt, scopes: scopes,
                 roleIDs: roleIDs, permissions: permissions, departmentUserIDs: access.departmentUserIDs)
    }

    /// The uid of the socket peer this identity was made for, if any.
    package var unixUser: UInt32? {
        switch source {
        case .unixUser(let uid), .unmappedUnixUser(let uid): uid
        case .owner, .token: nil
        }
    }
}
