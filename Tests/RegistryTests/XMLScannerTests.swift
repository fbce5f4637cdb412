import Testing
@testable import Registry

@Suite struct XMLScannerTests {
    /// "start name attr=value…" and "end" lines for every token.
    static func tokens(_ text: String, piece: Int = 7, attributes: [String] = []) throws(RegistryError) -> [String] {
        let scanner = XMLScanner(source: MemorySource(text, piece: piece))
        var result: [String] = []
        while true {
            switch try scanner.next() {
            case .endOfDocument: return result
            case .end: result.append("end")
            case .start:
                var line = "start \(scanner.name)"
                for name in attributes {
                    if let value = try scanner.attribute(Array(name.utf8)) { line += " \(name)=\(value)" }
                }
                result.append(line)
            }
        }
    }

    @Test(arguments: [1, 3, 7, 4096])
    func tokenizesAcrossRefills(piece: Int) throws {
        let text = """
            \u{FEFF}<?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE Файл [ <!ELEMENT Файл ANY> ]>
            <!-- a comment with <tags> -->
            <Файл a="1" b = 'two words'>
              <Документ a="&quot;x&quot; &amp; &lt;y&gt; &apos;z&apos; &#1041;&#x416;" b="line
            break">text &amp; more<![CDATA[ <not a tag> ]]></Документ>
              <Пусто/><?pi data?>
            </Файл>

            """
        #expect(try Self.tokens(text, piece: piece, attributes: ["a", "b"]) == [
            "start Файл a=1 b=two words",
            "start Документ a=\"x\" & <y> 'z' БЖ b=line break",
            "end",
            "start Пусто",
            "end",
            "end",
        ])
    }

    @Test func decodesWindows1251() throws {
        // <?xml … encoding="windows-1251"?><Файл Наим="Ёлка №1"/> in windows-1251.
        let head = Array("<?xml version=\"1.0\" encoding=\"windows-1251\"?><".utf8)
        let body: [UInt8] = [0xD4, 0xE0, 0xE9, 0xEB, 0x20] + Array("a=\"".utf8) + [0xA8, 0xEB, 0xEA, 0xE0, 0x20, 0xB9, 0x31] + Array("\"/>".utf8)
        let scanner = XMLScanner(source: MemorySource(bytes: head + body, piece: 5))
        #expect(try scanner.next() == .start)
        #expect(scanner.name == "Файл")
        #expect(try scanner.attribute(Array("a".utf8)) == "Ёлка №1")
        #expect(scanner.detectedEncoding == .windows1251)
    }

    @Test(arguments: [
        ("<a><b></a>", "does not match"),
        ("<a x=1/>", "unquoted"),
        ("<a x=\"1\"y=\"2\"/>", "not separated"),
        ("<a x=\"<\"/>", "'<' inside"),
        ("<a x=\"&nbsp;\"/>", "unknown reference"),
        ("<a x/>", "without a value"),
        ("hello <a/>", "text before the first element"),
        ("<a/><b/>", "second root"),
        ("<a/>tail", "text after"),
        ("<a><b>", "truncated"),
        ("<a><b x=\"1", "truncated"),
        ("< a/>", "element name"),
        ("</a>", "without a start tag"),
        ("<a><!unknown></a>", "unknown markup"),
        ("", "no element"),
        ("   \n", "no element"),
    ])
    func rejectsMalformedXML(text: String, fragment: String) {
        do {
            _ = try Self.tokens(text, attributes: ["x"])
            Issue.record("accepted \(text)")
        } catch .badFile(let reason) {
            #expect(reason.contains(fragment), "\(text): \(reason)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func growsForLongTags() throws {
        let long = String(repeating: "Ж", count: 400_000)
        #expect(try Self.tokens("<a x=\"\(long)\"/>", piece: 65_536, attributes: []) == ["start a", "end"])
    }
}
