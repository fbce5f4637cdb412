import JSONKit

/// `user.current` and `profile`: the token's user, which scripts often ask for first, in
/// Bitrix24's field names. crmd keeps one `name`, given whole as `NAME`.
struct BitrixUsers {
    let session: BitrixSession

    func current() throws(BitrixError) -> BitrixReply {
        let user = try session.call("user.current", [:])
        var out: [String: JSON] = ["ID": .string(String(user["id"]?.int64Value ?? 0)), "ACTIVE": .bool(user["active"]?.boolValue ?? true),
                                   "NAME": user["name"] ?? .null, "LAST_NAME": "", "EMAIL": user["email"] ?? .null,
                                   "WORK_POSITION": user["position"] ?? .null, "PERSONAL_MOBILE": user["phone"] ?? .null,
                                   "TIME_ZONE": user["timeZone"] ?? .null]
        if let department = user["departmentId"]?.int64Value { out["UF_DEPARTMENT"] = [.int(department)] }
        return BitrixReply(result: .object(out))
    }
}
