import Foundation
import QRCode
import Testing

/// Symbols rendered to a PGM image and read back by `zbarimg` (Debian package zbar-tools).
/// The test fails, saying what to install, when zbarimg is missing.
@Suite struct DecodeRoundTripTests {
    /// A binary PGM: `scale` pixels per module, with a light quiet zone of four modules.
    static func pgm(_ code: QRCode, scale: Int = 4) -> Data {
        let side = (code.size + 8) * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        for y in 0..<code.size {
            for x in 0..<code.size where code[x, y] {
                for dy in 0..<scale {
                    let row = ((y + 4) * scale + dy) * side
                    for dx in 0..<scale { pixels[row + (x + 4) * scale + dx] = 0 }
                }
            }
        }
        var data = Data("P5\n\(side) \(side)\n255\n".utf8)
        data.append(contentsOf: pixels)
        return data
    }

    static func zbarimg() -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return paths.map { "\($0)/zbarimg" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// What zbarimg reads from the symbol, as raw bytes (its `--raw` output less the newline).
    static func decode(_ code: QRCode) throws -> [UInt8] {
        guard let tool = zbarimg() else {
            Issue.record("zbarimg not found: install the Debian package zbar-tools (apt-get install zbar-tools)")
            return []
        }
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("qrcode-test-\(UUID().uuidString).pgm")
        try pgm(code).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let bytes = [UInt8](output.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "zbarimg found no symbol")
        return bytes.last == 0x0A ? Array(bytes.dropLast()) : bytes
    }

    @Test(arguments: [
        ("crmd", QRErrorCorrection.low),
        ("Счет № 2026-00015 от 05.03.2026", .medium),
        (String(repeating: "Version seven and up carry version information. ", count: 3), .quartile),
        (String(repeating: "0123456789abcdef", count: 40), .high),
        (String(repeating: "Проверка больших версий. ", count: 40), .low),
    ])
    func zbarReadsWhatWasEncoded(text: String, correction: QRErrorCorrection) throws {
        let code = try QRCode(text: text, correction: correction)
        #expect(try Self.decode(code) == Array(text.utf8), "version \(code.version), mask \(code.mask)")
    }

    @Test func zbarReadsThePaymentString() throws {
        let code = try QRCode(text: ReferenceSymbols.payment)
        let decoded = try Self.decode(code)
        #expect(String(decoding: decoded, as: UTF8.self) == ReferenceSymbols.payment)
    }

    @Test(arguments: 0...7)
    func zbarReadsEveryMask(mask: Int) throws {
        let code = try QRCode(text: "mask \(mask): ООО «Ромашка»", correction: .medium, version: 7, mask: mask)
        #expect(try Self.decode(code) == Array("mask \(mask): ООО «Ромашка»".utf8))
    }
}
