import JSONRPC
import RussianFormats

/// An answer of the 1C site exchange. 1C reads the text answers line by line — `success`,
/// `progress` or `failure` first, then the reason or `key=value` lines — in windows-1251, as
/// Bitrix, the protocol's origin, writes them; `query` answers the CommerceML file itself.
struct OneCAnswer {
    var status = 200
    var contentType = "text/plain; charset=windows-1251"
    var extraHeaders: [(String, String)] = []
    var body: [UInt8]

    /// Lines of text, each ended by `\n`. A character windows-1251 lacks (in a name or a
    /// message from the engine) is written as `?`: these lines are read by people, not matched.
    static func lines(_ lines: [String]) -> OneCAnswer {
        OneCAnswer(body: LegacyEncoding.windows1251.encode(lines.map { $0 + "\n" }.joined(), replacingWith: UInt8(ascii: "?")))
    }

    /// `success`, then `lines`.
    static func success(_ lines: [String] = []) -> OneCAnswer { .lines(["success"] + lines) }

    /// A CommerceML file, in the encoding its declaration names.
    static func commerceML(_ bytes: [UInt8], charset: String) -> OneCAnswer {
        OneCAnswer(contentType: "application/xml; charset=\(charset)", body: bytes)
    }

    var response: (status: Int, headers: [(String, String)], body: [UInt8]) {
        (status, [("Content-Type", contentType), ("Cache-Control", "no-store")] + extraHeaders, body)
    }
}

/// A request refused: answered `failure` and the reason on the next line.
struct OneCFailure: Error {
    let reason: String
    /// 200, as 1C shows the reason of a failure it reads; 401 (with a Basic challenge) only
    /// when no credentials came at all, so that a client that waits to be asked sends them.
    var status = 200

    init(_ reason: String, status: Int = 200) {
        self.reason = reason
        self.status = status
    }

    /// The engine's refusal, told as its message and, for invalid params, the first problem.
    init(_ error: RPCError, doing what: String) {
        var reason = "\(what): \(error.message)"
        if let first = error.data?["errors"]?.arrayValue?.first, let message = first["message"]?.stringValue {
            reason += " (\(first["path"]?.stringValue ?? "params"): \(message))"
        }
        self.init(reason)
    }

    var answer: OneCAnswer {
        var answer = OneCAnswer.lines(["failure", reason.split(whereSeparator: \.isNewline).joined(separator: " ")])
        answer.status = status
        if status == 401 { answer.extraHeaders = [("WWW-Authenticate", "Basic realm=\"crmd 1C exchange\", charset=\"UTF-8\"")] }
        return answer
    }
}
