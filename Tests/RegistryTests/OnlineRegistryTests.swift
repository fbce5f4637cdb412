import Foundation
import Testing
@testable import Registry

@Suite struct OnlineRegistryTests {
    @Test func mapsAnOrganisation() throws {
        let stub = try RegistryStub()
        let registry = OnlineRegistry(baseURL: stub.baseURL, token: RegistryStub.token)
        let entry = try #require(try registry.lookup(inn: "7736207543"))
        #expect(entry == RegistryEntry(preset: .legal, fields: [
            "inn": "7736207543", "kpp": "770401001", "ogrn": "1027700229193", "opf": "ООО",
            "fullName": "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ \"ЯНДЕКС\"", "shortName": "ООО \"ЯНДЕКС\"",
            "directorName": "Иванов Иван Иванович", "directorTitle": "ГЕНЕРАЛЬНЫЙ ДИРЕКТОР",
            "legalAddress": "119021, г Москва, ул Льва Толстого, д 16", "region": "г Москва",
            "okpo": "55210474", "oktmo": "45383000000", "okved": "62.01",
            "status": "ACTIVE", "registrationDate": "2002-07-18",
        ], source: "online"))
    }

    @Test func mapsASoleProprietor() throws {
        let stub = try RegistryStub()
        let registry = OnlineRegistry(baseURL: stub.baseURL, token: RegistryStub.token)
        let entry = try #require(try registry.lookup(inn: "500100732259"))
        #expect(entry.preset == .ip)
        #expect(entry.fields == [
            "inn": "500100732259", "ogrnip": "304500116000157", "opf": "ИП",
            "fullName": "Индивидуальный предприниматель Петров Пётр Петрович", "shortName": "ИП Петров П. П.",
            "lastName": "Петров", "firstName": "Пётр", "middleName": "Петрович",
            "legalAddress": "141400, Московская обл, г Химки", "region": "Московская обл",
            "okpo": "0123456789", "oktmo": "46783000001", "okved": "47.91",
            "status": "ACTIVE", "registrationDate": "2004-04-14",
        ])
        #expect(entry.fields["ogrn"] == nil && entry.fields["kpp"] == nil)
    }

    @Test func unknownINNIsNotFound() throws {
        let stub = try RegistryStub()
        let registry = OnlineRegistry(baseURL: stub.baseURL, token: RegistryStub.token)
        #expect(try registry.lookup(inn: "7700000001") == nil)
        #expect(try registry.lookup(inn: "  ") == nil)
    }

    @Test func errorsAreClassified() throws {
        let stub = try RegistryStub()
        let registry = OnlineRegistry(baseURL: stub.baseURL, token: RegistryStub.token)
        #expect(throws: RegistryError.unauthorized) {
            try OnlineRegistry(baseURL: stub.baseURL, token: "wrong").lookup(inn: "7736207543")
        }
        #expect(throws: RegistryError.unauthorized) { try registry.lookup(inn: "0000000403") }
        #expect(throws: RegistryError.httpStatus(500)) { try registry.lookup(inn: "0000000500") }
        #expect(throws: RegistryError.httpStatus(429)) { try registry.lookup(inn: "0000000429") }
        for inn in ["0000000888", "0000000777"] {
            do {
                _ = try registry.lookup(inn: inn)
                Issue.record("\(inn) gave an entry")
            } catch .badResponse {
            } catch {
                Issue.record("\(inn): \(error)")
            }
        }
        // Still usable after errors.
        #expect(try registry.lookup(inn: "7736207543") != nil)
    }

    @Test func aSlowAnswerTimesOut() throws {
        let stub = try RegistryStub(slowSeconds: 4)
        let registry = OnlineRegistry(baseURL: stub.baseURL, token: RegistryStub.token, timeout: .milliseconds(800))
        let started = ContinuousClock.now
        #expect(throws: RegistryError.timeout) { try registry.lookup(inn: "0000000999") }
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(try registry.lookup(inn: "7736207543") != nil)
    }

    @Test func aClosedPortIsUnreachable() throws {
        let stub = try RegistryStub()
        let url = stub.baseURL
        stub.process.terminate()
        stub.process.waitUntilExit()
        let registry = OnlineRegistry(baseURL: url, token: RegistryStub.token, timeout: .seconds(2))
        do {
            _ = try registry.lookup(inn: "7736207543")
            Issue.record("a closed port answered")
        } catch .unreachable {
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func badResponsesAreReported() throws {
        #expect(throws: RegistryError.self) { try PartyMapping.entry(fromResponse: Array("{\"suggestions\": [{\"value\": \"x\"}]}".utf8)) }
        #expect(throws: RegistryError.self) { try PartyMapping.entry(fromResponse: Array("[1, 2]".utf8)) }
        #expect(try PartyMapping.entry(fromResponse: Array("{\"suggestions\": []}".utf8)) == nil)
    }
}
