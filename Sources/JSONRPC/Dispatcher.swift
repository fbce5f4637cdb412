import JSONKit

/// Answers one framed message: decodes it, hands each valid call to the handler in order,
/// and appends the reply body, unless nothing must be answered (a notification, a batch of
/// notifications). Every call maps to at most one reply and every request to exactly one,
/// so a reply can be neither lost nor doubled.
struct Dispatcher: Sendable {
    let handler: any RPCHandler

    /// Appends the reply to `message` to `out`; returns false, leaving `out` as it was, when
    /// there is none.
    func reply(to message: [UInt8], connection: RPCConnection, into out: inout [UInt8]) -> Bool {
        switch MessageDecoder.decode(message) {
        case .rejected(let error):
            ReplyEncoder.reply(id: .null, result: .failure(error), into: &out)
            return true
        case .single(let call):
            return answer(call, connection: connection, into: &out)
        case .batch(let calls):
            let start = out.count
            out.append(UInt8(ascii: "["))
            var answered = false
            for call in calls {
                let mark = out.count
                if answered { out.append(UInt8(ascii: ",")) }
                if answer(call, connection: connection, into: &out) {
                    answered = true
                } else {
                    out.removeSubrange(mark...)
                }
            }
            guard answered else {
                out.removeSubrange(start...)
                return false
            }
            out.append(UInt8(ascii: "]"))
            return true
        }
    }

    /// Handles one call; returns whether a reply was appended.
    private func answer(_ call: MessageDecoder.Call, connection: RPCConnection, into out: inout [UInt8]) -> Bool {
        switch call {
        case .invalid(let id, let error):
            ReplyEncoder.reply(id: id, result: .failure(error), into: &out)
            return true
        case .request(let request):
            let result = handler.handle(request, connection: connection)
            guard let id = request.id else { return false }
            ReplyEncoder.reply(id: id, result: result, into: &out)
            return true
        }
    }
}
