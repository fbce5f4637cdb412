import Bridge
import Foundation
import JSONKit
import RussianFormats
import Testing

/// Plays 1C against an `OneCExchangeEndpoint`: sends requests as the HTTP server would hand them
/// over, keeps the session cookie, and reads the windows-1251 answers.
final class OneCClient {
    let endpoint: OneCExchangeEndpoint
    var cookie: String?

    init(_ endpoint: OneCExchangeEndpoint) {
        self.endpoint = endpoint
    }

    /// `authorization` is `name:password` for HTTP Basic; `rawAuthorization` the header as given.
    func request(_ query: String, method: String = "GET", body: [UInt8] = [], authorization: String? = nil,
                 rawAuthorization: String? = nil) -> OneCReply {
        var headers: [String: String] = [:]
        if let authorization { headers["authorization"] = "Basic " + Data(authorization.utf8).base64EncodedString() }
        if let rawAuthorization { headers["authorization"] = rawAuthorization }
        if let cookie { headers["cookie"] = "theme=dark; \(OneCExchangeEndpoint.cookieName)=\(cookie)" }
        let answer = endpoint.respond(method: method, query: query, header: { headers[$0.lowercased()] }, body: body)
        return OneCReply(status: answer.status, headers: answer.headers, body: answer.body)
    }

    /// `checkauth` with these credentials; keeps the cookie and returns the answer's lines.
    @discardableResult
    func signIn(_ credentials: String) throws -> [String] {
        let lines = request("type=sale&mode=checkauth", authorization: credentials).lines
        try #require(lines.count >= 3 && lines[0] == "success", "checkauth: \(lines)")
        cookie = lines[2]
        return lines
    }
}

struct OneCReply {
    let status: Int
    let headers: [(String, String)]
    let body: [UInt8]

    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    var contentType: String { header("Content-Type") ?? "" }
    /// The text answer's lines, read as windows-1251; each line ends with `\n`.
    var lines: [String] {
        var lines = LegacyEncoding.windows1251.decode(body).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// The records the exchange tests work on, made through the API as the administrator.
enum OneCScenario {
    /// Our company with its requisite and bank account, and a buyer with theirs; the buyer's id.
    static func parties(_ fixture: BridgeFixture) throws -> JSON {
        let admin = fixture.backend.administrator
        let seller = try admin.call("company.add", ["fields": ["title": "Видеосистемы", "isMyCompany": true]]).get()
        let requisite = try admin.call("requisite.add", ["entityType": "company", "entityId": try #require(seller["id"]), "preset": "legal",
                                                         "fields": ["inn": "7707083893", "kpp": "773601001", "shortName": "ООО «Видеосистемы»"]]).get()
        _ = try admin.call("bankDetail.add", ["requisiteId": try #require(requisite["id"]),
                                              "fields": ["bik": "044525593", "account": "40702810801400016513"]]).get()
        let buyer = try admin.call("company.add", ["fields": ["title": "Рога и копыта"]]).get()
        _ = try admin.call("requisite.add", ["entityType": "company", "entityId": try #require(buyer["id"]), "preset": "legal",
                                             "fields": ["inn": "7736207543", "kpp": "770401001", "shortName": "ООО «Рога и копыта»"]]).get()
        return try #require(buyer["id"])
    }

    /// An invoice of 9000.00 RUB to `buyer`.
    static func invoice(_ fixture: BridgeFixture, buyer: JSON) throws -> JSON {
        let admin = fixture.backend.administrator
        let deal = try admin.call("deal.add", ["fields": ["title": "Камеры", "companyId": buyer]]).get()
        let dealID = try #require(deal["id"])
        _ = try admin.call("deal.productRows.set", ["id": dealID, "rows": [["name": "Камера", "price": "4500", "quantity": "2", "vatRate": "22"]]]).get()
        return try admin.call("invoice.createFromDeal", ["dealId": dealID, "date": "2026-11-20", "dueDate": "2030-01-31"]).get()
    }

    /// A new user with role `role` (its code) and an API token: `email:token` and the token's id.
    static func user(_ fixture: BridgeFixture, email: String, role: String) throws -> (credentials: String, tokenID: JSON) {
        let admin = fixture.backend.administrator
        let user = try admin.call("user.add", ["fields": ["name": "Обмен с 1С", "email": .string(email)]]).get()
        let userID = try #require(user["id"])
        let roles = try admin.call("role.list", [:]).get()["items"]?.arrayValue ?? []
        let roleID = try #require(roles.first { $0["code"]?.stringValue == role }?["id"])
        _ = try admin.call("user.setRoles", ["id": userID, "roleIds": [roleID]]).get()
        let token = try admin.call("token.add", ["userId": userID, "name": "1C"]).get()
        return ("\(email):\(try #require(token["token"]?.stringValue))", try #require(token["id"]))
    }

    /// The exchange's user (the built-in `exchange` role, e-mail `1c@example.ru`): `email:token`.
    static func exchangeUser(_ fixture: BridgeFixture) throws -> String {
        try user(fixture, email: "1c@example.ru", role: "exchange").credentials
    }

    /// What 1C sends back about invoice `number`: paid by the order's «Дата оплаты по 1С», an act
    /// made on it, and an order crmd never made.
    static func fromOneC(invoice number: String) -> String {
        func document(_ number: String, _ operation: String, basis: String? = nil, requisites: String = "") -> String {
            "<Документ><Ид>1c-\(number)</Ид><Номер>\(number)</Номер><Дата>2026-11-25</Дата><ХозОперация>\(operation)</ХозОперация>"
                + "<Роль>Продавец</Роль><Валюта>руб</Валюта><Сумма>9000.00</Сумма>" + (basis.map { "<Основание>\($0)</Основание>" } ?? "")
                + requisites + "</Документ>"
        }
        let paid = "<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Дата оплаты по 1С</Наименование><Значение>2026-11-26T00:00:00</Значение>"
            + "</ЗначениеРеквизита><ЗначениеРеквизита><Наименование>Номер оплаты по 1С</Наименование><Значение>88</Значение></ЗначениеРеквизита>"
            + "</ЗначенияРеквизитов>"
        return "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<КоммерческаяИнформация ВерсияСхемы=\"2.05\" ДатаФормирования=\"2026-11-26T10:00:00\">\n"
            + document(number, "Заказ товара", requisites: paid) + "\n"
            + document("А-17", "Акт", basis: "Счет на оплату № \(number) от 20.11.2026") + "\n"
            + document("2026-99999", "Заказ товара") + "\n</КоммерческаяИнформация>\n"
    }
}
