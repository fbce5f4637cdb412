import Testing
@testable import Net

/// `http://` URLs as webhook deliveries read them.
@Suite struct HTTPURLTests {
    @Test func readsHostPortAndTarget() throws {
        let url = try #require(HTTPURL("http://127.0.0.1:8080/hooks/crm?x=1"))
        #expect((url.host, url.port, url.target) == ("127.0.0.1", 8080, "/hooks/crm?x=1"))
        let bare = try #require(HTTPURL("HTTP://example.ru"))
        #expect((bare.host, bare.port, bare.target) == ("example.ru", 80, "/"))
        let query = try #require(HTTPURL("http://h?y=2"))
        #expect(query.target == "/?y=2")
        let v6 = try #require(HTTPURL("http://[::1]:9000/a"))
        #expect((v6.host, v6.port, v6.target) == ("::1", 9000, "/a"))
    }

    @Test(arguments: ["https://example.ru/", "ftp://h/", "http://", "http:///x", "http://user@h/", "http://h:0/", "http://h:70000/",
                      "http://h:x/", "http://h/a#frag", "http://h/a b", "http://[::1/", "example.ru"])
    func refusesWhatItCannotPost(_ text: String) {
        #expect(HTTPURL(text) == nil)
    }
}
