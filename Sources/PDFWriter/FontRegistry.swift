/// The fonts of one document, each with its usage, in the order first used.
///
/// Rule: fonts with the same key (file path) share one entry; resource names are F1, F2, … in order.
final class FontRegistry {
    private(set) var usages: [FontUsage] = []
    private var byKey: [String: FontUsage] = [:]

    func usage(for font: PDFFont) -> FontUsage {
        if let usage = byKey[font.key] { return usage }
        let usage = FontUsage(font: font, resourceName: "F\(usages.count + 1)")
        usages.append(usage)
        byKey[font.key] = usage
        return usage
    }
}
