import Foundation
import Testing
@testable import Registry

@Suite struct OfflineImportTests {
    static let yandexFields = [
        "inn": "7736207543", "ogrn": "1027700229193", "opf": "ООО",
        "fullName": "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ \"ЯНДЕКС\"", "shortName": "ООО \"ЯНДЕКС\"",
        "legalAddress": "г. Москва", "region": "г. Москва", "okved": "62.01",
        "okvedName": "Разработка компьютерного программного обеспечения", "smeCategory": "3",
    ]

    static let petrovFields = [
        "inn": "500100732259", "ogrnip": "304500116000157", "opf": "ИП",
        "lastName": "Петров", "firstName": "Пётр", "middleName": "Петрович",
        "fullName": "Индивидуальный предприниматель Петров Пётр Петрович", "shortName": "ИП Петров П. П.",
        "legalAddress": "Московская обл., г. Химки", "region": "Московская обл.", "okved": "47.91",
        "okvedName": "Торговля розничная по почте или по информационно-коммуникационной сети Интернет",
        "smeCategory": "1",
    ]

    @Test func importsOrganisationsAndEntrepreneurs() throws {
        let directory = try TestDirectory()
        try directory.write("registry.xml", RSMPFixture.file([RSMPFixture.yandex, RSMPFixture.petrov, RSMPFixture.khimki, RSMPFixture.ivanova]))
        let registry = try OfflineRegistry(path: directory.path("registry.sqlite"))
        #expect(try registry.lookup(inn: "7736207543") == nil)
        let summary = try registry.importFile(path: directory.path("registry.xml")) { _ in }
        #expect(summary == RegistryImportSummary(records: 4, organisations: 2, entrepreneurs: 2, files: 1, sourceDate: "2024-02-10"))

        #expect(try registry.lookup(inn: "7736207543") == RegistryEntry(preset: .legal, fields: Self.yandexFields, source: "offline"))
        #expect(try registry.lookup(inn: " 500100732259 ") == RegistryEntry(preset: .ip, fields: Self.petrovFields, source: "offline"))
        let khimki = try #require(try registry.lookup(inn: "5047000001"))
        #expect(khimki.fields["opf"] == "АО")
        #expect(khimki.fields["fullName"] == "АКЦИОНЕРНОЕ ОБЩЕСТВО \"ХИМКИ & ПАРТНЁРЫ\"")
        #expect(khimki.fields["shortName"] == nil)
        #expect(khimki.fields["smeCategory"] == "2")
        let ivanova = try #require(try registry.lookup(inn: "635277570478"))
        #expect(ivanova.preset == .ip)
        #expect(ivanova.fields["fullName"] == "Индивидуальный предприниматель Иванова Анна")
        #expect(ivanova.fields["shortName"] == "ИП Иванова А.")
        #expect(ivanova.fields["middleName"] == nil)
        #expect(ivanova.fields["legalAddress"] == "Ростовская обл., г. Ростов-на-Дону")
        #expect(try registry.lookup(inn: "7707083893") == nil)
        #expect(try registry.lookup(inn: "") == nil)
    }

    @Test func readsWindows1251() throws {
        let directory = try TestDirectory()
        try directory.writeWindows1251("registry.xml", RSMPFixture.file([RSMPFixture.yandex, RSMPFixture.petrov], encoding: "windows-1251"))
        #expect(try directory.bytes("registry.xml").contains(0xC4))  // «Д» of «Документ» in windows-1251
        let registry = try OfflineRegistry(path: directory.path("registry.sqlite"))
        let summary = try registry.importFile(path: directory.path("registry.xml")) { _ in }
        #expect(summary.records == 2)
        #expect(try registry.lookup(inn: "7736207543")?.fields == Self.yandexFields)
        #expect(try registry.lookup(inn: "500100732259")?.fields == Self.petrovFields)
    }

    @Test func importsEveryXMLFileOfAZipAndTheLaterRecordWins() throws {
        let directory = try TestDirectory()
        let renamedYandex = RSMPFixture.organisation(
            inn: "7736207543", ogrn: "1027700229193", name: "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ &quot;ЯНДЕКС.ТЕХНОЛОГИИ&quot;",
            category: "3", date: "10.03.2024")
        try directory.write("data-0001.xml", RSMPFixture.file([RSMPFixture.yandex, RSMPFixture.khimki]))
        try directory.writeWindows1251("data-0002.xml", RSMPFixture.file([RSMPFixture.petrov], encoding: "windows-1251"))
        try directory.write("data-0003.xml", RSMPFixture.file([renamedYandex, RSMPFixture.ivanova]))
        try directory.zip("registry.zip", files: ["data-0001.xml", "data-0002.xml", "data-0003.xml"],
                          extra: [("readme.txt", "not XML"), ("docs/", "")])
        let registry = try OfflineRegistry(path: directory.path("registry.sqlite"))
        var reports: [RegistryImportProgress] = []
        let summary = try registry.importFile(path: directory.path("registry.zip")) { reports.append($0) }
        #expect(summary == RegistryImportSummary(records: 5, organisations: 3, entrepreneurs: 2, files: 3, sourceDate: "2024-03-10"))
        #expect(try registry.lookup(inn: "7736207543")?.fields["fullName"] == "ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ \"ЯНДЕКС.ТЕХНОЛОГИИ\"")
        #expect(try registry.lookup(inn: "7736207543")?.fields["shortName"] == nil)
        #expect(try registry.lookup(inn: "500100732259")?.fields == Self.petrovFields)
        #expect(try registry.lookup(inn: "5047000001") != nil)
        let final = try #require(reports.last)
        #expect(final.records == 5)
        #expect(final.totalBytes == (try directory.size("registry.zip")))
        #expect(final.bytesRead > 0 && final.bytesRead <= final.totalBytes!)
    }

    @Test func reimportReplacesAndKeepsTheRest() throws {
        let directory = try TestDirectory()
        try directory.write("january.xml", RSMPFixture.file([RSMPFixture.yandex, RSMPFixture.petrov]))
        let renamedPetrov = RSMPFixture.entrepreneur(
            inn: "500100732259", ogrnip: "304500116000157", last: "ПЕТРОВ", first: "ПЁТР", middle: "ПЕТРОВИЧ",
            category: "2", date: "10.02.2024", region: ("16", "РЕСПУБЛИКА", "ТАТАРСТАН"), city: ("ГОРОД", "КАЗАНЬ"))
        try directory.write("february.xml", RSMPFixture.file([renamedPetrov, RSMPFixture.khimki]))
        let registry = try OfflineRegistry(path: directory.path("registry.sqlite"))
        _ = try registry.importFile(path: directory.path("january.xml")) { _ in }
        _ = try registry.importFile(path: directory.path("february.xml")) { _ in }
        let petrov = try #require(try registry.lookup(inn: "500100732259"))
        #expect(petrov.fields["legalAddress"] == "Респ. Татарстан, г. Казань")
        #expect(petrov.fields["smeCategory"] == "2")
        #expect(try registry.lookup(inn: "7736207543")?.fields == Self.yandexFields)
        #expect(try registry.lookup(inn: "5047000001") != nil)
        // Importing the same file again changes nothing, and the data survives reopening.
        _ = try registry.importFile(path: directory.path("february.xml")) { _ in }
        registry.close()
        let reopened = try OfflineRegistry(path: directory.path("registry.sqlite"))
        #expect(try reopened.lookup(inn: "500100732259") == petrov)
        let rows = try directory.python("""
            import sqlite3
            c = sqlite3.connect('registry.sqlite')
            print(c.execute("select count(*) from registry_entries where inn = '500100732259'").fetchone()[0],
                  c.execute("select count(*) from registry_imports where state = 'done'").fetchone()[0])
            """)
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "1 3")
    }

    @Test func reportsProgressWhileImportingManyRecords() throws {
        let directory = try TestDirectory()
        try directory.write("first.xml", RSMPFixture.file(RSMPFixture.manyOrganisations(12_000)))
        try directory.write("second.xml", RSMPFixture.file(RSMPFixture.manyOrganisations(13_000, offset: 12_000)))
        try directory.zip("registry.zip", files: ["first.xml", "second.xml"])
        let registry = try OfflineRegistry(path: directory.path("registry.sqlite"))
        var reports: [RegistryImportProgress] = []
        let summary = try registry.importFile(path: directory.path("registry.zip")) { reports.append($0) }
        #expect(summary.records == 25_000)
        #expect(summary.files == 2)
        #expect(reports.map(\.records) == [10_000, 20_000, 25_000])
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.bytesRead <= $1.bytesRead })
        #expect(reports.allSatisfy { $0.totalBytes == reports[0].totalBytes })
        #expect(try registry.lookup(inn: "7700024999")?.fields["shortName"] == "ООО \"РОМАШКА-24999\"")
        #expect(try registry.lookup(inn: "7700000000")?.fields["opf"] == "ООО")
    }

    @Test func lookupsRunConcurrently() throws {
        let directory = try TestDirectory()
        try directory.write("registry.xml", RSMPFixture.file(RSMPFixture.manyOrganisations(500)))
        let registry = try OfflineRegistry(path: directory.path("registry.sqlite"))
        _ = try registry.importFile(path: directory.path("registry.xml")) { _ in }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in stride(from: worker, to: 500, by: 8) {
                let found = try? registry.lookup(inn: String(7_700_000_000 + index))
                if found?.fields["inn"] != String(7_700_000_000 + index) { failures.add() }
            }
        }
        #expect(failures.count == 0)
    }
}
