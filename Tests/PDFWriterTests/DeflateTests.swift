import Foundation
import PDFWriter
import Testing

@Suite struct DeflateTests {
    /// Inflates a zlib stream with Python's zlib and returns the bytes.
    func pythonInflate(_ compressed: [UInt8]) throws -> [UInt8] {
        let path = try ExternalTools.temporaryFile(compressed, suffix: ".z")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try ExternalTools.python(
            "import sys, zlib; sys.stdout.buffer.write(zlib.decompress(open(sys.argv[1], 'rb').read()))", [path])
        #expect(result.status == 0, "python zlib failed: \(result.stderr)")
        return [UInt8](result.stdout)
    }

    static func randomBytes(_ count: Int, seed: UInt64, alphabet: Int = 256) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8((state >> 33) % UInt64(alphabet))
        }
    }

    @Test func adler32KnownValue() {
        #expect(Deflate.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(Deflate.adler32([]) == 1)
    }

    @Test(arguments: [0, 1, 2, 3, 100, 65_536, 300_000])
    func randomInputRoundTrips(count: Int) throws {
        let input = Self.randomBytes(count, seed: UInt64(count) + 7)
        #expect(try pythonInflate(Deflate.zlib(input)) == input)
    }

    @Test func lowEntropyInputRoundTripsAndShrinks() throws {
        let input = Self.randomBytes(200_000, seed: 3, alphabet: 4)
        let compressed = Deflate.zlib(input)
        #expect(compressed.count < input.count / 2)
        #expect(try pythonInflate(compressed) == input)
    }

    @Test func textRoundTripsAndShrinks() throws {
        var text = ""
        for i in 0..<3000 { text += "BT /F1 9 Tf 40 \(800 - i % 700) Td <0123045600780009> Tj ET Счет № \(i)\n" }
        let input = Array(text.utf8)
        let compressed = Deflate.zlib(input)
        #expect(compressed.count < input.count / 4)
        #expect(try pythonInflate(compressed) == input)
    }

    @Test func longRunsAndMaximalMatches() throws {
        let input = [UInt8](repeating: 0x41, count: 100_000) + Array("abc".utf8) + [UInt8](repeating: 0, count: 70_000)
        let compressed = Deflate.zlib(input)
        #expect(compressed.count < 2_000)
        #expect(try pythonInflate(compressed) == input)
    }

    @Test func outputIsDeterministic() {
        let input = Self.randomBytes(50_000, seed: 11, alphabet: 16)
        #expect(Deflate.zlib(input) == Deflate.zlib(input))
    }
}
