/// HMAC-SHA-256 (RFC 2104, FIPS 198-1) over `SHA256`: how webhook messages are signed
/// (Standard Webhooks: `v1,<base64 HMAC of id.timestamp.body>`). Checked against RFC 4231.
package enum HMACSHA256 {
    static let blockSize = 64

    package static func authenticate(_ message: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        var block = key.count > blockSize ? SHA256.hash(key) : Array(key)
        block += Array(repeating: 0, count: blockSize - block.count)
        let inner = block.map { $0 ^ 0x36 } + Array(message)
        let outer = block.map { $0 ^ 0x5c } + SHA256.hash(inner)
        return SHA256.hash(outer)
    }
}
