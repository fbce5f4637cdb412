/// Reads the inside of one tag (between `{{` and `}}`) into a ``TagSyntax``.
///
/// The grammar, with spaces allowed between tokens:
///
///     tag     = "#each" path "as" name | "#if" path [("==" | "!=") string]
///             | "#unless" path | "else" | "/" ("each" | "if" | "unless")
///             | path { "|" name [":" string] }
///     string  = '"' … '"' | "'" … "'"      (with \" \' \\ escapes)
///
/// A word is a run of letters, digits, `_`, `-`, `.`, `@` and any non-ASCII characters;
/// whether it is a well-formed path is checked here, what it names is resolved later.
struct TagParser {
    private enum Token {
        case word(String)
        case string(String)
        case pipe, colon, equal, notEqual, hash, slash, end
    }

    private let source: SourceText
    private let end: Int
    private var cursor: Int
    private var token: Token = .end
    private var tokenOffset = 0

    init(source: SourceText, range: Range<Int>) {
        self.source = source
        self.end = range.upperBound
        self.cursor = range.lowerBound
    }

    /// A `{{ … }}` tag.
    mutating func parse() throws(TemplateError) -> TagSyntax {
        try advance()
        let tagStart = tokenOffset
        switch token {
        case .end:
            throw source.error(at: tagStart, "empty tag")
        case .hash:
            try advance()
            guard case .word(let keyword) = token else {
                throw source.error(at: tokenOffset, "expected `each`, `if` or `unless` after `#`")
            }
            switch keyword {
            case "each": return try parseEach()
            case "if": return try parseIf()
            case "unless":
                try advance()
                let path = try expectPath(after: "#unless")
                try advance()
                try expectEnd()
                return .openUnless(path)
            default:
                throw source.error(at: tokenOffset, "unknown block `#\(keyword)`; expected `#each`, `#if` or `#unless`")
            }
        case .slash:
            try advance()
            guard case .word(let keyword) = token, let kind = BlockKind(rawValue: keyword) else {
                throw source.error(at: tokenOffset, "expected `/each`, `/if` or `/unless`")
            }
            try advance()
            try expectEnd()
            return .close(kind)
        case .word("else"):
            try advance()
            try expectEnd()
            return .elseBranch
        default:
            return try parseOutput(triple: false)
        }
    }

    /// A `{{{ … }}}` tag: a path and filters only, never escaped.
    mutating func parseTriple() throws(TemplateError) -> TagSyntax {
        try advance()
        switch token {
        case .end: throw source.error(at: tokenOffset, "empty tag")
        case .hash, .slash, .word("else"):
            throw source.error(at: tokenOffset, "blocks cannot be written with triple braces")
        default: return try parseOutput(triple: true)
        }
    }

    private mutating func parseOutput(triple: Bool) throws(TemplateError) -> TagSyntax {
        let path = try expectPath(after: nil)
        var filters: [FilterSyntax] = []
        try advance()
        while case .pipe = token {
            try advance()
            guard case .word(let name) = token else {
                throw source.error(at: tokenOffset, "expected a filter name after `|`")
            }
            let nameWord = WordSyntax(text: name, offset: tokenOffset)
            try advance()
            var argument: String?
            if case .colon = token {
                try advance()
                guard case .string(let text) = token else {
                    throw source.error(at: tokenOffset, "expected a quoted argument after `\(name):`")
                }
                argument = text
                try advance()
            }
            filters.append(FilterSyntax(name: nameWord, argument: argument))
        }
        try expectEnd()
        return .output(path, filters: filters, triple: triple)
    }

    private mutating func parseEach() throws(TemplateError) -> TagSyntax {
        try advance()
        let path = try expectPath(after: "#each")
        try advance()
        guard case .word("as") = token else {
            throw source.error(at: tokenOffset, "expected `as` and a name, as in `{{#each rows as row}}`")
        }
        try advance()
        guard case .word(let name) = token else {
            throw source.error(at: tokenOffset, "expected a name after `as`")
        }
        guard Self.isIdentifier(name) else {
            throw source.error(at: tokenOffset, "`\(name)` cannot name a loop item: use letters, digits, `_` or `-`")
        }
        let alias = WordSyntax(text: name, offset: tokenOffset)
        try advance()
        try expectEnd()
        return .openEach(path: path, alias: alias)
    }

    private mutating func parseIf() throws(TemplateError) -> TagSyntax {
        try advance()
        let path = try expectPath(after: "#if")
        try advance()
        var comparison: (negated: Bool, literal: String)?
        switch token {
        case .equal, .notEqual:
            let negated: Bool
            if case .notEqual = token { negated = true } else { negated = false }
            try advance()
            guard case .string(let literal) = token else {
                throw source.error(at: tokenOffset, "expected a quoted string to compare with")
            }
            comparison = (negated, literal)
            try advance()
        default:
            break
        }
        try expectEnd()
        return .openIf(path, comparison: comparison)
    }

    private func expectPath(after keyword: String?) throws(TemplateError) -> WordSyntax {
        guard case .word(let text) = token else {
            if let keyword { throw source.error(at: tokenOffset, "expected a path after `\(keyword)`") }
            throw source.error(at: tokenOffset, "expected a path")
        }
        if text.hasPrefix("@") {
            guard ["@index", "@first", "@last"].contains(text) else {
                throw source.error(at: tokenOffset, "unknown variable `\(text)`; expected `@index`, `@first` or `@last`")
            }
        } else {
            let segments = text.split(separator: ".", omittingEmptySubsequences: false)
            for segment in segments where segment.isEmpty || !Self.isIdentifier(segment) {
                throw source.error(at: tokenOffset, "malformed path `\(text)`")
            }
        }
        return WordSyntax(text: text, offset: tokenOffset)
    }

    private func expectEnd() throws(TemplateError) {
        guard case .end = token else {
            throw source.error(at: tokenOffset, "unexpected \(describe(token)) in tag")
        }
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .word(let text): return "`\(text)`"
        case .string: return "string"
        case .pipe: return "`|`"
        case .colon: return "`:`"
        case .equal: return "`==`"
        case .notEqual: return "`!=`"
        case .hash: return "`#`"
        case .slash: return "`/`"
        case .end: return "end of tag"
        }
    }

    private static func isIdentifier(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            byte >= 0x80 || isWordByte(byte) && byte != UInt8(ascii: ".") && byte != UInt8(ascii: "@")
        }
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"),
             UInt8(ascii: "."), UInt8(ascii: "@"):
            return true
        default:
            return byte >= 0x80
        }
    }

    private mutating func advance() throws(TemplateError) {
        let bytes = source.bytes
        while cursor < end, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[cursor]) { cursor += 1 }
        tokenOffset = cursor
        guard cursor < end else {
            token = .end
            return
        }
        let byte = bytes[cursor]
        switch byte {
        case UInt8(ascii: "|"): token = .pipe; cursor += 1
        case UInt8(ascii: ":"): token = .colon; cursor += 1
        case UInt8(ascii: "#"): token = .hash; cursor += 1
        case UInt8(ascii: "/"): token = .slash; cursor += 1
        case UInt8(ascii: "="), UInt8(ascii: "!"):
            guard cursor + 1 < end, bytes[cursor + 1] == UInt8(ascii: "=") else {
                throw source.error(at: cursor, "unexpected `\(Character(Unicode.Scalar(byte)))`; did you mean `==` or `!=`?")
            }
            token = byte == UInt8(ascii: "=") ? .equal : .notEqual
            cursor += 2
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            token = .string(try readString(quote: byte))
        default:
            guard Self.isWordByte(byte) else {
                throw source.error(at: cursor, "unexpected character `\(Character(Unicode.Scalar(byte)))` in tag")
            }
            let start = cursor
            while cursor < end, Self.isWordByte(bytes[cursor]) { cursor += 1 }
            token = .word(source.string(start..<cursor))
        }
    }

    private mutating func readString(quote: UInt8) throws(TemplateError) -> String {
        let bytes = source.bytes
        let start = cursor
        cursor += 1
        var text: [UInt8] = []
        while cursor < end {
            let byte = bytes[cursor]
            if byte == quote {
                cursor += 1
                return String(decoding: text, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                guard cursor + 1 < end else { break }
                let escaped = bytes[cursor + 1]
                guard escaped == UInt8(ascii: "\"") || escaped == UInt8(ascii: "'") || escaped == UInt8(ascii: "\\") else {
                    throw source.error(at: cursor, "unknown escape in string; only \\\", \\' and \\\\ are allowed")
                }
                text.append(escaped)
                cursor += 2
                continue
            }
            text.append(byte)
            cursor += 1
        }
        throw source.error(at: start, "unterminated string")
    }
}
