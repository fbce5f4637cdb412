import JSONKit

/// Answers one framed message: decodes it, hands each valid call to the handler in order,
/// and gives each reply to the connection's `ReplyWriter` as soon as it exists, unless
/// nothing must be answered (a notification, a batch of notifications). Every call maps to
/// at most one reply and every request to exactly one, so a reply can be neither lost nor
/// doubled; every call of an accepted batch is made, whatever becomes of the replies.
struct Dispatcher: Sendable {
    let handler: any RPCHandler

    func answer(_ message: [UInt8], connection: RPCConnection, to writer: inout some ReplySink) {
        switch MessageDecoder.decode(message) {
        case .rejected(let error):
            writer.reply(id: .null, result: .failure(error))
        case .single(let call):
            if let (id, result) = make(call, connection: connection) {
                writer.reply(id: id, result: result)
            }
        case .batch(let calls):
            writer.beginBatch()
            for call in calls {
                if let (id, result) = make(call, connection: connection) {
                    writer.element(id: id, result: result)
                }
            }
            writer.endBatch()
        }
    }

    /// Makes one call; returns its reply, nil for a notification.
    private func make(_ call: MessageDecoder.Call, connection: RPCConnection) -> (RPCID, Result<EncodedJSON, RPCError>)? {
        switch call {
        case .invalid(let id, let error):
            return (id, .failure(error))
        case .request(let request):
            let result = handler.encodedResult(request, connection: connection)
            guard let id = request.id else { return nil }
            return (id, result)
        }
    }
}

/// Where a dispatcher puts replies: a connection's `ReplyWriter`, or a message transport's
/// `MessageReply`.
protocol ReplySink {
    /// The reply to a single request, or an error that answers a whole message.
    mutating func reply(id: RPCID, result: Result<EncodedJSON, RPCError>)
    mutating func beginBatch()
    mutating func element(id: RPCID, result: Result<EncodedJSON, RPCError>)
    mutating func endBatch()
}
