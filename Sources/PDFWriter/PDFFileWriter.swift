/// Writes the body of a PDF file object by object, remembering byte offsets, then the
/// cross-reference table and trailer.
///
/// Rule: objects are numbered 1…n with generation 0 and every number must be written exactly once;
/// xref entries are exactly 20 bytes ("oooooooooo ggggg n \n"); streams are Flate-compressed.
struct PDFFileWriter {
    private(set) var out = ByteWriter(capacity: 65_536)
    private var offsets: [Int]

    init(objectCount: Int) {
        offsets = [Int](repeating: -1, count: objectCount + 1)
        out.append("%PDF-1.7\n%")
        out.append(bytes: [0xE2, 0xE3, 0xCF, 0xD3, 0x0A])
    }

    /// Writes `number 0 obj <dictionary> endobj`; `body` writes the object's contents.
    mutating func object(_ number: Int, _ body: (inout ByteWriter) -> Void) {
        offsets[number] = out.count
        out.integer(number)
        out.append(" 0 obj\n")
        body(&out)
        out.append("\nendobj\n")
    }

    /// Writes a stream object whose dictionary holds `entries` plus /Length and /Filter.
    mutating func stream(_ number: Int, data: [UInt8], entries: (inout ByteWriter) -> Void = { _ in }) {
        let compressed = Deflate.zlib(data)
        object(number) { out in
            out.append("<<")
            entries(&out)
            out.append(" /Length ")
            out.integer(compressed.count)
            out.append(" /Filter /FlateDecode >>\nstream\n")
            out.append(bytes: compressed)
            out.append("\nendstream")
        }
    }

    /// Appends the xref table and trailer and returns the finished file.
    mutating func finish(root: Int, info: Int) -> [UInt8] {
        precondition(!offsets.dropFirst().contains(-1), "PDF object numbered but never written")
        let start = out.count
        out.append("xref\n0 ")
        out.integer(offsets.count)
        out.append("\n0000000000 65535 f \n")
        for offset in offsets.dropFirst() {
            let digits = String(offset)
            out.append(String(repeating: "0", count: max(0, 10 - digits.count)) + digits)
            out.append(" 00000 n \n")
        }
        out.append("trailer\n<< /Size ")
        out.integer(offsets.count)
        out.append(" /Root \(root) 0 R /Info \(info) 0 R >>\nstartxref\n")
        out.integer(start)
        out.append("\n%%EOF\n")
        return out.bytes
    }
}
