import JSONKit
import Testing
@testable import CRM

@Suite struct LeadListTests {
    /// Ten leads in cities of mixed case, with a custom decimal and money field.
    func populated() throws -> CRMFixture {
        let fixture = try CRMFixture()
        _ = try fixture.crm.customFields.add(entityType: .lead, code: "area", title: "Площадь", type: "decimal", multiple: false, options: [], by: .user(1))
        _ = try fixture.crm.customFields.add(entityType: .lead, code: "budget", title: "Бюджет", type: "money", multiple: false, options: [], by: .user(1))
        _ = try fixture.crm.customFields.add(entityType: .lead, code: "tags", title: "Метки", type: "enum", multiple: true, options: ["vip", "опт", "розница"], by: .user(1))
        let cities = ["Москва", "МОСКВА", "Тверь", "Санкт-Петербург", "москва", "Казань", "Ёлкино", "Тверь", "Казань", "Омск"]
        for (index, city) in cities.enumerated() {
            fixture.clock.advance(by: 10)
            _ = try fixture.addLead([
                "city": .string(city), "title": .string("Лид \(index)"),
                "phones": [["value": .string("8 916 000-00-\(String(format: "%02d", index))")]],
                "custom": ["area": .string(index % 2 == 0 ? "\(index * 10).5" : "-\(index)"),
                           "budget": ["amount": .string("\(1000 * index)"), "currency": "RUB"],
                           "tags": index % 3 == 0 ? ["vip", "опт"] : ["розница"]],
            ])
        }
        return fixture
    }

    func titles(_ fixture: CRMFixture, _ configure: (inout ListRequest) -> Void) throws -> [String] {
        var request = ListRequest()
        configure(&request)
        return try fixture.crm.leads.list(request)["items"]?.arrayValue?.compactMap { $0["title"]?.stringValue } ?? []
    }

    @Test func containsFoldsCyrillicCase() throws {
        let fixture = try populated()
        #expect(try titles(fixture) { $0.filter = ["%city": "моск"] } == ["Лид 0", "Лид 1", "Лид 4"])
        #expect(try titles(fixture) { $0.filter = ["%city": "ЕЛКИ"] } == ["Лид 6"])
        #expect(try titles(fixture) { $0.filter = ["city": "Тверь"] } == ["Лид 2", "Лид 7"])
    }

    @Test func everyOperator() throws {
        let fixture = try populated()
        #expect(try titles(fixture) { $0.filter = ["!city": "Тверь", "@city": ["Тверь", "Омск", "Казань"]] } == ["Лид 5", "Лид 8", "Лид 9"])
        #expect(try titles(fixture) { $0.filter = ["!@city": ["Москва", "МОСКВА", "москва", "Тверь", "Казань"]] } == ["Лид 3", "Лид 6", "Лид 9"])
        #expect(try titles(fixture) { $0.filter = [">=createdAt": "2026-11-18T11:07:50Z", "<createdAt": "2026-11-18T11:08:10Z"] } == ["Лид 6", "Лид 7"])
        #expect(try titles(fixture) { $0.filter = [">custom.area": "40", "<=custom.area": "80.5"] } == ["Лид 4", "Лид 6", "Лид 8"])
        #expect(try titles(fixture) { $0.filter = ["<custom.area": "-7"] } == ["Лид 9"])
        #expect(try titles(fixture) { $0.filter = [">=custom.budget": "8000.00"] } == ["Лид 8", "Лид 9"])
        #expect(try titles(fixture) { $0.filter = ["custom.tags": "vip"] } == ["Лид 0", "Лид 3", "Лид 6", "Лид 9"])
        #expect(try titles(fixture) { $0.filter = ["phones": "+7 (916) 000-00-05"] } == ["Лид 5"])
        #expect(try titles(fixture) { $0.filter = ["%phones": "0000003"] } == ["Лид 3"])
        #expect(try titles(fixture) { $0.filter = ["comments": .null, "city": "Омск"] } == ["Лид 9"])
    }

    @Test func unknownFieldsAndBadOperatorsAreInvalidParams() throws {
        let fixture = try populated()
        #expect(throws: CRMError.invalidParam("/filter/nope", "unknown field 'nope'")) { try titles(fixture) { $0.filter = ["nope": "x"] } }
        #expect(throws: CRMError.self) { try titles(fixture) { $0.filter = [">phones": "1"] } }
        #expect(throws: CRMError.self) { try titles(fixture) { $0.filter = ["%version": "1"] } }
        #expect(throws: CRMError.self) { try titles(fixture) { $0.filter = ["createdAt": "yesterday"] } }
        #expect(throws: CRMError.self) { try titles(fixture) { $0.select = ["title", "drop table leads"] } }
        #expect(throws: CRMError.self) { try titles(fixture) { $0.order = [("custom.tags", false)] } }
    }

    @Test func onlyIndexedFieldsSortAndTheRestAreRefusedWithTheSortableList() throws {
        let fixture = try populated()
        let sortable: JSON = ["id", "createdAt", "updatedAt", "stageId", "title"]
        for field in ["city", "custom.area", "comments"] {
            var request = ListRequest()
            request.order = [("title", false), (field, true)]
            let expected = CRMError.notSortable("/order/1", field: field, sortable: sortable.arrayValue!.compactMap(\.stringValue))
            #expect(throws: expected) { try fixture.crm.leads.list(request) }
            guard case .invalidParams(let problems) = expected, let problem = problems.first else { Issue.record("not invalidParams"); continue }
            #expect(problem.reason == "notSortable" && problem.details["field"] == .string(field) && problem.details["sortable"] == sortable)
        }
        for field in EntityDescriptor.lead.sortable {
            var request = ListRequest()
            request.order = [(field, true)]
            #expect(try fixture.crm.leads.list(request)["items"]?.arrayValue?.count == 10, "\(field)")
        }
    }

    @Test func searchFindsCyrillicWordsAndPhones() throws {
        let fixture = try populated()
        #expect(try titles(fixture) { $0.search = "санкт" } == ["Лид 3"])
        #expect(try titles(fixture) { $0.search = "ИВАН ЕЛКИНО" } == ["Лид 6"])
        #expect(try titles(fixture) { $0.search = "9160000007" } == ["Лид 7"])
        #expect(try titles(fixture) { $0.search = "!!!" } == [])
    }

    @Test func searchFindsAPhoneInAnyNotation() throws {
        let fixture = try populated()
        // Лид 7 was added as 8 916 000-00-07.
        for notation in ["+79160000007", "89160000007", "9160000007", "+7 (916) 000-00-07", "8 (916) 000-00-07", "+7 916 000 00 07",
                         "8-916-000-00-07", "Лид +7 (916) 000-00-07"] {
            #expect(try titles(fixture) { $0.search = notation } == ["Лид 7"], "\(notation)")
        }
        #expect(try titles(fixture) { $0.search = "+7 (916) 000-00-99" } == [])
        #expect(try titles(fixture) { $0.search = "Омск +7 (916) 000-00-07" } == [])
        // Short numbers and dates stay words, as before: "7" is a prefix of every phone here.
        #expect(try titles(fixture) { $0.search = "Лид 7" }.count == 10)
    }

    @Test func aPrefixAsTheWordsItBeginsFindsWhatThePrefixFound() throws {
        let fixture = try populated()
        for word in ["ива", "иван", "лид", "мос", "9160", "санкт", "е", "petrov", "ёлк", "zzz"] {
            let folded = TextFolding.fold(word)
            let expected = try fixture.crm.pool.read { db in
                try db.query("SELECT rowid FROM leads_fts WHERE leads_fts MATCH ? ORDER BY rowid", [.text("\"\(folded)\"*")]).map { try $0.int64("rowid") }
            }
            var request = ListRequest()
            request.search = word
            request.limit = 500
            #expect(try fixture.crm.leads.list(request)["items"]?.arrayValue?.map(\.id) == expected, "\(word)")
        }
    }

    @Test func searchQueryExpandsFewWordsAndKeepsManyAsAPrefix() throws {
        let vocabulary = ["иван", "иванов", "ивановна"] + (0..<40).map { "42\($0)" }
        let expand: SearchQuery.Expansion = { prefix in Array(vocabulary.filter { $0.hasPrefix(prefix) }.prefix(SearchQuery.maxExpansion + 1)) }
        #expect(try SearchQuery.make("Иван 42", expand: expand) == #"("иван" OR "иванов" OR "ивановна") AND "42"*"#)
        #expect(try SearchQuery.make("ивано", expand: expand) == #"("иванов" OR "ивановна")"#)
        #expect(try SearchQuery.make("café", expand: expand) == #""café"*"#)
        #expect(try SearchQuery.make("нет", expand: expand) == #""нет"*"#)
        #expect(SearchQuery.upperBound(of: "иван") == "ивао")
    }

    @Test func searchQueryKeepsWordsAndNormalizesPhones() throws {
        #expect(try SearchQuery.make("Иван Петров") == #""иван"* AND "петров"*"#)
        #expect(try SearchQuery.make("+7 (900) 012-34-56") == #""79000123456""#)
        #expect(try SearchQuery.make("89000123456") == #"("79000123456" OR "89000123456"*)"#)
        #expect(try SearchQuery.make("7707083893") == #"("77707083893" OR "7707083893"*)"#)
        #expect(try SearchQuery.make("Клиент 42 2026-03-01") == #""клиент"* AND "42"* AND "2026"* AND "03"* AND "01"*"#)
        #expect(try SearchQuery.make("+44 20 7946 0958") == #""442079460958""#)
        #expect(try SearchQuery.make("a\"b") == #""a"* AND "b"*"#)
        #expect(try SearchQuery.make("12 345 6789012") == #""12"* AND "345"* AND "6789012"*"#)
        #expect(try SearchQuery.make("(900) 012-34-56") == #""79000123456""#)
        #expect(try SearchQuery.make("!!! ---") == nil)
        #expect(try SearchQuery.make("office3@firm3.ru") == #""office3"* AND "firm3"* AND "ru"*"#)
        #expect(try SearchQuery.make("тел.89000123456") == #""79000123456" AND "тел"*"#)
        #expect(try SearchQuery.make("id89000123456") == #""id89000123456"*"#)
    }

    @Test func cursorPagesVisitEveryRowOnceInOrder() throws {
        let fixture = try populated()
        for order in [[("title", false)], [("title", true)], [("updatedAt", true)], [("createdAt", true)], [("stageId", false), ("title", true)], []] {
            var request = ListRequest()
            request.order = order
            request.limit = 3
            request.count = true
            var seen: [Int64] = []
            var pages = 0
            while true {
                let page = try fixture.crm.leads.list(request)
                #expect(page["total"] == (pages == 0 ? 10 : nil))
                seen += page["items"]?.arrayValue?.map(\.id) ?? []
                pages += 1
                guard case .string(let next)? = page["next"] else { break }
                request.cursor = next
                request.count = false
            }
            #expect(pages == 4)
            #expect(seen.count == 10 && Set(seen).count == 10, "order \(order)")
            var all = ListRequest()
            all.order = order
            #expect(try fixture.crm.leads.list(all)["items"]?.arrayValue?.map(\.id) == seen, "order \(order)")
        }
    }

    @Test func cursorOfAnotherOrderIsRefused() throws {
        let fixture = try populated()
        var request = ListRequest()
        request.limit = 2
        guard case .string(let next)? = try fixture.crm.leads.list(request)["next"] else { Issue.record("no next"); return }
        request.cursor = next
        request.order = [("title", false)]
        #expect(throws: CRMError.invalidParam("/cursor", "not a cursor of this list and order")) { try fixture.crm.leads.list(request) }
        request.cursor = "garbage"
        #expect(throws: CRMError.self) { try fixture.crm.leads.list(request) }
    }

    @Test func selectReturnsOnlyTheAskedFields() throws {
        let fixture = try populated()
        var request = ListRequest()
        request.select = ["city", "custom.area"]
        request.limit = 1
        let item = try fixture.crm.leads.list(request)["items"]?.arrayValue?.first
        #expect(item == ["id": 1, "city": "Москва", "custom": ["area": "0.5"]])
    }
}

@Suite struct CustomFieldTests {
    @Test func valuesAreCheckedByType() throws {
        let fixture = try CRMFixture()
        let types = ["string", "text", "integer", "decimal", "money", "date", "datetime", "boolean", "url", "address"]
        for type in types {
            _ = try fixture.crm.customFields.add(entityType: .lead, code: "f_\(type)", title: type, type: type, multiple: false, options: [], by: .user(1))
        }
        _ = try fixture.crm.customFields.add(entityType: .lead, code: "f_enum", title: "enum", type: "enum", multiple: false, options: ["a", "b"], by: .user(1))
        let good: [String: JSON] = [
            "f_string": "строка", "f_text": "много\nстрок", "f_integer": .number(JSONNumber("9007199254740993")!), "f_decimal": "0012.500",
            "f_money": ["amount": "1500.5", "currency": "RUB"], "f_date": "2026-02-28", "f_datetime": "2026-11-29T13:15:00+03:00",
            "f_boolean": true, "f_url": "https://example.ru/a", "f_address": "Москва, Тверская, 1", "f_enum": "b",
        ]
        let lead = try fixture.addLead(["custom": .object(good)])
        #expect(lead["custom"]?["f_decimal"] == "12.500")
        #expect(lead["custom"]?["f_money"] == ["amount": "1500.50", "currency": "RUB"])
        #expect(lead["custom"]?["f_datetime"] == "2026-11-29T10:15:00Z")
        #expect(lead["custom"]?["f_integer"]?.int64Value == 9_007_199_254_740_993)
        let bad: [(String, JSON)] = [
            ("f_integer", "12"), ("f_integer", .number(JSONNumber("1.5")!)), ("f_decimal", "1,5"), ("f_decimal", .number(JSONNumber("1e5")!)),
            ("f_money", ["amount": "1.005", "currency": "RUB"]), ("f_money", "100"), ("f_date", "2026-02-30"), ("f_datetime", "вчера"),
            ("f_boolean", "true"), ("f_url", "example.ru"), ("f_enum", "c"), ("f_string", 5),
        ]
        for (code, value) in bad {
            #expect(throws: CRMError.self, "\(code) = \(value.text)") {
                try fixture.crm.leads.update(id: lead.id, fields: ["custom": .object([code: value])], expectedVersion: nil, by: .user(1))
            }
        }
        #expect(try fixture.crm.leads.get(lead.id) == lead)
        #expect(throws: CRMError.invalidParams([ParamProblem(path: "/fields/custom/nope", message: "unknown custom field 'nope'")])) {
            try fixture.crm.leads.update(id: lead.id, fields: ["custom": ["nope": 1]], expectedVersion: nil, by: .user(1))
        }
        let cleared = try fixture.crm.leads.update(id: lead.id, fields: ["custom": ["f_text": .null]], expectedVersion: nil, by: .user(1))
        #expect(cleared["custom"]?.objectValue?.keys.contains("f_text") == false)
        #expect(cleared["custom"]?["f_enum"] == "b")
    }

    @Test func duplicateCodesAndBadDefinitionsAreRefused() throws {
        let fixture = try CRMFixture()
        _ = try fixture.crm.customFields.add(entityType: .lead, code: "area", title: "Площадь", type: "decimal", multiple: false, options: [], by: .user(1))
        #expect(throws: CRMError.conflict(reason: "exists", details: ["field": "custom.area"])) {
            try fixture.crm.customFields.add(entityType: .lead, code: "area", title: "x", type: "string", multiple: false, options: [], by: .user(1))
        }
        #expect(throws: CRMError.self) { try fixture.crm.customFields.add(entityType: .lead, code: "e", title: "x", type: "enum", multiple: false, options: [], by: .user(1)) }
        #expect(throws: CRMError.self) { try fixture.crm.customFields.add(entityType: .lead, code: "p", title: "x", type: "phones", multiple: false, options: [], by: .user(1)) }
        let fields = try fixture.crm.leads.fields()
        #expect(fields["custom.area"]?["type"] == "decimal")
        #expect(fields["custom.area"]?["isCustom"] == true)
        #expect(fields["city"]?["isRequired"] == true)
        #expect(fields["comments"]?["isRequired"] == false)
        #expect(fields["createdAt"]?["isReadOnly"] == true)
    }

    @Test func requiredCustomFieldAppliesOnCreation() throws {
        let fixture = try CRMFixture()
        _ = try fixture.crm.customFields.add(entityType: .lead, code: "inn_hint", title: "ИНН со слов", type: "string", multiple: false,
                                             options: [], required: true, by: .user(1))
        #expect(throws: CRMError.requiredFieldsMissing(entityType: "lead", id: nil, stageId: "NEW",
                                                       missing: [MissingField(field: "custom.inn_hint", title: "ИНН со слов")])) {
            try fixture.addLead()
        }
    }
}
