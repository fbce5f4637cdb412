/// The secret of an API token as a client holds it: `crmd_<id>_<43 base64url characters>`, the
/// id to find the stored hash by and 32 random bytes. Only `SHA256` of the whole text is
/// stored, and the hashes are compared in constant time.
package struct TokenSecret: Sendable, Equatable {
    package let tokenID: Int64
    package let text: String

    static let prefix = "crmd_"

    /// A new secret for token `tokenID`, from the system's random source (getrandom(2)).
    static func generate(tokenID: Int64) -> TokenSecret {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return TokenSecret(tokenID: tokenID, text: "\(prefix)\(tokenID)_\(base64URL(bytes))")
    }

    /// The token id a secret names; nil when the text does not have a secret's form.
    init?(_ text: String) {
        guard text.hasPrefix(Self.prefix), text.utf8.count <= 100 else { return nil }
        let rest = text.dropFirst(Self.prefix.count)
        guard let separator = rest.firstIndex(of: "_"), let id = Int64(rest[..<separator]), id > 0,
              rest[rest.index(after: separator)...].utf8.count == 43 else { return nil }
        self.init(tokenID: id, text: text)
    }

    private init(tokenID: Int64, text: String) {
        self.tokenID = tokenID
        self.text = text
    }

    /// What is stored of it.
    var hash: [UInt8] { SHA256.hash(Array(text.utf8)) }

    /// RFC 4648 §5 without padding.
    static func base64URL(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << UInt32(16 - 8 * offset) }
            for position in 0...chunk.count { out.append(alphabet[Int(value >> UInt32(18 - 6 * position) & 63)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}
