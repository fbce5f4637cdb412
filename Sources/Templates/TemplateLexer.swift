/// Splits a template source into literal text and tags, then removes the lines that
/// hold nothing but a block tag, `{{else}}` or a comment (Mustache's "standalone" rule),
/// so that templates can put blocks on lines of their own without leaving blank lines.
enum TemplateLexer {
    static func segments(of source: SourceText) throws(TemplateError) -> [Segment] {
        let bytes = source.bytes
        let brace = UInt8(ascii: "{")
        var segments: [Segment] = []
        var textStart = 0
        var index = 0
        while index + 1 < bytes.count {
            guard bytes[index] == brace, bytes[index + 1] == brace else {
                index += 1
                continue
            }
            if textStart < index { segments.append(.text(textStart..<index)) }
            let start = index
            let tag: Tag
            if index + 2 < bytes.count, bytes[index + 2] == brace {
                guard let close = find("}}}", in: bytes, from: index + 3) else {
                    throw source.error(at: start, "unclosed tag: expected `}}}`")
                }
                var parser = TagParser(source: source, range: (index + 3)..<close)
                tag = Tag(syntax: try parser.parseTriple(), start: start)
                index = close + 3
            } else if index + 2 < bytes.count, bytes[index + 2] == UInt8(ascii: "!") {
                guard let close = find("}}", in: bytes, from: index + 3) else {
                    throw source.error(at: start, "unclosed comment: expected `}}`")
                }
                tag = Tag(syntax: .comment, start: start)
                index = close + 2
            } else {
                guard let close = find("}}", in: bytes, from: index + 2) else {
                    throw source.error(at: start, "unclosed tag: expected `}}`")
                }
                var parser = TagParser(source: source, range: (index + 2)..<close)
                tag = Tag(syntax: try parser.parse(), start: start)
                index = close + 2
            }
            segments.append(.tag(tag))
            textStart = index
        }
        if textStart < bytes.count { segments.append(.text(textStart..<bytes.count)) }
        return removingStandaloneLines(segments, bytes: bytes)
    }

    private static func find(_ needle: StaticString, in bytes: [UInt8], from start: Int) -> Int? {
        let pattern = needle.withUTF8Buffer { Array($0) }
        var index = start
        while index + pattern.count <= bytes.count {
            if bytes[index] == pattern[0] {
                var matches = true
                for offset in 1..<pattern.count where bytes[index + offset] != pattern[offset] {
                    matches = false
                    break
                }
                if matches { return index }
            }
            index += 1
        }
        return nil
    }

    /// Trims the whitespace and line break around block tags standing alone on a line.
    /// Every decision is taken on the original text, then all trims are applied.
    private static func removingStandaloneLines(_ segments: [Segment], bytes: [UInt8]) -> [Segment] {
        let newline = UInt8(ascii: "\n")
        func isBlank(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
        }
        var lower: [Int: Int] = [:]
        var upper: [Int: Int] = [:]
        for (index, segment) in segments.enumerated() {
            guard case .tag(let tag) = segment, tag.syntax.isStandaloneCandidate else { continue }
            // The text before must end with a line break and blanks, or be the source start.
            var cutBefore: (Int, Int)?
            if index > 0 {
                guard case .text(let range) = segments[index - 1] else { continue }
                var cursor = range.upperBound
                while cursor > range.lowerBound, isBlank(bytes[cursor - 1]) { cursor -= 1 }
                if cursor > range.lowerBound {
                    guard bytes[cursor - 1] == newline else { continue }
                } else if index - 1 != 0 {
                    continue
                }
                cutBefore = (index - 1, cursor)
            }
            // The text after must start with blanks and a line break, or be the source end.
            var cutAfter: (Int, Int)?
            if index + 1 < segments.count {
                guard case .text(let range) = segments[index + 1] else { continue }
                var cursor = range.lowerBound
                while cursor < range.upperBound, isBlank(bytes[cursor]) { cursor += 1 }
                if cursor < range.upperBound {
                    guard bytes[cursor] == newline else { continue }
                    cursor += 1
                } else if index + 1 != segments.count - 1 {
                    continue
                }
                cutAfter = (index + 1, cursor)
            }
            if let (segment, end) = cutBefore { upper[segment] = end }
            if let (segment, start) = cutAfter { lower[segment] = start }
        }
        var result: [Segment] = []
        result.reserveCapacity(segments.count)
        for (index, segment) in segments.enumerated() {
            guard case .text(let range) = segment else {
                result.append(segment)
                continue
            }
            let start = lower[index] ?? range.lowerBound
            let end = max(start, upper[index] ?? range.upperBound)
            if start < end { result.append(.text(start..<end)) }
        }
        return result
    }
}
