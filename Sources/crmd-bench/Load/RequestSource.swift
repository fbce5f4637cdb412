import JSONKit

/// Writes the bytes of request number `index`, carrying the JSON-RPC id `id`, ending in `\n`.
///
/// Called in the load generator's hot loop: implementations splice numbers into bytes
/// serialized once, they never build JSON values.
protocol RequestSource: Sendable {
    func append(index: UInt64, id: UInt64, to buffer: ByteBuffer)
}

/// A request serialized once as `head <id> middle <argument> tail`.
struct TemplateRequest: RequestSource {
    /// How request number `index` fills the argument slot.
    enum Argument: Sendable {
        case none
        /// `low + (index % count) * step`: round-robin over every step-th id of a range.
        case cycle(low: UInt64, count: UInt64, step: UInt64)
        /// `index` in exactly `width` zero-padded digits (e.g. the tail of a phone number).
        case padded(width: Int)
    }

    let head: [UInt8]
    let middle: [UInt8]
    let tail: [UInt8]
    let argument: Argument

    /// `method` with params given as text around the argument slot (`paramsHead` + argument +
    /// `paramsTail` must be a JSON object).
    init(method: String, paramsHead: String, argument: Argument = .none, paramsTail: String = "") {
        head = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
        middle = Array(#","method":"\#(method)","params":\#(paramsHead)"#.utf8)
        tail = Array("\(paramsTail)}\n".utf8)
        self.argument = argument
    }

    @inline(__always)
    func append(index: UInt64, id: UInt64, to buffer: ByteBuffer) {
        buffer.append(head)
        buffer.appendDecimal(id)
        buffer.append(middle)
        switch argument {
        case .none: break
        case .cycle(let low, let count, let step): buffer.appendDecimal(low + index % count * step)
        case .padded(let width): buffer.appendPadded(index, width: width)
        }
        buffer.append(tail)
    }

    /// `lead.get {id}` over every `step`-th id of `low...high`, round-robin.
    static func leadGet(ids: ClosedRange<UInt64>, step: UInt64 = 1) -> TemplateRequest {
        TemplateRequest(method: "lead.get", paramsHead: #"{"id":"#,
                        argument: .cycle(low: ids.lowerBound, count: (ids.upperBound - ids.lowerBound) / step + 1, step: step),
                        paramsTail: "}")
    }

    /// `method` with the same params every time (a JSON object, serialized once).
    static func fixed(method: String, params: JSON) -> TemplateRequest {
        TemplateRequest(method: method, paramsHead: params.text)
    }

    /// `lead.add` of a complete lead (the fields `NEW` requires), a distinct phone per request.
    static func leadAdd() -> TemplateRequest {
        TemplateRequest(
            method: "lead.add",
            paramsHead: #"{"fields":{"title":"Bench","phones":[{"value":"+7916"#,
            argument: .padded(width: 7),
            paramsTail: #""}],"emails":[{"value":"b@example.ru"}],"city":"Москва","topic":"Тест"}}"#)
    }

    /// `lead.update` of lead 1's `source`, a new value each time: the update path without
    /// search text, phones or stage (a field no index reads).
    static func leadUpdate() -> TemplateRequest {
        TemplateRequest(method: "lead.update", paramsHead: #"{"id":1,"fields":{"source":"bench-"#, argument: .padded(width: 12),
                        paramsTail: #""}}"#)
    }
}
