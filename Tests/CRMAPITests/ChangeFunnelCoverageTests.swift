import CRM
@testable import CRMAPI
import Foundation
import JSONKit
import Storage
import Synchronization
import Testing

/// Every method the server offers (from its OpenRPC document, not a hand list) is called
/// through the socket, and every write it commits is checked against the change funnel:
/// a committed write that changed rows without handing a `Change` to `CRM.apply` bypassed
/// the funnel; every change carries the session's user and the method as its cause (or a
/// robot's); every record a change touches got its timeline entry in the same call.
@Suite struct ChangeFunnelCoverageTests {
    /// Records what the funnel saw and what the database committed.
    final class Probe: ChangeListener, CommitObserver, @unchecked Sendable {
        struct State {
            var changes: [Change] = []
            var committed: [ObservedWrite] = []
            var rolledBack: [ObservedWrite] = []
        }

        let state = Mutex(State())

        func apply(_ change: Change, in db: Database, crm: CRM) throws {
            state.withLock { $0.changes.append(change) }
        }

        func databaseDidCommit(_ writes: [ObservedWrite]) {
            state.withLock { $0.committed += writes }
        }

        func databaseDidRollback(_ writes: [ObservedWrite]) {
            state.withLock { $0.rolledBack += writes }
        }

        var counts: (changes: Int, committed: Int) { state.withLock { ($0.changes.count, $0.committed.count) } }
    }

    /// Methods that are called but whose writes, if any, are not the CRM database's.
    static let outsideTheDatabase: [String: String] = [
        "registry.import": "loads the registry's own reference file (registry.sqlite), not CRM records",
    ]

    /// Methods whose only rows are the delivery log's own bookkeeping, as the background
    /// deliverer's are: not a change of anything an event or the timeline tells.
    static let bookkeeping: [String: String] = [
        "webhook.redeliver": "records the attempt in the webhook's delivery log; the event it posts again is in the log already",
        "notification.markRead": "marks the caller's own notifications read: their inbox, not anything of the CRM",
        "notification.setRules": "switches the caller's own built-in notification rules: their preference, not anything of the CRM",
    ]

    @Test func everyWriteOfEveryMethodGoesThroughTheFunnel() throws {
        let server = try InProcessServer()
        let probe = Probe()
        server.crm.changes.add(probe)
        server.crm.pool.addCommitObserver(probe)
        let c = server.client
        var called = Set<String>()
        var writers = Set<String>()
        let discover = try c.call("rpc.discover")
        called.insert("rpc.discover")
        let offered = Set(discover["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
        #expect(offered.count > 70)

        func timelineMark() throws -> Int64 {
            try server.crm.pool.read { db in try db.scalar("SELECT coalesce(max(id), 0) FROM timeline").int64 ?? 0 }
        }

        /// Calls `method` and checks what it wrote; a refused call must write nothing.
        @discardableResult
        func call(_ method: String, _ params: JSON = [:], refused: Bool = false) throws -> JSON {
            let (changesBefore, committedBefore) = probe.counts
            let mark = try timelineMark()
            let reply = try c.request(method, params)
            called.insert(method)
            let (changes, committed) = probe.state.withLock { (Array($0.changes[changesBefore...]), Array($0.committed[committedBefore...])) }
            if refused {
                #expect(reply["error"] != nil, "\(method) should have been refused: \(reply.text)")
                #expect(committed.allSatisfy { $0.rowsChanged == 0 && $0.deferredStatements == 0 }, "\(method) was refused but committed rows")
                return reply["error"] ?? .null
            }
            #expect(reply["error"] == nil, "\(method) failed: \(reply.text)")
            for write in committed where (write.rowsChanged > 0 || write.deferredStatements > 0) && Self.bookkeeping[method] == nil {
                #expect(write.notes.contains { $0 is Change }, "\(method) committed \(write.rowsChanged) row(s) without a change through the funnel")
            }
            if committed.contains(where: { $0.rowsChanged > 0 }) { writers.insert(method) }
            let committedChanges = committed.flatMap { $0.notes.compactMap { $0 as? Change } }
            #expect(committedChanges.count == changes.count, "\(method): every change applied is committed once")
            for change in changes {
                switch change.caller.cause {
                case .call(let name):
                    #expect(name == method, "\(method) made a change caused by \(name)")
                    #expect(change.caller.userID == 1, "\(method): the change's actor is the session's user")
                case .robot:
                    #expect(change.caller.userID == nil)
                default:
                    Issue.record("\(method) made a change with cause \(change.caller.cause)")
                }
                guard let touched = change.record ?? change.owner else { continue }
                let entries = try server.crm.pool.read { db in
                    try db.scalar("SELECT count(*) FROM timeline WHERE entity_type = ? AND entity_id = ? AND id > ?",
                                  [.text(touched.type.rawValue), .integer(touched.id), .integer(mark)]).int64 ?? 0
                }
                #expect(entries > 0, "\(method): \(change.entity.rawValue) \(change.operation.rawValue) left no timeline entry on \(touched.type.rawValue) \(touched.id)")
            }
            return reply["result"] ?? .null
        }

        // Server, users, fields, funnels.
        try call("server.info")
        let user = try call("user.add", ["fields": ["name": "Мария", "email": "maria@example.ru"]])
        try call("user.get", ["id": user["id"]!])
        try call("user.list")
        try call("field.add", ["entityType": "deal", "code": "area", "title": "Площадь", "type": "decimal"])
        try call("field.list", ["entityType": "deal"])
        let pipeline = try call("pipeline.add", ["entityType": "deal", "title": "Сервис"])
        try call("pipeline.list", ["entityType": "deal"])
        try call("stage.add", ["pipelineId": pipeline["id"]!, "id": "SERVICE_CHECK", "title": "Проверка"])
        try call("stage.update", ["pipelineId": pipeline["id"]!, "stageId": "SERVICE_CHECK", "title": "Проверка объекта"])
        let rule = try call("automation.add", ["entityType": "lead", "stageId": "QUALIFICATION", "trigger": "enter",
                                               "action": ["type": "comment", "text": "Лид {{lead.title}} в работе"]])
        try call("automation.get", ["id": rule["id"]!])
        try call("automation.update", ["id": rule["id"]!, "title": "В работе"])
        try call("automation.list", ["entityType": "lead"])
        // A robot's notification is written in the write of the change that woke it.
        try call("automation.add", ["entityType": "lead", "trigger": "create",
                                    "action": ["type": "notify", "to": user["id"]!, "text": "Новый лид {{lead.title}}"]])

        // Leads, robots, comments, conversion.
        for prefix in ["lead", "contact", "company", "deal", "product"] { try call("\(prefix).fields") }
        var leadFields = InProcessServer.completeLead.objectValue ?? [:]
        leadFields["clientType"] = "company"
        leadFields["companyTitle"] = "ООО Ромашка"
        leadFields["requisites"] = ["inn": "7736207543"]
        let lead = try call("lead.add", ["fields": .object(leadFields)])
        try call("lead.get", ["id": lead["id"]!])
        try call("lead.list", ["filter": ["city": "Москва"], "count": true])
        try call("lead.update", ["id": lead["id"]!, "fields": ["stageId": "QUALIFICATION", "city": "Тверь"]])
        // The robot's run is in the log (its own bookkeeping, written in the write that woke it), read per record and per rule.
        let runs = try call("automation.log", ["entityType": "lead", "id": lead["id"]!])
        #expect(runs["items"]?.arrayValue?.first?["ruleId"] == rule["id"])
        try call("automation.log", ["ruleId": rule["id"]!])
        try call("comment.add", ["entityType": "lead", "id": lead["id"]!, "text": "Перезвонить"])
        try call("timeline.list", ["entityType": "lead", "id": lead["id"]!])
        try call("lead.update", ["id": lead["id"]!, "fields": ["stageId": "NO_SUCH_STAGE"]], refused: true)
        let converted = try call("lead.convert", ["id": lead["id"]!])
        let spare = try call("lead.add", ["fields": InProcessServer.completeLead])
        try call("lead.delete", ["id": spare["id"]!])
        try call("automation.delete", ["id": rule["id"]!])

        // Customers, requisites, merges.
        let contact = try call("contact.add", ["fields": ["name": "Иван", "phones": [["value": "+7 916 000-00-01"]]]])
        try call("contact.get", ["id": contact["id"]!])
        try call("contact.list", ["search": "Иван"])
        try call("contact.update", ["id": contact["id"]!, "fields": ["lastName": "Петров"]])
        let twin = try call("contact.add", ["fields": ["name": "Иван", "phones": [["value": "8 916 000 00 01"]]]])
        try call("duplicate.find", ["entityType": "contact", "phones": ["+79160000001"]])
        try call("contact.merge", ["targetId": contact["id"]!, "sourceIds": [twin["id"]!]])
        let seller = try call("company.add", ["fields": ["title": "Видеосистемы", "isMyCompany": true]])
        let sellerRequisite = try call("requisite.add", ["entityType": "company", "entityId": seller["id"]!, "preset": "legal",
                                                         "fields": ["inn": "7707083893", "kpp": "773601001", "shortName": "ООО «Видеосистемы»"]])
        try call("requisite.get", ["id": sellerRequisite["id"]!])
        try call("requisite.list", ["entityType": "company", "entityId": seller["id"]!])
        try call("requisite.update", ["id": sellerRequisite["id"]!, "fields": ["fullName": "ООО «Видеосистемы»"]])
        try call("requisite.lookup", ["inn": "7707083893"])
        let bank = try call("bankDetail.add", ["requisiteId": sellerRequisite["id"]!,
                                               "fields": ["bik": "044525593", "account": "40702810801400016513"]])
        try call("bankDetail.update", ["id": bank["id"]!, "fields": ["bankName": "АО «Альфа-Банк»"]])
        try call("bankDetail.list", ["requisiteId": sellerRequisite["id"]!])
        let spareBank = try call("bankDetail.add", ["requisiteId": sellerRequisite["id"]!,
                                                    "fields": ["bik": "044525593", "account": "40702810801400016513"]])
        try call("bankDetail.delete", ["id": spareBank["id"]!])
        let buyer = try call("company.add", ["fields": ["title": "ИП Петров"]])
        try call("company.get", ["id": buyer["id"]!])
        try call("company.list", ["order": ["title": "asc"]])
        try call("company.update", ["id": buyer["id"]!, "fields": ["website": "https://petrov.ru"]])
        let buyerRequisite = try call("requisite.add", ["entityType": "company", "entityId": buyer["id"]!, "preset": "ip",
                                                        "fields": ["inn": "500100732259", "shortName": "ИП Петров И. С."]])
        let other = try call("company.add", ["fields": ["title": "ИП Петров И. С."]])
        try call("company.merge", ["targetId": buyer["id"]!, "sourceIds": [other["id"]!]])
        let gone = try call("company.add", ["fields": ["title": "Удаляемая"]])
        let goneRequisite = try call("requisite.add", ["entityType": "company", "entityId": gone["id"]!, "preset": "legal",
                                                       "fields": ["inn": "7736207543"]])
        let linked = try call("contact.add", ["fields": ["name": "Связанный", "companyId": gone["id"]!]])
        try call("company.delete", ["id": gone["id"]!])
        #expect(try call("contact.get", ["id": linked["id"]!])["companyId"] == .null)
        try call("requisite.get", ["id": goneRequisite["id"]!], refused: true)
        let spareRequisite = try call("requisite.add", ["entityType": "company", "entityId": buyer["id"]!, "preset": "legal",
                                                        "fields": ["inn": "7736207543"]])
        try call("requisite.delete", ["id": spareRequisite["id"]!])
        try call("contact.delete", ["id": linked["id"]!])
        _ = buyerRequisite

        // Deals, products, invoices, documents, settings.
        let product = try call("product.add", ["fields": ["name": "Камера IP", "price": "4500", "vatRate": "22", "unit": ["code": "796"]]])
        try call("product.get", ["id": product["id"]!])
        try call("product.list")
        try call("product.update", ["id": product["id"]!, "fields": ["price": "4600"]])
        let deal = try call("deal.add", ["fields": ["title": "Камеры", "companyId": buyer["id"]!, "custom": ["area": "12.5"]]])
        try call("deal.get", ["id": deal["id"]!])
        try call("deal.list", ["filter": ["companyId": buyer["id"]!]])
        try call("deal.update", ["id": deal["id"]!, "fields": ["comments": "Склад"]])
        try call("deal.productRows.set", ["id": deal["id"]!, "rows": [["productId": product["id"]!, "quantity": "3"],
                                                                       ["name": "Монтаж", "price": "10000.50"]]])
        try call("deal.productRows.get", ["id": deal["id"]!])
        try call("settings.update", ["publicBaseUrl": "https://crm.example.ru/i/", "mail": ["transport": "outbox"]])
        try call("settings.get")
        let invoice = try call("invoice.createFromDeal", ["dealId": deal["id"]!, "date": "2026-03-05"])
        try call("invoice.get", ["id": invoice["id"]!])
        try call("invoice.list", ["filter": ["status": "draft"]])
        try call("invoice.render", ["id": invoice["id"]!, "format": "html"])
        let link = try call("invoice.publicLink", ["id": invoice["id"]!])
        try call("invoice.getPublic", ["token": link["token"]!, "format": "html"])
        try call("invoice.revokeLink", ["id": invoice["id"]!])
        try call("invoice.send", ["id": invoice["id"]!, "to": "buh@petrov.ru", "mode": "link"])
        // Text messages: about a record (its timeline tells) and to a bare number (an `sms` change).
        try call("settings.sms", ["transport": "outbox", "retryAfterSeconds": 5])
        let sms = try call("sms.send", ["entityType": "contact", "id": contact["id"]!, "text": "Счёт выставлен"])
        try call("sms.send", ["to": "+7 916 000-00-02", "text": "Hello"])
        try call("sms.send", ["to": "123", "text": "x"], refused: true)
        try call("sms.get", ["id": sms["id"]!])
        try call("sms.status", ["id": sms["id"]!])
        try call("sms.list", ["entityType": "contact", "id": contact["id"]!])
        try call("sms.list", ["status": "queued"])
        try call("invoice.addPayment", ["id": invoice["id"]!, "amount": "1000.00", "date": "2026-03-06"])
        // A bank statement: one payment names the invoice (added to it), two wait for review.
        func statementDocument(_ number: String, _ amount: String, _ purpose: String) -> String {
            "СекцияДокумент=Платежное поручение\r\nНомер=\(number)\r\nДата=06.03.2026\r\nСумма=\(amount)\r\nПлательщикСчет=40802810500000000001\r\n"
                + "ПлательщикИНН=500100732259\r\nПолучательСчет=40702810801400016513\r\nДатаПоступило=06.03.2026\r\nНазначениеПлатежа=\(purpose)\r\nКонецДокумента\r\n"
        }
        let statement = "\u{FEFF}1CClientBankExchange\r\nКодировка=Windows\r\n" + statementDocument("31", "100.00", "Оплата по сч.1")
            + statementDocument("32", "5.00", "Прочее") + statementDocument("33", "6.00", "Прочее") + "КонецФайла\r\n"
        let imported = try call("exchange.importPayments", ["format": "1c-bank", "data": .string(Data(statement.utf8).base64EncodedString())])
        #expect(imported["matched"] == 1 && imported["unmatched"] == 2)
        let review = try call("payment.unmatched", ["limit": 10])
        let waiting = review["items"]?.arrayValue?.compactMap { $0["id"] } ?? []
        try #require(waiting.count == 2)
        try call("payment.match", ["paymentId": waiting[0], "invoiceId": invoice["id"]!])
        try call("payment.match", ["paymentId": waiting[0], "invoiceId": invoice["id"]!], refused: true)
        try call("payment.ignore", ["paymentId": waiting[1], "reason": "не наш"])
        // Invoices to 1C: everything so far, acknowledged; then only what changed after it.
        let export = try call("exchange.export1C", ["encoding": "utf-8"])
        #expect(export["invoiceIds"]?.arrayValue?.contains(invoice["id"]!) == true)
        try call("exchange.acknowledge", ["until": export["until"]!])
        try call("exchange.acknowledge", ["until": 1_000_000_000], refused: true)
        #expect(try call("exchange.export1C", [:])["count"] == 0)
        try call("exchange.export1C", ["ids": [invoice["id"]!], "version": "2.10"])
        // Documents attached to the invoice: the act with its file, listed, read back; the same one again refused.
        let act = try call("invoice.attachDocument", ["id": invoice["id"]!, "kind": "act", "number": "А-17", "date": "2026-03-07",
                                                      "data": .string(Data("акт".utf8).base64EncodedString()), "fileName": "act.pdf"])
        try call("invoice.attachDocument", ["id": invoice["id"]!, "kind": "act", "number": "А-17", "date": "2026-03-07"], refused: true)
        #expect(try call("invoice.documents", ["id": invoice["id"]!])["items"]?.arrayValue?.count == 1)
        #expect(try call("invoice.getDocument", ["id": invoice["id"]!, "documentId": act["id"]!])["data"]
                == .string(Data("акт".utf8).base64EncodedString()))
        // 1C's CommerceML: a waybill for the invoice, by the Ид the export gave it.
        let fromOneC = "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?><КоммерческаяИнформация ВерсияСхемы=\"2.05\"><Документ>"
            + "<Ид>ТН-9</Ид><Номер>ТН-9</Номер><Дата>2026-03-08</Дата><ХозОперация>Отпуск товара</ХозОперация>"
            + "<Основание>\(invoice["number"]?.stringValue ?? "")</Основание></Документ></КоммерческаяИнформация>"
        let applied = try call("exchange.importPayments", ["format": "commerceml", "data": .string(Data(fromOneC.utf8).base64EncodedString())])
        #expect(applied["attached"] == 1)
        try call("invoice.setStatus", ["id": invoice["id"]!, "status": "cancelled"], refused: true)
        let second = try call("invoice.createFromDeal", ["dealId": deal["id"]!])
        try call("invoice.setStatus", ["id": second["id"]!, "status": "cancelled"])
        try call("template.list")
        try call("template.add", ["code": "note", "title": "Записка", "body": "<p>{{ deal.title }}</p>"])
        try call("template.update", ["code": "note", "title": "Записка 2"])
        try call("document.render", ["template": "note", "dealId": deal["id"]!, "format": "html"])
        try call("deal.delete", ["id": converted["dealId"]!])
        try call("product.delete", ["id": product["id"]!])

        // The registry's own file, not the CRM database.
        try call("registry.import", ["path": "/nonexistent/registry.zip", "format": "rsmp"], refused: true)

        // The team: departments, profiles, tokens; signing in comes last, as it changes who the session is.
        let department = try call("department.add", ["fields": ["name": "Продажи"]])
        try call("department.get", ["id": department["id"]!])
        try call("department.update", ["id": department["id"]!, "fields": ["name": "Отдел продаж"]])
        try call("department.list")
        try call("user.update", ["id": user["id"]!, "fields": ["departmentId": department["id"]!, "timeZone": "Asia/Vladivostok"]])
        try call("department.delete", ["id": department["id"]!], refused: true)
        let spareDepartment = try call("department.add", ["fields": ["name": "Склад", "parentId": department["id"]!]])
        try call("department.update", ["id": department["id"]!, "fields": ["parentId": spareDepartment["id"]!]], refused: true)
        try call("department.delete", ["id": spareDepartment["id"]!])
        try call("user.current")
        let leaving = try call("user.add", ["fields": ["name": "Уходящий"]])
        try call("user.deactivate", ["id": leaving["id"]!])
        try call("user.deactivate", ["id": 1], refused: true)
        let token = try call("token.add", ["userId": user["id"]!, "name": "bridge", "scopes": ["lead:read"]])
        try call("token.list", ["userId": user["id"]!])
        let spareToken = try call("token.add", ["userId": user["id"]!, "name": "spare"])
        try call("token.revoke", ["id": spareToken["id"]!])
        try call("token.add", ["userId": leaving["id"]!, "name": "refused"], refused: true)
        let role = try call("role.add", ["fields": ["name": "Стажёр", "permissions": ["lead": ["read": "own"]]]])
        try call("role.get", ["id": role["id"]!])
        try call("role.update", ["id": role["id"]!, "fields": ["permissions": ["deal": ["read": "own"]]]])
        try call("role.list")
        try call("user.setRoles", ["id": user["id"]!, "roleIds": [role["id"]!]])
        try call("department.setRoles", ["id": department["id"]!, "roleIds": [role["id"]!]])
        try call("role.delete", ["id": role["id"]!], refused: true)
        try call("user.setRoles", ["id": user["id"]!, "roleIds": []])
        try call("department.setRoles", ["id": department["id"]!, "roleIds": []])
        try call("role.delete", ["id": role["id"]!])
        try call("event.list", ["after": 0, "limit": 5])
        try call("event.subscribe", ["topics": ["lead.*"]])
        try call("event.unsubscribe")
        let hook = try call("webhook.add", ["url": "http://127.0.0.1:9/hook", "topics": ["lead.*"]])
        try call("webhook.list")
        try call("webhook.update", ["id": hook["id"]!, "active": false])
        try call("webhook.redeliver", ["id": hook["id"]!, "seq": 1])
        try call("webhook.deliveries", ["id": hook["id"]!])
        try call("webhook.delete", ["id": hook["id"]!])
        // Activities, resources, calendars.
        let room = try call("resource.add", ["name": "Переговорная", "place": "2 этаж"])
        try call("resource.list")
        try call("resource.update", ["id": room["id"]!, "description": "на 6 человек"])
        try call("calendar.setSchedule", ["userId": 1, "hours": ["mon": [["10:00", "19:00"]], "tue": [["10:00", "19:00"]]], "daysOff": ["2027-03-02"]])
        try call("calendar.getSchedule", ["userId": 1])
        try call("calendar.setHolidays", ["year": 2027, "days": [["date": "2027-01-01", "kind": "holiday", "title": "Новый год"]]])
        try call("calendar.holidays", ["year": 2027])
        let leadForMeeting = try call("lead.add", ["fields": ["title": "Встреча", "name": "Ия", "phones": [["value": "+79161234567"]],
                                                              "emails": [["value": "i@example.ru"]], "city": "Тверь", "topic": "Камеры"]])
        let reminder = try call("automation.add", ["entityType": "activity", "trigger": "beforeStart", "before": 600,
                                                   "action": ["type": "notify", "to": "responsible", "text": "Скоро встреча: {{activity.subject}}"]])
        try call("automation.update", ["id": reminder["id"]!, "before": 900])
        try call("automation.get", ["id": reminder["id"]!])
        let meeting = try call("activity.add", ["fields": ["type": "meeting", "subject": "Демонстрация", "start": "2027-03-01T11:00:00+03:00",
                                                           "end": "2027-03-01T12:00:00+03:00", "resourceId": room["id"]!,
                                                           "bindings": [["entityType": "lead", "id": leadForMeeting["id"]!]]]])
        try call("activity.get", ["id": meeting["id"]!])
        try call("activity.update", ["id": meeting["id"]!, "fields": ["start": "2027-03-01T13:00:00+03:00", "end": "2027-03-01T14:00:00+03:00"]])
        try call("activity.list", ["filter": ["entityType": "lead", "entityId": leadForMeeting["id"]!]])
        try call("calendar.freeSlots", ["userIds": [1], "from": "2027-03-01T00:00:00+03:00", "to": "2027-03-02T00:00:00+03:00", "duration": 60])
        try call("calendar.events", ["userId": 1, "from": "2027-03-01T00:00:00+03:00", "to": "2027-03-02T00:00:00+03:00"])
        try call("calendar.export", ["userId": 1, "from": "2027-03-01T00:00:00+03:00", "to": "2027-03-02T00:00:00+03:00"])
        try call("activity.complete", ["id": meeting["id"]!, "result": "Договорились"])
        try call("activity.delete", ["id": meeting["id"]!])
        try call("resource.delete", ["id": room["id"]!])
        try call("automation.delete", ["id": reminder["id"]!])
        try call("notification.rules")
        try call("notification.setRules", ["rules": ["invoicePaid": false]])
        try call("notification.setRules", ["rules": ["meetingBooked": true]], refused: true)
        try call("notification.list", ["unreadOnly": true])
        try call("notification.markRead")
        try call("notification.setRules", ["rules": ["invoicePaid": true]])
        try call("session.login", ["token": spareToken["token"]!], refused: true)
        let login = try call("session.login", ["token": token["token"]!])
        #expect(login["user"]?["id"] == user["id"])

        let missing = offered.subtracting(called).sorted()
        #expect(missing.isEmpty, "methods the funnel check does not call yet: \(missing)")
        #expect(Set(Self.outsideTheDatabase.keys).isSubset(of: offered))
        // The check sees writes at all: these must have committed rows.
        for method in ["lead.add", "lead.update", "lead.convert", "company.merge", "company.delete", "requisite.add", "bankDetail.add",
                       "deal.productRows.set", "invoice.createFromDeal", "invoice.addPayment", "invoice.send", "settings.update",
                       "template.add", "automation.add", "field.add", "pipeline.add", "user.add", "comment.add",
                       "department.add", "department.delete", "user.update", "user.deactivate", "token.add", "token.revoke",
                       "role.add", "role.update", "role.delete", "user.setRoles", "department.setRoles", "notification.setRules",
                       "sms.send", "settings.sms", "exchange.importPayments", "payment.match", "payment.ignore", "exchange.acknowledge",
                       "invoice.attachDocument"] {
            #expect(writers.contains(method), "\(method) committed no rows")
        }
        #expect(!writers.contains("lead.get") && !writers.contains("invoice.render"))
    }
}
