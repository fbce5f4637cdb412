import JSONKit
import JSONSchema
import Testing

/// String lengths and the asserted formats.
@Suite struct StringAndFormatTests {
    @Test func lengthsCountCodePoints() throws {
        #expect(try Fixture.isValid(#"{"minLength": 6, "maxLength": 6}"#, #""Привет""#))
        #expect(try !Fixture.isValid(#"{"maxLength": 5}"#, #""Привет""#))
        #expect(try Fixture.isValid(#"{"maxLength": 1}"#, #""\ud83d\ude00""#))
        #expect(try Fixture.isValid(#"{"minLength": 2, "maxLength": 2}"#, "\"e\u{301}\""))
    }

    @Test(arguments: [
        ("date", "2024-02-29", true), ("date", "2023-02-29", false), ("date", "2024-04-31", false),
        ("date", "2024-13-01", false), ("date", "2024-1-01", false), ("date", "2024-01-01T00:00:00Z", false),
        ("date", "1900-02-29", false), ("date", "2000-02-29", true),
        ("date-time", "2024-05-01T10:20:30Z", true), ("date-time", "2024-05-01t10:20:30.123+03:00", true),
        ("date-time", "2024-05-01T10:20:30", false), ("date-time", "2024-05-01 10:20:30Z", false),
        ("date-time", "2024-05-01T24:00:00Z", false), ("date-time", "2024-02-30T10:00:00Z", false),
        ("date-time", "1998-12-31T23:59:60Z", true), ("date-time", "1998-12-31T15:59:60-08:00", true),
        ("date-time", "1998-12-31T23:58:60Z", false), ("date-time", "2024-05-01T10:20:30.Z", false),
        ("date-time", "2024-05-01T10:20:30+3:00", false),
        ("time", "10:20:30Z", true), ("time", "10:20:30", false),
        ("email", "joe@example.com", true), ("email", "joe@", false), ("email", "@example.com", false),
        ("email", "jo e@example.com", false), ("email", "a@b@c", false), ("email", "no-at", false),
        ("uri", "https://example.com/a?b#c", true), ("uri", "urn:isbn:0451450523", true), ("uri", "mailto:a@b.c", true),
        ("uri", "/relative/path", false), ("uri", "example.com", false), ("uri", "http://a b.com", false), ("uri", "1http://x", false),
        ("uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d16380", true), ("uuid", "2EB8AA08-AA98-11EA-B4AA-73B441D16380", true),
        ("uuid", "2eb8aa08aa9811eab4aa73b441d16380", false), ("uuid", "2eb8aa08-aa98-11ea-b4aa-73b441d1638g", false),
        ("no-such-format", "anything", true),
    ])
    func formats(_ format: String, _ value: String, _ valid: Bool) throws {
        let errors = try Fixture.errors(#"{"format": "\#(format)"}"#, JSON.string(value).text)
        #expect(errors.isEmpty == valid, "\(format) \(value): \(errors)")
    }

    @Test func formatIgnoresNonStrings() throws {
        #expect(try Fixture.isValid(#"{"format": "date"}"#, "20240101"))
    }
}
