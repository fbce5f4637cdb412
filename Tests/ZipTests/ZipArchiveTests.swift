import Foundation
import Testing
@testable import Zip

@Suite struct ZipArchiveTests {
    static let archiveScript = #"""
    import zipfile, random, io
    class Unseekable(io.RawIOBase):
        def __init__(self, f): self.f = f
        def writable(self): return True
        def write(self, b): return self.f.write(b)
        def tell(self): raise OSError("unseekable")
        def seekable(self): return False
        def flush(self): self.f.flush()
    random.seed(3)
    text = ("Единый реестр субъектов МСП " * 5000).encode("utf-8")
    noise = bytes(random.getrandbits(8) for _ in range(100000))
    with zipfile.ZipFile("mixed.zip", "w") as z:
        z.writestr("docs/", b"")
        z.writestr(zipfile.ZipInfo("docs/stored.txt"), b"stored bytes\n")
        z.writestr("docs/deflated.xml", text, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("noise.bin", noise, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
        z.writestr("empty.txt", b"", compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("реестр.xml", b"<x/>", compress_type=zipfile.ZIP_DEFLATED)
    open("text.bin", "wb").write(text)
    open("noise.bin", "wb").write(noise)
    # Streamed entries: sizes in a data descriptor after the data (general purpose bit 3).
    with open("streamed.zip", "wb") as raw:
        with zipfile.ZipFile(Unseekable(raw), "w", compression=zipfile.ZIP_DEFLATED) as z:
            with z.open("a.txt", "w", force_zip64=True) as f:
                f.write(text)
    with zipfile.ZipFile("bzip2.zip", "w", compression=zipfile.ZIP_BZIP2) as z:
        z.writestr("a.txt", b"hello" * 100)
    open("not-a-zip.zip", "wb").write(b"<?xml version='1.0'?><root/>" * 10)
    """#

    @Test func listsEntries() throws {
        let files = try TestFiles()
        try files.python(Self.archiveScript)
        let archive = try ZipArchive(path: files.path("mixed.zip"))
        #expect(archive.entries.map(\.name) == [
            "docs/", "docs/stored.txt", "docs/deflated.xml", "noise.bin", "empty.txt", "реестр.xml",
        ])
        #expect(archive.entries[0].isDirectory)
        #expect(archive.entries[1].method == .stored)
        #expect(archive.entries[2].method == .deflate)
        #expect(archive.entries[2].uncompressedSize == Int64(try files.bytes("text.bin").count))
        #expect(archive.entries[2].compressedSize < archive.entries[2].uncompressedSize)
        #expect(archive.fileSize == Int64(try files.bytes("mixed.zip").count))
    }

    @Test func readsStoredAndDeflatedEntries() throws {
        let files = try TestFiles()
        try files.python(Self.archiveScript)
        let archive = try ZipArchive(path: files.path("mixed.zip"))
        #expect(try archive.contents(of: archive.entry(named: "docs/stored.txt")!) == Array("stored bytes\n".utf8))
        #expect(try archive.contents(of: archive.entry(named: "docs/deflated.xml")!) == files.bytes("text.bin"))
        #expect(try archive.contents(of: archive.entry(named: "noise.bin")!) == files.bytes("noise.bin"))
        #expect(try archive.contents(of: archive.entry(named: "empty.txt")!) == [])
        #expect(try archive.contents(of: archive.entry(named: "docs/")!) == [])
        #expect(try archive.contents(of: archive.entry(named: "реестр.xml")!) == Array("<x/>".utf8))
    }

    @Test func readsInSmallPiecesThroughBothAPIs() throws {
        let files = try TestFiles()
        try files.python(Self.archiveScript)
        let archive = try ZipArchive(path: files.path("mixed.zip"))
        let entry = archive.entry(named: "docs/deflated.xml")!
        let reader = try archive.open(entry)
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1000)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
            if count == 0 { break }
            collected.append(contentsOf: buffer[..<count])
        }
        #expect(collected == (try files.bytes("text.bin")))
        #expect(reader.isAtEnd)
        #expect(reader.compressedBytesRead == entry.compressedSize)

        var chunks: [UInt8] = []
        try archive.open(archive.entry(named: "noise.bin")!).forEachChunk { chunks.append(contentsOf: $0) }
        #expect(chunks == (try files.bytes("noise.bin")))
    }

    @Test func readsDataDescriptorsAndZip64LocalHeaders() throws {
        let files = try TestFiles()
        try files.python(Self.archiveScript)
        let archive = try ZipArchive(path: files.path("streamed.zip"))
        #expect(archive.entries.count == 1)
        #expect(archive.entries[0].flags & 0x08 != 0)
        #expect(try archive.contents(of: archive.entries[0]) == files.bytes("text.bin"))
    }

    @Test func readsZip64Directories() throws {
        let files = try TestFiles()
        // A hand-made ZIP64 archive: saturated 32-bit fields in the central directory with the
        // real values in the ZIP64 extra field, and the ZIP64 end record with its locator.
        try files.python(#"""
        import struct, zlib
        data = b"zip64 entry body " * 1000
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = comp.compress(data) + comp.flush()
        crc = zlib.crc32(data)
        name = b"big.xml"
        local = struct.pack("<IHHHHHIIIHH", 0x04034b50, 45, 0, 8, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(name), 20)
        local += name + struct.pack("<HHQQ", 1, 16, len(data), len(packed))
        body = local + packed
        extra = struct.pack("<HHQQQ", 1, 24, len(data), len(packed), 0)
        central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 45, 45, 0, 8, 0, 0, crc,
                              0xFFFFFFFF, 0xFFFFFFFF, len(name), len(extra), 0, 0, 0, 0, 0xFFFFFFFF) + name + extra
        cd_offset = len(body)
        z64_offset = cd_offset + len(central)
        z64 = struct.pack("<IQHHIIQQQQ", 0x06064b50, 44, 45, 45, 0, 0, 1, 1, len(central), cd_offset)
        locator = struct.pack("<IIQI", 0x07064b50, 0, z64_offset, 1)
        end = struct.pack("<IHHHHIIH", 0x06054b50, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
        open("zip64.zip", "wb").write(body + central + z64 + locator + end)
        open("zip64.bin", "wb").write(data)
        """#)
        let archive = try ZipArchive(path: files.path("zip64.zip"))
        #expect(archive.entries.count == 1)
        let entry = archive.entries[0]
        #expect(entry.name == "big.xml")
        #expect(entry.localHeaderOffset == 0)
        #expect(entry.uncompressedSize == 17000)
        #expect(try archive.contents(of: entry) == files.bytes("zip64.bin"))
    }

    @Test func refusesWhatItCannotRead() throws {
        let files = try TestFiles()
        try files.python(Self.archiveScript)
        #expect(throws: ZipError.self) { try ZipArchive(path: files.path("not-a-zip.zip")) }
        #expect(throws: ZipError.self) { try ZipArchive(path: files.path("missing.zip")) }
        #expect(throws: ZipError.self) { try ZipArchive(path: files.directory.path) }
        let bzip2 = try ZipArchive(path: files.path("bzip2.zip"))
        #expect(throws: ZipError.unsupportedMethod(12, entry: "a.txt")) { try bzip2.open(bzip2.entries[0]) }
    }

    @Test func truncatedArchivesThrow() throws {
        let files = try TestFiles()
        try files.python(Self.archiveScript)
        let whole = try files.bytes("mixed.zip")
        for cut in [10, 100, whole.count / 2, whole.count - 30, whole.count - 1] {
            try files.write("cut.zip", Array(whole.prefix(cut)))
            #expect(throws: ZipError.self, "cut at \(cut)") {
                let archive = try ZipArchive(path: files.path("cut.zip"))
                for entry in archive.entries { _ = try archive.contents(of: entry) }
            }
        }
    }

    @Test func damagedDataFailsItsChecks() throws {
        let files = try TestFiles()
        try files.python(Self.archiveScript)
        let archive = try ZipArchive(path: files.path("mixed.zip"))
        var bytes = try files.bytes("mixed.zip")
        // Flip a byte inside the stored entry and inside the deflated one.
        for name in ["docs/stored.txt", "docs/deflated.xml"] {
            let entry = archive.entry(named: name)!
            let offset = Int(entry.localHeaderOffset) + 30 + name.utf8.count + 3
            bytes[offset] ^= 0x55
        }
        try files.write("damaged.zip", bytes)
        let damaged = try ZipArchive(path: files.path("damaged.zip"))
        #expect(throws: ZipError.checksumMismatch(entry: "docs/stored.txt")) {
            try damaged.contents(of: damaged.entry(named: "docs/stored.txt")!)
        }
        #expect(throws: ZipError.self) { try damaged.contents(of: damaged.entry(named: "docs/deflated.xml")!) }
        #expect(try damaged.contents(of: damaged.entry(named: "noise.bin")!) == files.bytes("noise.bin"))
    }
}
