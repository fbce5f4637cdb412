import JSONKit
import Testing
@testable import CRM

/// A search finds exactly the records whose text has every search word as a word prefix,
/// however `SearchQuery` asks FTS5 for them (a word's rows, the words a prefix begins, or a
/// prefix query).
@Suite struct SearchExpansionTests {
    /// The words of every lead's text besides its title (`CRMFixture.completeLead`, the phone as
    /// written and its keys, the e-mail).
    static let otherWords = ["иван", "петров", "москва", "видеонаблюдение", "7", "999", "555", "66", "77",
                             "79995556677", "9995556677", "mail", "site", "org"]

    /// 200 leads titled «Клиент N», every seventh «Клиентка N»: «клиент» is a word of its own
    /// and begins another, «1» begins more than `SearchQuery.maxExpansion` words.
    func seeded() throws -> (CRMFixture, titles: [Int64: String]) {
        let fixture = try CRMFixture()
        var titles: [Int64: String] = [:]
        for number in 0..<200 {
            let title = (number % 7 == 0 ? "Клиентка " : "Клиент ") + String(number)
            let lead = try fixture.addLead(["title": .string(title), "phones": [["value": "+7 (999) 555-66-77"]], "emails": [["value": "mail@site.org"]]])
            titles[lead.id] = title
        }
        return (fixture, titles)
    }

    @Test func searchFindsWhatABruteForceWordPrefixFilterFinds() throws {
        let (fixture, titles) = try seeded()
        let searches = ["клиент", "клиен", "Клиентка", "клиент 1", "Клиент 42", "1", "19", "клиентка 7", "клиент 199",
                        "иван 4", "клиентками", "zzz", "клиент 1999"]
        for search in searches {
            let wanted = search.lowercased().split(separator: " ")
            let expected = titles.filter { _, title in
                let words = title.lowercased().split(separator: " ") + Self.otherWords.map { Substring($0) }
                return wanted.allSatisfy { word in words.contains { $0.hasPrefix(word) } }
            }.keys.sorted()
            var request = ListRequest()
            request.search = search
            request.limit = 500
            let found = try fixture.crm.leads.list(request)["items"]?.arrayValue?.map(\.id).sorted()
            #expect(found == expected, "\(search)")
        }
    }

    @Test func aWordOfItsOwnComesFirstAndTheVocabularyFollows() throws {
        let (fixture, _) = try seeded()
        let query = try fixture.crm.pool.read { db in
            var builder = ListQueryBuilder(entity: fixture.crm.leads.entity, custom: [])
            try builder.addSearch("клиент 42 1", db)
            return builder.arguments
        }
        #expect(query == [.text(#"("клиент" OR "клиентка") AND "42" AND "1"*"#)])
    }
}
