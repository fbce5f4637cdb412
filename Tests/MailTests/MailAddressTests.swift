import Mail
import Testing

@Suite struct MailAddressTests {
    @Test func parsesCommonForms() {
        #expect(MailAddress.parse("ivan@example.ru") == MailAddress("ivan@example.ru"))
        #expect(MailAddress.parse(" <ivan@example.ru> ") == MailAddress("ivan@example.ru"))
        #expect(MailAddress.parse("Иван Петров <ivan@example.ru>") == MailAddress("ivan@example.ru", name: "Иван Петров"))
        #expect(MailAddress.parse("\"Smith, \\\"JJ\\\"\" <j.s+tag@mail.example.com>") == MailAddress("j.s+tag@mail.example.com", name: "Smith, \"JJ\""))
    }

    @Test(arguments: ["", "plain", "@example.ru", "a@", "a..b@example.ru", ".a@example.ru", "a@-x.ru", "a@x..ru",
                      "a b@example.ru", "a@example.ru\r\nRCPT TO:<x@y.z>", "иван@example.ru", "Name <a@b.ru", "a@exa_mple.ru"])
    func rejectsInvalid(_ text: String) {
        #expect(MailAddress.parse(text) == nil)
        #expect(!MailAddress(text).isValid)
    }

    @Test func acceptsLiteralsAndTags() {
        #expect(MailAddress("user+tag@[192.0.2.1]").isValid)
        #expect(MailAddress("o'brien@sub-domain.example.co.uk").isValid)
    }

    @Test func temporaryErrors() {
        #expect(MailError.timeout.isTemporary)
        #expect(MailError.connectionFailed("x").isTemporary)
        #expect(MailError.protocolError(code: 451, message: "").isTemporary)
        #expect(!MailError.protocolError(code: 554, message: "").isTemporary)
        #expect(MailError.rejected(recipient: "a", code: 450, message: "").isTemporary)
        #expect(!MailError.rejected(recipient: "a", code: 550, message: "").isTemporary)
        #expect(!MailError.authenticationFailed("x").isTemporary)
        #expect(!MailError.tlsUnavailable.isTemporary)
        #expect(MailError.sendmailFailed(status: 75, stderr: "").isTemporary)
        #expect(!MailError.sendmailFailed(status: 1, stderr: "").isTemporary)
    }
}
