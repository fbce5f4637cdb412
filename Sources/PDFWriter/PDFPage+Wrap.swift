extension PDFPage {
    /// Wraps `string` into lines no wider than `width` (breaking at spaces; a word longer than the
    /// width is broken by characters). A newline forces a break; runs of spaces collapse to one.
    /// An empty string gives no lines.
    public static func wrap(_ string: String, font: PDFFont, size: Double, width: Double) -> [String] {
        guard !string.isEmpty else { return [] }
        let spaceWidth = font.width(of: " ", size: size)
        var lines: [String] = []
        for paragraph in string.split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            var currentWidth = 0.0
            var produced = false
            for word in paragraph.split(separator: " ") {
                let wordWidth = font.width(of: String(word), size: size)
                if !current.isEmpty && currentWidth + spaceWidth + wordWidth <= width {
                    current += " " + word
                    currentWidth += spaceWidth + wordWidth
                    continue
                }
                if !current.isEmpty { lines.append(current); produced = true }
                if wordWidth <= width {
                    current = String(word)
                    currentWidth = wordWidth
                    continue
                }
                current = ""
                currentWidth = 0
                for character in word {
                    let characterWidth = font.width(of: String(character), size: size)
                    if !current.isEmpty && currentWidth + characterWidth > width {
                        lines.append(current); produced = true
                        current = ""
                        currentWidth = 0
                    }
                    current.append(character)
                    currentWidth += characterWidth
                }
            }
            if !current.isEmpty || !produced { lines.append(current) }
        }
        return lines
    }
}
