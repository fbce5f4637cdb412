/// One JSON value already written as text in the form `JSON.write` gives (compact, object keys
/// sorted, strings escaped alike), carried into a larger document verbatim: a reply's result
/// that was written straight from where it was stored, without a `JSON` tree in between.
public struct EncodedJSON: Sendable {
    public let bytes: [UInt8]

    /// `value` as `JSON.write` writes it.
    public init(_ value: JSON) {
        bytes = value.serialized()
    }

    /// Bytes that the caller wrote to be exactly what `JSON.write` would write for their value;
    /// nothing checks it here (tests compare the two forms).
    public init(written bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The value parsed back.
    public func parsed() throws(JSONParseError) -> JSON {
        try JSON.parse(bytes)
    }
}
