import Testing
@testable import CRM

/// SHA-256 against the FIPS 180-4 examples and NIST's test vectors.
@Suite struct SHA256Tests {
    func hex(_ text: String) -> String { SHA256.hex(Array(text.utf8)) }

    @Test func knownAnswers() {
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Messages whose padding falls on either side of a block boundary (55, 56, 63, 64 bytes).
    @Test func paddingAtBlockBoundaries() {
        #expect(hex(String(repeating: "a", count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(hex(String(repeating: "a", count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(hex(String(repeating: "a", count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    /// The same digest whatever pieces the message comes in: empty pieces, pieces that end
    /// inside a block, on its boundary, and pieces of several blocks.
    @Test func piecewiseEqualsOneShot() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 55, 56, 63, 64, 65, 127, 128, 1_000, 10_007] {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let expected = SHA256.hash(message)
            for _ in 0..<20 {
                var hasher = SHA256.Hasher()
                var offset = 0
                while offset < length {
                    let piece = min(length - offset, [0, 1, 3, 63, 64, 65, 200].randomElement(using: &generator)!)
                    hasher.update(Array(message[offset..<offset + piece]))
                    offset += piece
                }
                #expect(hasher.finish() == expected, "length \(length)")
            }
        }
        var million = SHA256.Hasher()
        for _ in 0..<1_000 { million.update([UInt8](repeating: UInt8(ascii: "a"), count: 1_000)) }
        #expect(million.finish().map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func constantTimeComparison() {
        let digest = SHA256.hash(Array("abc".utf8))
        #expect(SHA256.constantTimeEqual(digest, SHA256.hash(Array("abc".utf8))))
        var flipped = digest
        flipped[31] ^= 1
        #expect(!SHA256.constantTimeEqual(digest, flipped))
        #expect(!SHA256.constantTimeEqual(digest, Array(digest.prefix(31))))
    }
}
