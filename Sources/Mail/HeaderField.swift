/// One header field as unbreakable tokens, folded (RFC 5322 §2.2.3) into lines of at most
/// 78 characters wherever a token boundary allows.
///
/// The rule it keeps: folding only inserts CRLF before the single space that already separates
/// two tokens, so unfolding restores the value exactly; a line never consists of white space only.
struct HeaderField {
    static let maxLineLength = 78

    var name: String
    var tokens: [String]

    init(_ name: String, _ tokens: [String]) {
        self.name = name
        self.tokens = tokens
    }

    init(_ name: String, _ value: String) {
        self.init(name, [value])
    }

    /// The field's lines joined with CRLF and ending with CRLF.
    var rendered: [UInt8] {
        var output = ""
        var line = name + ":"
        var lineHasToken = false
        for token in tokens {
            if lineHasToken && !token.isEmpty && line.count + 1 + token.count > Self.maxLineLength {
                output += line + "\r\n"
                line = ""
            }
            line += " " + token
            lineHasToken = true
        }
        output += line + "\r\n"
        return Array(output.utf8)
    }

    /// `From`/`To`/`Cc` tokens: `phrase <address>` items separated by commas.
    static func addressTokens(_ addresses: [MailAddress]) -> [String] {
        var tokens: [String] = []
        for (index, address) in addresses.enumerated() {
            let bare = MIMEEncoding.singleLine(address.address).replacingOccurrences(of: " ", with: "")
            var item: [String]
            if let name = address.name, !name.trimmingCharacters(in: .whitespaces).isEmpty {
                item = MIMEEncoding.phraseTokens(name) + ["<" + bare + ">"]
            } else {
                item = [bare]
            }
            if index < addresses.count - 1 { item[item.count - 1] += "," }
            tokens += item
        }
        return tokens
    }
}
