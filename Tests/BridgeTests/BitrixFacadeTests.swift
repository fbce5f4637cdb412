@testable import Bridge
import JSONKit
import Testing

/// A Bitrix24 client's view of the facade over a real in-process engine: each call goes
/// through `BitrixFacade.respond` as the router hands it on, and what it did is checked
/// through crmd's own methods too.
final class BitrixClient {
    let fixture: BridgeFixture
    let caller: BridgeCaller
    let facade = BitrixFacade()

    init(fixture: BridgeFixture? = nil, userID: Int64 = 1) throws {
        let fixture = try fixture ?? BridgeFixture()
        self.fixture = fixture
        caller = try fixture.backend.caller(token: try fixture.token(for: userID)).get()
    }

    /// The administrator's crmd call, to arrange and to check.
    func crmd(_ method: String, _ params: JSON) throws -> JSON {
        try fixture.backend.administrator.call(method, params).get()
    }

    /// A call with a JSON body.
    func call(_ method: String, _ params: JSON = [:]) throws -> (status: Int, body: JSON) {
        try send(method, body: params.serialized(), contentType: "application/json")
    }

    func send(_ method: String, query: String? = nil, body: [UInt8] = [], contentType: String? = nil) throws -> (status: Int, body: JSON) {
        let answer = facade.respond(method: method, query: query, body: body, contentType: contentType, caller: caller)
        return (answer.status, try JSON.parse(answer.body))
    }

    /// The `result` of a call that must succeed.
    func result(_ method: String, _ params: JSON = [:]) throws -> JSON {
        let (status, body) = try call(method, params)
        #expect(status == 200, "\(method): \(body.text)")
        return try #require(body["result"])
    }

    /// Lets leads be made with any fields: the default funnel's first stage requires phones,
    /// e-mails, city and topic.
    func relaxLeadStage() throws {
        let pipeline = try #require(crmd("pipeline.list", ["entityType": "lead"])["items"]?.arrayValue?.first?["id"])
        _ = try crmd("stage.update", ["pipelineId": pipeline, "stageId": "NEW", "requiredFields": []])
    }
}

@Suite struct BitrixFacadeTests {
    @Test func aLeadKeepsBitrixFieldsThroughAddAndGet() throws {
        let client = try BitrixClient()
        _ = try client.crmd("field.add", ["entityType": "lead", "code": "site_area", "title": "Площадь", "type": "decimal"])
        let id = try client.result("crm.lead.add", ["fields": [
            "TITLE": "Заявка с сайта", "NAME": "Иван", "LAST_NAME": "Петров", "ADDRESS_CITY": "Москва", "TOPIC": "Франшиза",
            "PHONE": [["VALUE": "+7 900 123-45-67", "VALUE_TYPE": "MOBILE"]], "EMAIL": [["VALUE": "ivan@example.ru"]],
            "UF_CRM_SITE_AREA": "12.5", "OPENED": "Y", "SOURCE_ID": "WEB",
        ]])
        let leadID = try #require(id.int64Value)

        let stored = try client.crmd("lead.get", ["id": .int(leadID)])
        #expect(stored["title"] == "Заявка с сайта")
        #expect(stored["phones"] == [["value": "+7 900 123-45-67", "type": "MOBILE"]])
        #expect(stored["emails"] == [["value": "ivan@example.ru", "type": "WORK"]])
        #expect(stored["custom"]?["site_area"] == "12.5")
        #expect(stored["opened"] == true)

        let lead = try client.result("crm.lead.get", ["ID": .string(String(leadID))])
        #expect(lead["ID"] == .string(String(leadID)))
        #expect(lead["TITLE"] == "Заявка с сайта")
        #expect(lead["STATUS_ID"] == "NEW")
        #expect(lead["STATUS_SEMANTIC_ID"] == "P")
        #expect(lead["ASSIGNED_BY_ID"] == "1")
        #expect(lead["UF_CRM_SITE_AREA"] == "12.5")
        #expect(lead["PHONE"] == [["ID": "1", "VALUE": "+7 900 123-45-67", "VALUE_TYPE": "MOBILE", "TYPE_ID": "PHONE"]])
        #expect(lead["HAS_EMAIL"] == "Y")
        let created = try #require(lead["DATE_CREATE"]?.stringValue)
        #expect(created.hasSuffix("+00:00") && created.count == 25)
    }

    @Test func aFormBodyNestsAsPHPDoes() throws {
        let client = try BitrixClient()
        try client.relaxLeadStage()
        let form = "fields%5BTITLE%5D=%D0%9B%D0%B8%D0%B4+%E2%84%961&fields[PHONE][0][VALUE]=%2B79001112233"
            + "&fields[PHONE][0][VALUE_TYPE]=WORK&fields[PHONE][1][VALUE]=84951234567&fields[PHONE][1][VALUE_TYPE]=HOME"
        let (status, body) = try client.send("crm.lead.add", body: Array(form.utf8), contentType: "application/x-www-form-urlencoded")
        #expect(status == 200, "\(body.text)")
        let id = try #require(body["result"]?.int64Value)
        let stored = try client.crmd("lead.get", ["id": .int(id)])
        #expect(stored["title"] == "Лид №1")
        #expect(stored["phones"]?.arrayValue?.count == 2)
        #expect(stored["phones"]?.arrayValue?.last?["type"] == "HOME")

        let (_, fromQuery) = try client.send("crm.lead.get", query: "id=\(id)")
        #expect(fromQuery["result"]?["TITLE"] == "Лид №1")
    }

    @Test func anUpdateAddsChangesAndDeletesMultifieldEntriesAsBitrixDoes() throws {
        let client = try BitrixClient()
        try client.relaxLeadStage()
        let id = try client.result("crm.contact.add", ["fields": ["NAME": "Анна", "PHONE": [["VALUE": "111", "VALUE_TYPE": "WORK"]]]])
        _ = try client.result("crm.contact.update", ["id": id, "fields": ["PHONE": [["VALUE": "222", "VALUE_TYPE": "MOBILE"]]]])
        #expect(try client.crmd("contact.get", ["id": id])["phones"]?.arrayValue?.compactMap { $0["value"]?.stringValue } == ["111", "222"])
        _ = try client.result("crm.contact.update", ["id": id, "fields": ["PHONE": [["ID": "1", "VALUE": "333"], ["ID": "2", "DELETE": "Y"]]]])
        #expect(try client.crmd("contact.get", ["id": id])["phones"] == [["value": "333", "type": "WORK"]])
        _ = try client.result("crm.contact.update", ["id": id, "fields": ["LAST_NAME": "Смирнова"]])
        let contact = try client.crmd("contact.get", ["id": id])
        #expect(contact["lastName"] == "Смирнова")
        #expect(contact["phones"]?.arrayValue?.count == 1)
    }

    @Test func pagesOfFiftyGoByStartWithTotalAndNext() throws {
        let client = try BitrixClient()
        try client.relaxLeadStage()
        var ids: [Int64] = []
        for number in 1...120 {
            ids.append(try #require(client.crmd("lead.add", ["fields": ["title": .string("Лид \(number)")]])["id"]?.int64Value))
        }
        var seen: [String] = []
        for (start, count, next) in [(0, 50, 50), (50, 50, 100), (100, 20, nil)] as [(Int, Int, Int?)] {
            let (status, body) = try client.call("crm.lead.list", ["order": ["ID": "ASC"], "select": ["ID", "TITLE"], "start": .int(start)])
            #expect(status == 200)
            let items = try #require(body["result"]?.arrayValue)
            #expect(items.count == count)
            #expect(body["total"] == 120)
            #expect(body["next"]?.intValue == next)
            #expect(items.first?.objectValue?.keys.sorted() == ["ID", "TITLE"])
            seen += items.compactMap { $0["ID"]?.stringValue }
        }
        #expect(seen == ids.map { String($0) })

        let (_, past) = try client.call("crm.lead.list", ["start": 150])
        #expect(past["result"] == [])
        #expect(past["total"] == 120)
        #expect(past["next"] == nil)

        let (_, uncounted) = try client.call("crm.lead.list", ["start": -1])
        #expect(uncounted["total"] == nil)
        #expect(uncounted["next"] == 50)
        #expect(uncounted["result"]?.arrayValue?.count == 50)

        let (_, descending) = try client.call("crm.lead.list", ["order": ["ID": "DESC"], "start": "100"])
        #expect(descending["result"]?.arrayValue?.last?["ID"] == .string(String(ids[0])))
    }

    @Test func filterPrefixesMapOntoCrmdFilters() throws {
        let client = try BitrixClient()
        try client.relaxLeadStage()
        var ids: [Int64] = []
        for title in ["Окна ПВХ", "Двери", "Окна деревянные", "Кровля"] {
            ids.append(try #require(client.crmd("lead.add", ["fields": ["title": .string(title)]])["id"]?.int64Value))
        }
        _ = try client.crmd("lead.update", ["id": .int(ids[3]), "fields": ["stageId": "QUALIFICATION"]])
        func titles(_ filter: JSON) throws -> [String] {
            let (status, body) = try client.call("crm.lead.list", ["filter": filter, "order": ["ID": "ASC"]])
            #expect(status == 200, "\(body.text)")
            return body["result"]?.arrayValue?.compactMap { $0["TITLE"]?.stringValue } ?? []
        }
        #expect(try titles(["%TITLE": "окна"]) == ["Окна ПВХ", "Окна деревянные"])
        #expect(try titles(["=%TITLE": "%окна%"]) == ["Окна ПВХ", "Окна деревянные"])
        #expect(try titles([">=ID": .string(String(ids[2]))]) == ["Окна деревянные", "Кровля"])
        #expect(try titles(["<ID": .int(ids[1])]) == ["Окна ПВХ"])
        #expect(try titles(["@ID": [.string(String(ids[0])), .int(ids[3])]]) == ["Окна ПВХ", "Кровля"])
        #expect(try titles(["!STATUS_ID": "NEW"]) == ["Кровля"])
        #expect(try titles(["STATUS_ID": "QUALIFICATION", "%TITLE": "кров"]) == ["Кровля"])
        #expect(try titles([">=DATE_CREATE": "2000-01-01T03:00:00+03:00", "<=ID": .int(ids[1])]) == ["Окна ПВХ", "Двери"])
        #expect(try titles(["<DATE_CREATE": "2000-01-01"]) == [])

        for unsupported: JSON in [["!%TITLE": "окна"], ["=%TITLE": "окна%"], ["PHONE": "+79001234567"], ["NO_SUCH_FIELD": "1"]] {
            let (status, body) = try client.call("crm.lead.list", ["filter": unsupported])
            #expect(status == 400)
            #expect(body["error"] == "")
            #expect(body["error_description"]?.stringValue?.contains("Filter") == true)
        }
    }

    @Test func aDealKeepsItsMoneyExactAndItsProductRows() throws {
        let client = try BitrixClient()
        let company = try client.result("crm.company.add", ["fields": ["TITLE": "ООО «Ромашка»", "WEB": [["VALUE": "https://romashka.example"]]]])
        let deal = try client.result("crm.deal.add", ["fields": [
            "TITLE": "Поставка", "OPPORTUNITY": "1234567890123.45", "CURRENCY_ID": "RUB", "COMPANY_ID": company, "CATEGORY_ID": "0",
        ]])
        let stored = try client.crmd("deal.get", ["id": deal])
        #expect(stored["opportunity"] == "1234567890123.45")
        #expect(stored["companyId"] == company)
        let read = try client.result("crm.deal.get", ["id": deal])
        #expect(read["OPPORTUNITY"] == "1234567890123.45")
        #expect(read["STAGE_ID"] == "NEW")
        #expect(read["CATEGORY_ID"] == "0")
        #expect(read["CLOSED"] == "N")
        #expect(try client.result("crm.company.get", ["id": company])["WEB"]?.arrayValue?.first?["VALUE"] == "https://romashka.example")

        let product = try client.result("crm.product.add", ["fields": ["NAME": "Кресло", "PRICE": "4990.90", "VAT_RATE": "22"]])
        _ = try client.result("crm.deal.productrows.set", ["id": deal, "rows": [
            ["PRODUCT_ID": product, "PRICE": "4990.90", "QUANTITY": 3, "TAX_RATE": 22, "TAX_INCLUDED": "Y"],
            ["PRODUCT_NAME": "Доставка", "PRICE": "1500", "QUANTITY": "1", "TAX_RATE": "", "DISCOUNT_TYPE_ID": 2, "DISCOUNT_RATE": "10"],
        ]])
        let totals = try client.crmd("deal.productRows.get", ["id": deal])["totals"]
        #expect(totals?["total"] == "16322.70")
        let rows = try #require(client.result("crm.deal.productrows.get", ["id": deal]).arrayValue)
        #expect(rows.count == 2)
        #expect(rows[0]["PRODUCT_ID"] == product.stringValue.map(JSON.string) ?? .string(String(product.int64Value ?? 0)))
        #expect(rows[0]["PRICE"] == "4990.90")
        #expect(rows[0]["QUANTITY"] == "3")
        #expect(rows[0]["TAX_RATE"] == "22")
        #expect(rows[1]["TAX_RATE"] == .null)
        #expect(rows[1]["DISCOUNT_RATE"] == "10")
        #expect(rows[1]["DISCOUNT_SUM"] == "150.00")
    }

    @Test func aDealInAnotherPipelineIsInBitrixCategoryWithPrefixedStages() throws {
        let client = try BitrixClient()
        let pipeline = try #require(client.crmd("pipeline.add", ["entityType": "deal", "title": "Франшиза"])["id"]?.int64Value)
        let stages = try #require(client.crmd("pipeline.list", ["entityType": "deal"])["items"]?.arrayValue?
            .first { $0["id"]?.int64Value == pipeline }?["stages"]?.arrayValue?.compactMap { $0["id"]?.stringValue })
        // crmd names a further pipeline's stages as Bitrix24 names a category's: C<id>:…
        #expect(stages.allSatisfy { $0.hasPrefix("C\(pipeline):") })
        let deal = try client.result("crm.deal.add", ["fields": ["TITLE": "Партнёр", "STAGE_ID": .string(stages[1])]])
        let stored = try client.crmd("deal.get", ["id": deal])
        #expect(stored["pipelineId"]?.int64Value == pipeline)
        #expect(stored["stageId"]?.stringValue == stages[1])
        let read = try client.result("crm.deal.get", ["id": deal])
        #expect(read["CATEGORY_ID"] == .string(String(pipeline)))
        #expect(read["STAGE_ID"] == .string(stages[1]))

        _ = try client.result("crm.deal.add", ["fields": ["TITLE": "Обычная"]])
        let (_, listed) = try client.call("crm.deal.list", ["filter": ["CATEGORY_ID": .string(String(pipeline))]])
        #expect(listed["result"]?.arrayValue?.compactMap { $0["TITLE"]?.stringValue } == ["Партнёр"])
        let (_, inDefault) = try client.call("crm.deal.list", ["filter": ["CATEGORY_ID": 0]])
        #expect(inDefault["result"]?.arrayValue?.compactMap { $0["TITLE"]?.stringValue } == ["Обычная"])
        let other = try client.result("crm.deal.add", ["fields": ["TITLE": "Вторая", "CATEGORY_ID": .string(String(pipeline))]])
        #expect(try client.crmd("deal.get", ["id": other])["stageId"]?.stringValue == stages[0])
        let (_, stagesReply) = try client.call("crm.dealcategory.stage.list", ["id": .int(pipeline)])
        #expect(stagesReply["result"]?.arrayValue?.compactMap { $0["STATUS_ID"]?.stringValue } == stages)
    }

    @Test func aBatchRunsInWrittenOrderWithReferences() throws {
        let client = try BitrixClient()
        try client.relaxLeadStage()
        // Written "z" before "a": a batch that ran in name order would read before it wrote.
        let body = Array(#"{"halt": 0, "cmd": {"z": "crm.lead.add?fields[TITLE]=Из пакета&fields[NAME]=Олег", "a": "crm.lead.get?id=$result[z]", "m": "crm.lead.list?filter[NAME]=$result[a][NAME]&select[]=ID"}}"#.utf8)
        let (status, reply) = try client.send("batch", body: body, contentType: "application/json")
        #expect(status == 200, "\(reply.text)")
        let result = try #require(reply["result"])
        let id = try #require(result["result"]?["z"]?.int64Value)
        #expect(result["result"]?["a"]?["TITLE"] == "Из пакета")
        #expect(result["result"]?["m"] == [["ID": .string(String(id))]])
        #expect(result["result_total"]?["m"] == 1)
        #expect(result["result_error"] == [])
        #expect(result["result_time"]?["a"]?["duration"] != nil)
    }

    @Test func haltStopsABatchAtItsFirstError() throws {
        let client = try BitrixClient()
        try client.relaxLeadStage()
        for halt in [1, 0] {
            let params: JSON = ["halt": .int(halt), "cmd": ["first": "crm.lead.get?id=999999", "second": "crm.lead.add?fields[TITLE]=после ошибки"]]
            let (status, reply) = try client.send("batch", body: params.serialized(), contentType: "application/json")
            #expect(status == 200)
            #expect(reply["result"]?["result_error"]?["first"] == ["error": "", "error_description": "Not found"])
            #expect((reply["result"]?["result"]?["second"] != nil) == (halt == 0))
        }
        #expect(try client.crmd("lead.list", ["count": true])["total"] == 1)

        let tooMany = JSON.object(["cmd": .object(Dictionary(uniqueKeysWithValues: (0...50).map { ("c\($0)", JSON.string("crm.lead.fields")) }))])
        let (status, reply) = try client.call("batch", tooMany)
        #expect(status == 400)
        #expect(reply["error"] == "ERROR_BATCH_LENGTH_EXCEEDED")
    }

    @Test func errorsComeInBitrixForm() throws {
        let client = try BitrixClient()
        let unknown = try client.call("crm.lead.frobnicate")
        #expect(unknown.status == 404)
        #expect(unknown.body == ["error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"])
        #expect(try client.call("tasks.task.add").status == 404)

        let missing = try client.call("crm.deal.get", ["id": 4242])
        #expect(missing.status == 400)
        #expect(missing.body == ["error": "", "error_description": "Not found"])
        #expect(try client.call("crm.deal.get", ["id": "abc"]).body["error_description"] == "ID is not defined or invalid.")

        let required = try client.call("crm.lead.add", ["fields": ["TITLE": "Без телефона"]])
        #expect(required.status == 400)
        let description = try #require(required.body["error_description"]?.stringValue)
        #expect(description.contains("PHONE") && description.contains("ADDRESS_CITY") && description.contains("TOPIC"))

        let unknownField = try client.call("crm.deal.add", ["fields": ["TITLE": "x", "PROBABILITY": 50]])
        #expect(unknownField.status == 400)
        #expect(unknownField.body["error_description"]?.stringValue?.contains("PROBABILITY") == true)
        #expect(try client.crmd("deal.list", ["count": true])["total"] == 0)

        let broken = try client.send("crm.deal.add", body: Array("{\"fields\":".utf8), contentType: "application/json")
        #expect(broken.status == 400)
        #expect(broken.body["error"] == "INVALID_REQUEST")
    }

    @Test func aUserWithoutRightsIsRefusedAsBitrixRefuses() throws {
        let fixture = try BridgeFixture()
        let user = try fixture.backend.administrator.call("user.add", ["fields": ["name": "Стажёр"]]).get()
        let client = try BitrixClient(fixture: fixture, userID: try #require(user["id"]?.int64Value))
        let denied = try client.call("crm.lead.list")
        #expect(denied.status == 403)
        #expect(denied.body == ["error": "", "error_description": "Access denied."])
    }

    @Test func aManagerSeesOwnAndOpenLeadsOnlyInPagesAndTotals() throws {
        let fixture = try BridgeFixture()
        let admin = fixture.backend.administrator
        let manager = try #require(admin.call("user.add", ["fields": ["name": "Менеджер"]]).get()["id"]?.int64Value)
        let roles = try admin.call("role.list", [:]).get()["items"]?.arrayValue ?? []
        let role = try #require(roles.first { $0["code"] == "manager" }?["id"])
        _ = try admin.call("user.setRoles", ["id": .int(manager), "roleIds": [role]]).get()
        let client = try BitrixClient(fixture: fixture, userID: manager)
        try client.relaxLeadStage()
        let hidden = try #require(client.crmd("lead.add", ["fields": ["title": "Чужой"]])["id"]?.int64Value)
        _ = try client.crmd("lead.add", ["fields": ["title": "Открытый", "opened": true]])
        _ = try client.result("crm.lead.add", ["fields": ["TITLE": "Мой"]])

        let (_, listed) = try client.call("crm.lead.list", ["order": ["ID": "ASC"]])
        #expect(listed["result"]?.arrayValue?.compactMap { $0["TITLE"]?.stringValue } == ["Открытый", "Мой"])
        #expect(listed["total"] == 2)
        #expect(listed["result"]?.arrayValue?.last?["ASSIGNED_BY_ID"] == .string(String(manager)))
        #expect(try client.call("crm.lead.get", ["id": .int(hidden)]).status == 403)
        #expect(try client.call("crm.lead.update", ["id": .int(hidden), "fields": ["TITLE": "Взлом"]]).status == 403)
        #expect(try client.crmd("lead.get", ["id": .int(hidden)])["title"] == "Чужой")
    }

    @Test func activitiesBindToTheirOwnerAndListByIt() throws {
        let client = try BitrixClient()
        let deal = try client.result("crm.deal.add", ["fields": ["TITLE": "Сделка"]])
        let other = try client.result("crm.deal.add", ["fields": ["TITLE": "Другая"]])
        for (owner, subject) in [(deal, "Позвонить"), (deal, "Отправить КП"), (other, "Чужая")] {
            _ = try client.result("crm.activity.add", ["fields": [
                "OWNER_TYPE_ID": 2, "OWNER_ID": owner, "TYPE_ID": 3, "SUBJECT": .string(subject), "DEADLINE": "2026-12-10T12:00:00+03:00",
            ]])
        }
        let (status, body) = try client.call("crm.activity.list", ["filter": ["OWNER_TYPE_ID": 2, "OWNER_ID": deal], "order": ["ID": "ASC"]])
        #expect(status == 200)
        #expect(body["total"] == 2)
        let items = try #require(body["result"]?.arrayValue)
        #expect(items.compactMap { $0["SUBJECT"]?.stringValue } == ["Позвонить", "Отправить КП"])
        #expect(items.first?["DEADLINE"] == "2026-12-10T09:00:00+00:00")
        #expect(items.first?["COMPLETED"] == "N")
        let id = try #require(items.first?["ID"])
        _ = try client.result("crm.activity.update", ["id": id, "fields": ["COMPLETED": "Y"]])
        #expect(try client.crmd("activity.get", ["id": .int(try #require(id.stringValue.flatMap { Int64($0) }))])["status"] == "completed")
    }

    @Test func requisitesAndBankDetailsUseBitrixNames() throws {
        let client = try BitrixClient()
        let company = try client.result("crm.company.add", ["fields": ["TITLE": "ПАО Сбербанк"]])
        let requisite = try client.result("crm.requisite.add", ["fields": [
            "ENTITY_TYPE_ID": 4, "ENTITY_ID": company, "PRESET_ID": 1, "NAME": "Основные",
            "RQ_INN": "7707083893", "RQ_KPP": "773601001", "RQ_COMPANY_NAME": "ПАО Сбербанк",
        ]])
        let stored = try client.crmd("requisite.get", ["id": requisite])
        #expect(stored["preset"] == "legal")
        #expect(stored["fields"]?["kpp"] == "773601001")
        _ = try client.result("crm.requisite.bankdetail.add", ["fields": [
            "ENTITY_ID": requisite, "NAME": "Расчётный", "RQ_BIK": "044525225", "RQ_ACC_NUM": "40702810938000000001",
            "RQ_COR_ACC_NUM": "30101810400000000225", "RQ_BANK_NAME": "ПАО Сбербанк",
        ]])
        let listed = try client.call("crm.requisite.list", ["filter": ["ENTITY_TYPE_ID": 4, "ENTITY_ID": company]])
        #expect(listed.body["result"]?.arrayValue?.first?["RQ_INN"] == "7707083893")
        let details = try client.result("crm.requisite.bankdetail.list", ["filter": ["ENTITY_ID": requisite]])
        #expect(details.arrayValue?.first?["RQ_BIK"] == "044525225")
        #expect(try client.call("crm.requisite.list").status == 400)
    }

    @Test func fieldsDescribeBuiltInAndCustomFields() throws {
        let client = try BitrixClient()
        _ = try client.crmd("field.add", ["entityType": "deal", "code": "franchiseFormat", "title": "Формат", "type": "enum", "options": ["остров", "кафе"]])
        let fields = try client.result("crm.deal.fields")
        #expect(fields["OPPORTUNITY"]?["type"] == "double")
        #expect(fields["ID"]?["isReadOnly"] == true)
        #expect(fields["UF_CRM_FRANCHISEFORMAT"]?["type"] == "enumeration")
        #expect(fields["UF_CRM_FRANCHISEFORMAT"]?["isDynamic"] == true)
        let lead = try client.result("crm.lead.fields")
        #expect(lead["PHONE"]?["isMultiple"] == true)
        #expect(lead["PHONE"]?["isRequired"] == true)

        let deal = try client.result("crm.deal.add", ["fields": ["TITLE": "x", "UF_CRM_FRANCHISEFORMAT": "кафе"]])
        #expect(try client.crmd("deal.get", ["id": deal])["custom"]?["franchiseFormat"] == "кафе")
        let (_, list) = try client.call("crm.deal.list", ["select": ["UF_*"], "filter": ["UF_CRM_FRANCHISEFORMAT": "кафе"]])
        #expect(list["result"] == [["ID": .string(String(deal.int64Value ?? 0)), "UF_CRM_FRANCHISEFORMAT": "кафе"]])
    }

    @Test func duplicatesAreFoundByPhoneInAnyNotation() throws {
        let client = try BitrixClient()
        let contact = try client.result("crm.contact.add", ["fields": ["NAME": "Олег", "PHONE": [["VALUE": "+7 (916) 000-11-22"]]]])
        _ = try client.result("crm.contact.add", ["fields": ["NAME": "Ирина", "PHONE": [["VALUE": "+7 916 999-00-00"]]]])
        let found = try client.result("crm.duplicate.findbycomm", ["type": "PHONE", "values": ["89160001122"], "entity_type": "CONTACT"])
        #expect(found == ["CONTACT": [contact]])
        #expect(try client.result("crm.duplicate.findbycomm", ["type": "EMAIL", "values": ["nobody@example.ru"]]) == [])
        #expect(try client.call("crm.duplicate.findbycomm", ["type": "FAX", "values": ["1"]]).status == 400)
    }

    @Test func theCurrentUserIsTheTokens() throws {
        let fixture = try BridgeFixture()
        let user = try fixture.backend.administrator.call("user.add", ["fields": ["name": "Мария Орлова", "email": "maria@example.ru"]]).get()
        let id = try #require(user["id"]?.int64Value)
        let client = try BitrixClient(fixture: fixture, userID: id)
        let current = try client.result("user.current")
        #expect(current["ID"] == .string(String(id)))
        #expect(current["EMAIL"] == "maria@example.ru")
    }

    @Test func stagesListAsBitrixReferenceLists() throws {
        let client = try BitrixClient()
        let (_, body) = try client.call("crm.status.list", ["filter": ["ENTITY_ID": "DEAL_STAGE"]])
        let stages = try #require(body["result"]?.arrayValue)
        #expect(stages.first?["STATUS_ID"] == "NEW")
        #expect(stages.first { $0["STATUS_ID"] == "WON" }?["SEMANTICS"] == "S")
        let leads = try client.result("crm.status.list", ["filter": ["ENTITY_ID": "STATUS"]])
        #expect(leads.arrayValue?.contains { $0["STATUS_ID"] == "CONVERTED" } == true)
    }
}

@Suite struct BitrixValueTests {
    @Test func instantsConvertBetweenOffsetsAndUTC() {
        #expect(BitrixValue.crmdInstant("2026-12-06T08:30:00+03:00") == "2026-12-06T05:30:00Z")
        #expect(BitrixValue.crmdInstant("2026-01-01T01:00:00+03:00") == "2025-12-31T22:00:00Z")
        #expect(BitrixValue.crmdInstant("2024-02-29T23:30:00-05:00") == "2024-03-01T04:30:00Z")
        #expect(BitrixValue.crmdInstant("2026-12-06") == "2026-12-06T00:00:00Z")
        #expect(BitrixValue.crmdInstant("2026-12-06T08:30:00.123Z") == "2026-12-06T08:30:00Z")
        #expect(BitrixValue.crmdInstant("06.12.2026") == nil)
        #expect(BitrixValue.crmdInstant("2026-13-06") == nil)
        #expect(BitrixValue.bitrixInstant("2026-12-06T05:13:22Z") == "2026-12-06T05:13:22+00:00")
    }

    @Test func decimalsStayText() {
        #expect(BitrixValue.decimal(.number(JSONNumber("1500.5")!)) == "1500.5")
        #expect(BitrixValue.decimal("0.10") == "0.10")
        #expect(BitrixValue.decimal("1e3") == nil)
        #expect(BitrixValue.decimal("12.") == nil)
        #expect(BitrixValue.money("100.5") == "100.50")
        #expect(BitrixDecimal.product("0.10", "3", scale: 2) == "0.30")
        #expect(BitrixDecimal.quotient("10.00", "3", scale: 2) == "3.33")
    }

    @Test func formParametersNestAndKeepCommandOrder() throws {
        let parameters = try BitrixParameters(query: "cmd[b]=x&cmd[a]=y&select[]=ID&select[]=TITLE&FILTER[>ID]=5", body: [], contentType: nil)
        #expect(parameters.commandOrder == ["b", "a"])
        #expect(parameters["select"] == ["ID", "TITLE"])
        #expect(parameters["filter"] == [">ID": "5"])
        #expect(throws: BitrixError.self) { try BitrixParameters(query: "fields[TITLE=x", body: [], contentType: nil) }
        #expect(throws: BitrixError.self) { try BitrixParameters(query: "a=%zz", body: [], contentType: nil) }
    }

    @Test func multipartFieldsAreRead() throws {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"fields[TITLE]\"\r\n\r\nЛид\r\n--XyZ\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n7\r\n--XyZ--\r\n"
        let parameters = try BitrixParameters(query: nil, body: Array(body.utf8), contentType: "multipart/form-data; boundary=XyZ")
        #expect(parameters["fields"] == ["TITLE": "Лид"])
        #expect(parameters["id"] == "7")
    }

    @Test func referencesReachIntoEarlierResults() throws {
        let results: [String: JSON] = ["user": ["UF_DEPARTMENT": [7, 9]], "lead": 12]
        #expect(try BitrixReference.substitute("ID=$result[user][UF_DEPARTMENT][1]&L=$result[lead]", results: results) == "ID=9&L=12")
        #expect(throws: BitrixError.self) { try BitrixReference.substitute("$result[nobody][ID]", results: results) }
    }
}
