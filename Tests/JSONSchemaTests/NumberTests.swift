import JSONKit
import JSONSchema
import Testing

/// Numeric keywords decided exactly on the decimal text.
@Suite struct NumberTests {
    @Test func boundsBeyondDoublePrecision() throws {
        #expect(try !Fixture.isValid(#"{"maximum": 9007199254740992}"#, "9007199254740993"))
        #expect(try Fixture.isValid(#"{"maximum": 9007199254740992}"#, "9007199254740992"))
        #expect(try !Fixture.isValid(#"{"exclusiveMaximum": 9007199254740993}"#, "9007199254740993"))
        #expect(try Fixture.isValid(#"{"minimum": 9007199254740993}"#, "9007199254740993.0"))
        #expect(try !Fixture.isValid(#"{"minimum": 12345678901234567890.5}"#, "12345678901234567890.4"))
        #expect(try Fixture.isValid(#"{"maximum": 1e400}"#, "99999999999999999999999999999999"))
        #expect(try !Fixture.isValid(#"{"minimum": -1e-400}"#, "-1e-399"))
        #expect(try Fixture.isValid(#"{"minimum": 0.1, "maximum": 0.1}"#, "1e-1"))
        #expect(try Fixture.isValid(#"{"maximum": 100}"#, "1E2"))
        #expect(try !Fixture.isValid(#"{"exclusiveMaximum": 100}"#, "1.00e+2"))
    }

    @Test func multipleOfIsExact() throws {
        #expect(try Fixture.isValid(#"{"multipleOf": 0.01}"#, "12.34"))
        #expect(try !Fixture.isValid(#"{"multipleOf": 0.01}"#, "12.345"))
        #expect(try Fixture.isValid(#"{"multipleOf": 0.01}"#, "19.99"))
        #expect(try Fixture.isValid(#"{"multipleOf": 0.1}"#, "0.3"))
        #expect(try Fixture.isValid(#"{"multipleOf": 0.0001}"#, "1e308"))
        #expect(try Fixture.isValid(#"{"multipleOf": 7}"#, "700000000000000000000000000000000000007"))
        #expect(try !Fixture.isValid(#"{"multipleOf": 7}"#, "700000000000000000000000000000000000008"))
        #expect(try Fixture.isValid(#"{"multipleOf": 123456789012345678901234567890}"#, "246913578024691357802469135780"))
        #expect(try !Fixture.isValid(#"{"multipleOf": 123456789012345678901234567890}"#, "246913578024691357802469135781"))
        #expect(try Fixture.isValid(#"{"multipleOf": 1e-30}"#, "1.5e-29"))
        #expect(try !Fixture.isValid(#"{"multipleOf": 3}"#, "1e1000000"))
        #expect(try Fixture.isValid(#"{"multipleOf": 2}"#, "1e1000000"))
        #expect(try Fixture.isValid(#"{"multipleOf": 11111111111111111111111}"#, "1.1111111111111111111111e1000022"))
        #expect(try Fixture.isValid(#"{"multipleOf": 2.5}"#, "-7.5"))
        #expect(try Fixture.isValid(#"{"multipleOf": 0.5}"#, "0"))
        #expect(try !Fixture.isValid(#"{"multipleOf": 0.123456789}"#, "1e308"))
        #expect(try !Fixture.isValid(#"{"multipleOf": 0.123456789}"#, "10000000000000000000000"))
        #expect(try Fixture.isValid(#"{"multipleOf": 0.123456789}"#, "1234567890"))
    }

    @Test func integerTypeAcceptsIntegralLiterals() throws {
        for literal in ["1", "1.0", "-0", "1e2", "2.50e1", "0.1e1", "12345678901234567890123"] {
            #expect(try Fixture.isValid(#"{"type": "integer"}"#, literal), "\(literal)")
        }
        for literal in ["1.5", "1e-2", "0.15e1"] {
            #expect(try !Fixture.isValid(#"{"type": "integer"}"#, literal), "\(literal)")
        }
        #expect(try Fixture.errors(#"{"type": "string"}"#, "1.0").first?.message == "expected string, got integer")
    }

    @Test func hugeExponentsDoNotTrap() throws {
        #expect(try !Fixture.isValid(#"{"type": "integer"}"#, "0.5e-9223372036854775808"))
        #expect(try Fixture.isValid(#"{"maximum": 1}"#, "10e-9223372036854775807"))
        #expect(try !Fixture.isValid(#"{"const": 1}"#, "1e99999999999999999999"))
        #expect(try !Fixture.isValid(#"{"multipleOf": 1}"#, "1e-999999999999999"))
        #expect(try !Fixture.isValid(#"{"multipleOf": 3}"#, "1e999999999999999"))
        #expect(try Fixture.isValid(#"{"multipleOf": 1e-999999999999999}"#, "1"))
        #expect(try !Fixture.isValid(#"{"uniqueItems": true}"#, "[1e99999999999999999999, 1e99999999999999999999]"))
    }

    @Test func valueEqualityInConstEnumAndUniqueness() throws {
        #expect(try Fixture.isValid(#"{"const": 1.50}"#, "1.5"))
        #expect(try Fixture.isValid(#"{"const": {"a": [100]}}"#, #"{"a": [1e2]}"#))
        #expect(try Fixture.isValid(#"{"enum": [0.10, "x"]}"#, "0.1"))
        #expect(try !Fixture.isValid(#"{"uniqueItems": true}"#, "[10, 1e1]"))
    }
}
