import Foundation

/// Runs the command-line tools the print tests read the invoices back with: pdftotext and
/// pdftoppm (poppler-utils), zbarimg (zbar-tools).
///
/// Rule: a missing tool is an error naming the package to install, never a silent skip.
enum PrintTools {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    static let packages = ["pdftotext": "poppler-utils", "pdftoppm": "poppler-utils", "zbarimg": "zbar-tools"]

    /// The absolute path of `tool` on PATH, or `Missing` saying what to install.
    static func locate(_ tool: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/\(tool)") {
            return "\(directory)/\(tool)"
        }
        throw Missing(description: "\(tool) not found on PATH; install it: apt-get install -y \(packages[tool] ?? tool)")
    }

    /// Runs `tool` and returns its standard output; `Failed` with its standard error if it exits non-zero.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try locate(tool))
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The error text is small; reading stdout to its end first cannot block the child.
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failed(description: "\(tool) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                + String(decoding: err, as: UTF8.self))
        }
        return out
    }
}

/// A word as `pdftotext -bbox` places it: the page (from 1) and its box in points, y downwards.
struct PDFWord: CustomStringConvertible {
    let page: Int
    let xMin: Double, yMin: Double, xMax: Double, yMax: Double
    let text: String

    var description: String { "«\(text)» p\(page) [\(Int(xMin))…\(Int(xMax)) × \(Int(yMin))…\(Int(yMax))]" }

    /// Whether the boxes share an area (touching edges, or less than `tolerance` of overlap, do not count).
    func overlaps(_ other: PDFWord, tolerance: Double = 0.3) -> Bool {
        page == other.page && min(xMax, other.xMax) - max(xMin, other.xMin) > tolerance
            && min(yMax, other.yMax) - max(yMin, other.yMin) > tolerance
    }
}

/// The words of a PDF and its pages, read by poppler.
struct PDFLayout {
    let pages: Int
    let words: [PDFWord]

    init(pdf: [UInt8], directory: URL) throws {
        let path = directory.appendingPathComponent("layout-\(UUID().uuidString).pdf").path
        try Data(pdf).write(to: URL(fileURLWithPath: path))
        let xhtml = String(decoding: try PrintTools.run("pdftotext", ["-bbox", path, "-"]), as: UTF8.self)
        var page = 0
        var words: [PDFWord] = []
        let word = try NSRegularExpression(pattern: #"<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>"#)
        for line in xhtml.split(separator: "\n").map(String.init) {
            if line.contains("<page ") { page += 1; continue }
            guard let match = word.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else { continue }
            let field = { (index: Int) in String(line[Range(match.range(at: index), in: line)!]) }
            let text = field(5).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
            words.append(PDFWord(page: page, xMin: Double(field(1))!, yMin: Double(field(2))!, xMax: Double(field(3))!,
                                 yMax: Double(field(4))!, text: text))
        }
        self.pages = page
        self.words = words
    }

    /// Page `page`'s text, a line per baseline (words whose boxes start at the same height), left to right.
    func lines(page: Int) -> [String] {
        let onPage = words.filter { $0.page == page }
        let rows = Dictionary(grouping: onPage) { ($0.yMax * 2).rounded() }
        return rows.keys.sorted().map { key in
            rows[key]!.sorted { $0.xMin < $1.xMin }.map(\.text).joined(separator: " ").replacingOccurrences(of: "\u{00A0}", with: " ")
        }
    }

    /// The pages whose text has a line containing `text`.
    func pages(containing text: String) -> [Int] {
        (1...max(1, pages)).filter { page in lines(page: page).contains { $0.contains(text) } }
    }

    /// The words on the same line as the first line containing `label` (its baseline), after the label's last word.
    func value(after label: String) -> String? {
        for page in 1...max(1, pages) {
            for line in lines(page: page) where line.contains(label) {
                return line.components(separatedBy: label).last?.trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}
