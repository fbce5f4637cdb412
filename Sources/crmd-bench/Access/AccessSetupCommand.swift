import JSONKit

/// `crmd-bench access-setup`: makes a user with one built-in role, assigns them every n-th lead of
/// a seeded server (pipelined `lead.update`s) and an API token, for bench/access to compare the
/// administrator with that user on the same calls.
enum AccessSetupCommand {
    static let usage = """
        crmd-bench access-setup --socket PATH [--own 1000] [--role manager] [--name manager] [--json]
          adds the user --name with the built-in role --role (role.list by code), assigns them
          --own leads spread evenly over ids 1..the highest (lead 1, 1 + step, …; step = highest / own),
          makes a token (token.add) and prints userId, token, firstId, step, lastId and how many
          leads each side sees (lead.list count:true, as the administrator and signed in).
        """

    static func run(_ arguments: ArraySlice<String>) throws -> Int32 {
        let options = try Options(arguments, options: ["socket", "own", "role", "name"], flags: ["json"])
        let socket = try options.required("socket")
        let own = try options.int("own", default: 1000, min: 1)
        let roleCode = options.string("role") ?? "manager"
        let name = options.string("name") ?? "manager"
        let started = MonotonicClock.now()
        let admin = try RPCClient(socket: socket)

        let newest = try admin.call("lead.list", ["order": ["id": "desc"], "select": ["id"], "limit": 1])
        guard let highest = newest["items"]?.arrayValue?.first?["id"]?.intValue, highest >= own else {
            throw RPCError(description: "fewer leads than --own \(own): \(newest.text)")
        }
        let roles = try admin.call("role.list")["items"]?.arrayValue ?? []
        guard let roleID = roles.first(where: { $0["code"]?.stringValue == roleCode })?["id"]?.intValue else {
            throw RPCError(description: "no role with code '\(roleCode)' in role.list")
        }
        guard let userID = try admin.call("user.add", ["fields": ["name": .string(name)]])["id"]?.intValue else {
            throw RPCError(description: "user.add returned no id")
        }
        _ = try admin.call("user.setRoles", ["id": .int(userID), "roleIds": [.int(roleID)]])

        let step = highest / own
        let updates = TemplateRequest(method: "lead.update", paramsHead: #"{"id":"#,
                                      argument: .cycle(low: 1, count: UInt64(own), step: UInt64(step)),
                                      paramsTail: #","fields":{"assignedTo":\#(userID)}}"#)
        let summary = try LoadDriver.run(endpoint: .socket(path: socket), connections: 4, depth: 8, source: updates,
                                         control: RunControl(limit: UInt64(own)), indexStride: 0, warmup: 0,
                                         duration: nil, readTimeout: 30)
        LoadCommand.warnAboutProblems(summary)
        guard summary.totalReplies - summary.errorReplies == UInt64(own), summary.failures.isEmpty else {
            throw RPCError(description: "assigning \(own) leads: \(summary.errorReplies) error(s)")
        }

        guard let token = try admin.call("token.add", ["userId": .int(userID), "name": "bench/access"])["token"]?.stringValue else {
            throw RPCError(description: "token.add returned no token")
        }
        let counting: JSON = ["count": true, "limit": 1]
        let adminSees = try admin.call("lead.list", counting)["total"]?.intValue ?? -1
        let signedIn = try RPCClient(socket: socket)
        try signedIn.login(token: token)
        let userSees = try signedIn.call("lead.list", counting)["total"]?.intValue ?? -1
        let seconds = Double(MonotonicClock.now() - started) / 1e9

        let json: JSON = [
            "userId": .int(userID), "roleId": .int(roleID), "token": .string(token),
            "own": .int(own), "firstId": 1, "step": .int(step), "lastId": .int(1 + (own - 1) * step),
            "highestId": .int(highest), "adminSees": .int(adminSees), "userSees": .int(userSees),
            "seconds": Format.number(seconds),
        ]
        Format.emit("user \(userID) '\(name)' (role \(roleCode) = \(roleID)): leads 1, \(1 + step) … \(1 + (own - 1) * step)"
                    + " (every \(step)th of \(highest)) assigned, token made in \(Format.fixed(seconds, 1)) s;"
                    + " lead.list total: administrator \(adminSees), \(name) \(userSees)",
                    json: options.has("json") ? json : nil)
        return 0
    }
}
