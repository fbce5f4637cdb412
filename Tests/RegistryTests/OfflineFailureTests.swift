import Foundation
import Testing
@testable import Registry

/// A file that cannot be imported throws `badFile` (or `unsupportedFormat`) and leaves the
/// registry exactly as it was.
@Suite struct OfflineFailureTests {
    /// A registry holding Yandex and Petrov, and a directory to put bad files in.
    static func populated() throws -> (TestDirectory, OfflineRegistry) {
        let directory = try TestDirectory()
        try directory.write("good.xml", RSMPFixture.file([RSMPFixture.yandex, RSMPFixture.petrov]))
        let registry = try OfflineRegistry(path: directory.path("registry.sqlite"))
        _ = try registry.importFile(path: directory.path("good.xml")) { _ in }
        return (directory, registry)
    }

    /// Imports `name`, expects `badFile`, and checks that nothing changed.
    static func expectBadFile(_ name: String, in directory: TestDirectory, registry: OfflineRegistry,
                              containing fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        do {
            _ = try registry.importFile(path: directory.path(name)) { _ in }
            Issue.record("\(name) was imported", sourceLocation: sourceLocation)
        } catch .badFile(let reason) {
            #expect(reason.contains(fragment), "\(name): \(reason)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(name): \(error)", sourceLocation: sourceLocation)
        }
        #expect(try registry.lookup(inn: "7736207543")?.fields == OfflineImportTests.yandexFields, sourceLocation: sourceLocation)
        #expect(try registry.lookup(inn: "500100732259")?.fields == OfflineImportTests.petrovFields, sourceLocation: sourceLocation)
        #expect(try registry.lookup(inn: "5047000001") == nil, sourceLocation: sourceLocation)
        #expect(try registry.lookup(inn: "7700000001") == nil, sourceLocation: sourceLocation)
    }

    @Test func truncatedXMLKeepsNothing() throws {
        let (directory, registry) = try Self.populated()
        // More records than one batch, so some were written before the end was found missing.
        let whole = RSMPFixture.file(RSMPFixture.manyOrganisations(12_000) + [RSMPFixture.khimki])
        let bytes = Array(whole.utf8)
        try directory.write("truncated.xml", bytes: Array(bytes.prefix(bytes.count - 200)))
        try Self.expectBadFile("truncated.xml", in: directory, registry: registry, containing: "truncated")
        try directory.write("cut-in-tag.xml", bytes: Array(bytes.prefix(bytes.count / 2)))
        try Self.expectBadFile("cut-in-tag.xml", in: directory, registry: registry, containing: "truncated")
    }

    @Test func notXMLKeepsNothing() throws {
        let (directory, registry) = try Self.populated()
        try directory.write("notes.xml", "This is a plain text file, not XML.\n")
        try Self.expectBadFile("notes.xml", in: directory, registry: registry, containing: "not an XML document")
        try directory.write(
            "binary.xml", bytes: [0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x34, 0x0A] + (0..<500).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        try Self.expectBadFile("binary.xml", in: directory, registry: registry, containing: "not an XML document")
        try directory.write("empty.xml", "")
        try Self.expectBadFile("empty.xml", in: directory, registry: registry, containing: "no element")
        try directory.write("mismatched.xml", RSMPFixture.file([RSMPFixture.khimki]).replacingOccurrences(of: "</СведМН>", with: "</Регион>"))
        try Self.expectBadFile("mismatched.xml", in: directory, registry: registry, containing: "does not match")
        #expect(throws: RegistryError.self) { try registry.importFile(path: directory.path("missing.xml")) { _ in } }
    }

    /// A FIFO nobody writes to would block `open` for good; it is refused at once, as is a
    /// directory, and the registry stays as it was.
    @Test func onlyRegularFilesAreOpened() throws {
        let (directory, registry) = try Self.populated()
        #expect(mkfifo(directory.path("fifo.xml"), 0o600) == 0)
        try FileManager.default.createDirectory(atPath: directory.path("folder.zip"), withIntermediateDirectories: false)
        for (name, kind) in [("fifo.xml", "a FIFO"), ("folder.zip", "a directory")] {
            #expect(throws: RegistryError.notAFile(path: directory.path(name), kind: kind)) {
                try registry.importFile(path: directory.path(name)) { _ in }
            }
        }
        #expect(try registry.lookup(inn: "7736207543")?.fields == OfflineImportTests.yandexFields)
    }

    @Test func otherXMLKeepsNothing() throws {
        let (directory, registry) = try Self.populated()
        try directory.write("egrul.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <EGRUL><СвЮЛ ИНН="5047000001" ОГРН="1025006170001"/></EGRUL>
            """)
        try Self.expectBadFile("egrul.xml", in: directory, registry: registry, containing: "root element is <EGRUL>")
        try directory.write("other-type.xml", RSMPFixture.file([RSMPFixture.khimki]).replacingOccurrences(of: "РЕЕСТРМСП", with: "ЕГРЮЛ"))
        try Self.expectBadFile("other-type.xml", in: directory, registry: registry, containing: "ТипИнф")
        try directory.write("no-documents.xml", RSMPFixture.file([]))
        try Self.expectBadFile("no-documents.xml", in: directory, registry: registry, containing: "no Документ")
        try directory.write("no-subject.xml", RSMPFixture.file([
            RSMPFixture.khimki, #"<Документ ИдДок="x" ДатаСост="10.01.2024" ВидСубМСП="1"><СведМН КодРегион="77"/></Документ>"#,
        ]))
        try Self.expectBadFile("no-subject.xml", in: directory, registry: registry, containing: "Документ #2")
    }

    @Test func badArchivesKeepNothing() throws {
        let (directory, registry) = try Self.populated()
        try directory.write("egrul.xml", #"<?xml version="1.0"?><Файл ТипИнф="ЕГРЮЛ"><Документ><СвЮЛ/></Документ></Файл>"#)
        try directory.write("part.xml", RSMPFixture.file(RSMPFixture.manyOrganisations(6_000)))
        try directory.zip("other.zip", files: ["part.xml", "egrul.xml"])
        try Self.expectBadFile("other.zip", in: directory, registry: registry, containing: "egrul.xml: ТипИнф")
        try directory.zip("no-xml.zip", files: [], extra: [("readme.txt", "hello")])
        try Self.expectBadFile("no-xml.zip", in: directory, registry: registry, containing: "no XML file")

        let archive = try directory.bytes("other.zip")
        try directory.write("truncated.zip", bytes: Array(archive.prefix(archive.count / 2)))
        try Self.expectBadFile("truncated.zip", in: directory, registry: registry, containing: "ZIP")

        // Damage the compressed data of the first entry: a decoding or CRC-32 error.
        var damaged = archive
        for offset in stride(from: 200, to: 2_000, by: 97) { damaged[offset] ^= 0x5A }
        try directory.write("damaged.zip", bytes: damaged)
        try Self.expectBadFile("damaged.zip", in: directory, registry: registry, containing: "part.xml")
    }

    @Test func unsupportedFormatsAreNamed() throws {
        let (directory, registry) = try Self.populated()
        try directory.write("koi8.xml", RSMPFixture.file([RSMPFixture.khimki], encoding: "KOI8-R"))
        #expect(throws: RegistryError.unsupportedFormat("XML encoding KOI8-R (only UTF-8 and windows-1251 are read)")) {
            try registry.importFile(path: directory.path("koi8.xml")) { _ in }
        }
        try directory.write("part.xml", RSMPFixture.file([RSMPFixture.khimki]))
        try directory.zip("bzip2.zip", files: ["part.xml"], method: "ZIP_BZIP2")
        do {
            _ = try registry.importFile(path: directory.path("bzip2.zip")) { _ in }
            Issue.record("a bzip2 entry was imported")
        } catch .unsupportedFormat(let what) {
            #expect(what.contains("method 12"))
        } catch {
            Issue.record("\(error)")
        }
        #expect(try registry.lookup(inn: "5047000001") == nil)
    }

    @Test func theNextImportWorksAfterAFailure() throws {
        let (directory, registry) = try Self.populated()
        try directory.write("truncated.xml", String(RSMPFixture.file([RSMPFixture.khimki]).dropLast(30)))
        #expect(throws: RegistryError.self) { try registry.importFile(path: directory.path("truncated.xml")) { _ in } }
        try directory.write("good2.xml", RSMPFixture.file([RSMPFixture.khimki]))
        #expect(try registry.importFile(path: directory.path("good2.xml")) { _ in }.records == 1)
        #expect(try registry.lookup(inn: "5047000001") != nil)
        #expect(try registry.lookup(inn: "7736207543") != nil)
    }
}
