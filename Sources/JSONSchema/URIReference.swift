/// A URI reference split into its RFC 3986 components (appendix B), with reference
/// resolution per section 5.2. Text is kept as written: no case or percent normalization.
struct URIReference: Sendable, Hashable, CustomStringConvertible {
    var scheme: String?
    var authority: String?
    var path: String
    var query: String?
    var fragment: String?

    init(_ text: String) {
        var rest = Substring(text)
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        if let colon = rest.firstIndex(of: ":"), colon != rest.startIndex, !rest[..<colon].utf8.contains(UInt8(ascii: "/")) {
            scheme = String(rest[..<colon])
            rest = rest[rest.index(after: colon)...]
        }
        if rest.hasPrefix("//") {
            let afterSlashes = rest.dropFirst(2)
            let end = afterSlashes.firstIndex(of: "/") ?? afterSlashes.endIndex
            authority = String(afterSlashes[..<end])
            rest = afterSlashes[end...]
        }
        path = String(rest)
    }

    var isAbsolute: Bool { scheme != nil }

    var withoutFragment: URIReference {
        var copy = self
        copy.fragment = nil
        return copy
    }

    var description: String {
        var text = ""
        if let scheme { text += scheme + ":" }
        if let authority { text += "//" + authority }
        text += path
        if let query { text += "?" + query }
        if let fragment { text += "#" + fragment }
        return text
    }

    /// The target of this reference when it appears in a document whose base URI is `base`.
    func resolved(against base: URIReference) -> URIReference {
        var target = URIReference("")
        if scheme != nil {
            target = self
            target.path = Self.removingDotSegments(path)
        } else {
            if authority != nil {
                target.authority = authority
                target.path = Self.removingDotSegments(path)
                target.query = query
            } else {
                if path.isEmpty {
                    target.path = base.path
                    target.query = query ?? base.query
                } else {
                    target.path = Self.removingDotSegments(path.hasPrefix("/") ? path : merged(with: base))
                    target.query = query
                }
                target.authority = base.authority
            }
            target.scheme = base.scheme
        }
        target.fragment = fragment
        return target
    }

    private func merged(with base: URIReference) -> String {
        if base.authority != nil && base.path.isEmpty { return "/" + path }
        guard let slash = base.path.lastIndex(of: "/") else { return path }
        return String(base.path[...slash]) + path
    }

    /// RFC 3986 section 5.2.4, segment by segment.
    static func removingDotSegments(_ path: String) -> String {
        guard path.utf8.contains(UInt8(ascii: ".")) else { return path }
        let absolute = path.hasPrefix("/")
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(absolute ? 1 : 0)
        var endsWithDirectory = false
        for segment in segments {
            endsWithDirectory = false
            switch segment {
            case ".":
                endsWithDirectory = true
            case "..":
                if !output.isEmpty { output.removeLast() }
                endsWithDirectory = true
            default:
                output.append(segment)
            }
        }
        var result = (absolute ? "/" : "") + output.joined(separator: "/")
        if endsWithDirectory && !result.hasSuffix("/") { result += "/" }
        return result
    }
}
