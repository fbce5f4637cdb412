/// Who a role is assigned to.
package enum RoleHolder: Sendable {
    case user(Int64)
    case department(Int64)

    var column: String {
        switch self {
        case .user: "user_id"
        case .department: "department_id"
        }
    }

    var id: Int64 {
        switch self {
        case .user(let id), .department(let id): id
        }
    }
}
