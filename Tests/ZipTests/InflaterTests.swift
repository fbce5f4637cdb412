import Foundation
import Testing
import TestSupport
@testable import Zip

@Suite struct InflaterTests {
    /// Writes `<kind>.bin` and `<kind>-<level>.deflate` (raw, wbits=-15) for every kind and level,
    /// plus streams made with the fixed, Huffman-only and RLE strategies.
    static let fixtureScript = #"""
    import zlib, random
    random.seed(7)
    words = "реестр МСП registry company Общество ограниченной ответственностью ИНН 7736207543 ".split()
    text = " ".join(random.choice(words) for _ in range(40000)).encode("utf-8")
    kinds = {
        "empty": b"",
        "one": b"A",
        "short": b"hello, hello, hello inflate",
        "text": text,
        "random": bytes(random.getrandbits(8) for _ in range(200000)),
        "repetitive": b"abcabcabd" * 30000 + b"\x00" * 100000,
        "mixed": text[:50000] + bytes(random.getrandbits(8) for _ in range(70000)) + text[50000:120000],
    }
    for name, data in kinds.items():
        open(name + ".bin", "wb").write(data)
        for level in (0, 1, 6, 9):
            c = zlib.compressobj(level, zlib.DEFLATED, -15)
            open("%s-%d.deflate" % (name, level), "wb").write(c.compress(data) + c.flush())
        for strategy in ("FIXED", "HUFFMAN_ONLY", "RLE"):
            c = zlib.compressobj(6, zlib.DEFLATED, -15, 9, getattr(zlib, "Z_" + strategy))
            open("%s-%s.deflate" % (name, strategy), "wb").write(c.compress(data) + c.flush())
    # A stream of many small flushed blocks, including empty stored blocks from Z_SYNC_FLUSH.
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    out = b""
    for i in range(0, len(text), 1000):
        out += c.compress(text[i:i + 1000]) + c.flush(zlib.Z_SYNC_FLUSH)
    open("flushed.deflate", "wb").write(out + c.flush())
    """#

    static let kinds = ["empty", "one", "short", "text", "random", "repetitive", "mixed"]
    static let variants = ["0", "1", "6", "9", "FIXED", "HUFFMAN_ONLY", "RLE"]

    /// Inflates `data` feeding it `chunk` bytes at a time.
    static func inflate(_ data: [UInt8], chunk: Int) throws -> [UInt8] {
        var inflater = Inflater()
        var output: [UInt8] = []
        var offset = 0
        repeat {
            let end = min(data.count, offset + chunk)
            try inflater.inflate(Array(data[offset..<end])) { output.append(contentsOf: $0) }
            offset = end
        } while offset < data.count
        try inflater.finish()
        #expect(inflater.isFinished)
        #expect(inflater.totalOutput == Int64(output.count))
        return output
    }

    @Test func inflatesWhatZlibCompressed() throws {
        let files = try TestFiles()
        try files.python(Self.fixtureScript)
        for kind in Self.kinds {
            let original = try files.bytes("\(kind).bin")
            for variant in Self.variants {
                let compressed = try files.bytes("\(kind)-\(variant).deflate")
                #expect(try Inflater.inflate(compressed) == original, "\(kind) \(variant)")
                #expect(try Self.inflate(compressed, chunk: 4093) == original, "\(kind) \(variant) in pieces")
            }
        }
        let flushed = try files.bytes("flushed.deflate")
        #expect(try Self.inflate(flushed, chunk: 777) == files.bytes("text.bin"))
    }

    @Test func inflatesFedOneByteAtATime() throws {
        let files = try TestFiles()
        try files.python(Self.fixtureScript)
        for kind in ["short", "one", "empty"] {
            for variant in Self.variants {
                let compressed = try files.bytes("\(kind)-\(variant).deflate")
                #expect(try Self.inflate(compressed, chunk: 1) == files.bytes("\(kind).bin"), "\(kind) \(variant)")
            }
        }
        let text = try files.bytes("text-6.deflate")
        #expect(try Self.inflate(text, chunk: 3) == files.bytes("text.bin"))
    }

    @Test func outputComesInBoundedChunks() throws {
        let files = try TestFiles()
        try files.python(Self.fixtureScript)
        var inflater = Inflater()
        var largest = 0
        try inflater.inflate(try files.bytes("repetitive-9.deflate")) { largest = max(largest, $0.count) }
        try inflater.finish()
        #expect(largest > 0 && largest <= Inflater.chunkSize)
    }

    @Test func truncatedStreamsThrow() throws {
        let files = try TestFiles()
        try files.python(Self.fixtureScript)
        for name in ["text-6", "text-0", "random-1", "short-FIXED", "mixed-9"] {
            let compressed = try files.bytes("\(name).deflate")
            for cut in [0, 1, 2, compressed.count / 3, compressed.count / 2, compressed.count - 1] where cut < compressed.count {
                #expect(throws: InflateError.self, "\(name) cut at \(cut)") {
                    _ = try Inflater.inflate(Array(compressed.prefix(cut)))
                }
            }
        }
    }

    @Test func corruptStreamsThrowOrDifferButNeverHang() throws {
        let files = try TestFiles()
        try files.python(Self.fixtureScript)
        let original = try files.bytes("text.bin")
        let compressed = try files.bytes("text-6.deflate")
        // Seeded, so that a run repeats: a flip deep in the Huffman-coded data is often a valid
        // other stream (raw deflate has no checksum), so half the flips go in the first block's
        // header, where the code-length tables are and damage is mostly caught.
        var generator = SeededGenerator(seed: 0x1C_2026)
        var refused = 0
        for trial in 0..<200 {
            var damaged = compressed
            let range = trial.isMultiple(of: 2) ? 0..<min(64, damaged.count) : 0..<damaged.count
            let index = Int.random(in: range, using: &generator)
            damaged[index] ^= UInt8.random(in: 1...255, using: &generator)
            if let output = try? Inflater.inflate(damaged) {
                // Deflate expands at most 1032:1; more would mean the inflater ran past its input.
                #expect(output.count <= damaged.count * 1032, "\(output.count) bytes from \(damaged.count)")
            } else {
                refused += 1
            }
        }
        // Damage in the Huffman tables and codes is mostly caught (invalid codes, distances
        // before the start); an inflater that never refuses anything is not checking.
        #expect(refused >= 50, "only \(refused) damaged streams of 200 were refused")
        #expect(try Inflater.inflate(compressed) == original)
        for _ in 0..<50 {
            let garbage = (0..<Int.random(in: 1...5000, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? Inflater.inflate(garbage)
        }
    }

    @Test func rejectsBrokenRules() {
        // Block type 3 (reserved).
        #expect(throws: InflateError.invalid("block type 3 is reserved")) { try Inflater.inflate([0x07]) }
        // A stored block whose NLEN is not the complement of LEN.
        #expect(throws: InflateError.invalid("stored block length check failed")) {
            try Inflater.inflate([0x01, 0x05, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5])
        }
        // A fixed block starting with a match (length code 257, distance code 0): nothing to copy.
        #expect(throws: InflateError.invalid("distance too far back")) {
            try Inflater.inflate([0x03, 0x02, 0x00, 0x00])
        }
        // Errors are sticky.
        var inflater = Inflater()
        #expect(throws: InflateError.self) { try inflater.inflate([0x07]) { _ in } }
        #expect(throws: InflateError.self) { try inflater.inflate([0x03, 0x00]) { _ in } }
        #expect(throws: InflateError.self) { try inflater.finish() }
    }

    @Test func handBuiltStoredBlocks() throws {
        // Two stored blocks: "ab" (not final) and "c" (final), then trailing bytes that are ignored.
        let stream: [UInt8] = [0x00, 0x02, 0x00, 0xFD, 0xFF, 0x61, 0x62, 0x01, 0x01, 0x00, 0xFE, 0xFF, 0x63, 0xAA]
        #expect(try Inflater.inflate(stream) == Array("abc".utf8))
        #expect(try Self.inflate(stream, chunk: 1) == Array("abc".utf8))
    }

    @Test func copiesAreIndependent() throws {
        let files = try TestFiles()
        try files.python(Self.fixtureScript)
        let compressed = try files.bytes("text-6.deflate")
        let half = compressed.count / 2
        var first = Inflater()
        var firstOutput: [UInt8] = []
        try first.inflate(Array(compressed[..<half])) { firstOutput.append(contentsOf: $0) }
        var second = first
        var secondOutput = firstOutput
        try first.inflate(Array(compressed[half...])) { firstOutput.append(contentsOf: $0) }
        try second.inflate(Array(compressed[half...])) { secondOutput.append(contentsOf: $0) }
        try first.finish()
        try second.finish()
        #expect(firstOutput == secondOutput)
        #expect(firstOutput == (try files.bytes("text.bin")))
    }

    @Test func crc32MatchesZlib() throws {
        let files = try TestFiles()
        try files.python(Self.fixtureScript)
        let printed = try files.python(#"import zlib; print(zlib.crc32(open("mixed.bin","rb").read()))"#)
        let expected = UInt32(printed.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(CRC32.checksum(try files.bytes("mixed.bin")) == expected)
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }
}
