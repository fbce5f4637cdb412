import Foundation
import JSONKit
import Testing
@testable import CRM

/// The company's time zone (`settings.timeZone`): "today" — an invoice's default date, the year
/// that numbers it, `overdue` — is the date on the company's wall clock, not in UTC.
@Suite struct TimeZoneTests {
    /// 2026-12-31T22:30:00Z: still 2026 in UTC and New York, already 2027-01-01 in Moscow (01:30).
    static let newYearsEveUTC: Int64 = 1_798_756_200

    @Test func theHelperGivesTheWallClockDateOfTheZone() throws {
        #expect(Timestamp.format(Self.newYearsEveUTC) == "2026-12-31T22:30:00Z")
        let date = { (name: String) in CompanyTime.today(at: Self.newYearsEveUTC, in: try #require(CompanyTime.zone(named: name))) }
        #expect(try date("UTC") == "2026-12-31")
        #expect(try date("Europe/Moscow") == "2027-01-01")
        #expect(try date("Asia/Vladivostok") == "2027-01-01")
        #expect(try date("America/New_York") == "2026-12-31")
        // Vladivostok (+10) turns the day at 14:00 UTC, New York (-5 in winter) at 05:00 UTC.
        let vladivostok = try #require(CompanyTime.zone(named: "Asia/Vladivostok"))
        #expect(CompanyTime.today(at: Self.newYearsEveUTC - 8 * 3600 - 1800 - 1, in: vladivostok) == "2026-12-31")
        #expect(CompanyTime.today(at: Self.newYearsEveUTC - 8 * 3600 - 1800, in: vladivostok) == "2027-01-01")
        let newYork = try #require(CompanyTime.zone(named: "America/New_York"))
        #expect(CompanyTime.today(at: Self.newYearsEveUTC + 6 * 3600 + 1800 - 1, in: newYork) == "2026-12-31")
        #expect(CompanyTime.today(at: Self.newYearsEveUTC + 6 * 3600 + 1800, in: newYork) == "2027-01-01")
    }

    @Test func theDefaultZoneIsMoscowAndTheNewYearBeginsThere() throws {
        let fixture = try CRMFixture()
        #expect(try fixture.crm.settings.get()["timeZone"] == "Europe/Moscow")
        let (deal, _) = try InvoiceTests().prepared(fixture)
        fixture.clock.set(Self.newYearsEveUTC)
        _ = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id, date: "2027-01-01"), by: .user(1))
        let invoice = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id), by: .user(1))
        #expect(invoice["date"] == "2027-01-01")
        #expect(invoice["dueDate"] == "2027-01-06")
        #expect(invoice["number"] == "2027-00002")
        let first = try CRMFixture()
        let (otherDeal, _) = try InvoiceTests().prepared(first)
        first.clock.set(Self.newYearsEveUTC)
        let alone = try first.crm.invoices.createFromDeal(.init(dealID: otherDeal.id), by: .user(1))
        #expect(alone["date"] == "2027-01-01")
        #expect(alone["number"] == "2027-00001")
    }

    @Test(arguments: [("Asia/Vladivostok", "2027-01-01", "2027-00001"), ("America/New_York", "2026-12-31", "2026-00001"),
                      ("UTC", "2026-12-31", "2026-00001")])
    func anotherZoneDatesAndNumbersByItsOwnDay(_ zone: String, _ date: String, _ number: String) throws {
        let fixture = try CRMFixture()
        let (deal, _) = try InvoiceTests().prepared(fixture)
        #expect(try fixture.crm.settings.update(["timeZone": .string(zone)], by: .user(1))["timeZone"] == .string(zone))
        fixture.clock.set(Self.newYearsEveUTC)
        let invoice = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id), by: .user(1))
        #expect(invoice["date"] == .string(date))
        #expect(invoice["number"] == .string(number))
    }

    /// Due 2026-12-31: at 22:30 UTC that day it is already 2027 in Moscow, so the invoice is
    /// overdue there, and not yet in New York.
    @Test func overdueTurnsAtTheCompanysMidnight() throws {
        let fixture = try CRMFixture()
        let (deal, _) = try InvoiceTests().prepared(fixture)
        let invoice = try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id, date: "2026-12-20", dueDate: "2026-12-31"), by: .user(1))
        _ = try fixture.crm.invoices.setStatus(id: invoice.id, status: "sent", by: .user(1))
        var overdue = ListRequest()
        overdue.filter = ["status": "overdue"]
        let moscowMidnight = Self.newYearsEveUTC - 1800 - 3600   // 2026-12-31T21:00:00Z
        fixture.clock.set(moscowMidnight - 1)
        #expect(try fixture.crm.invoices.get(invoice.id)["status"] == "sent")
        #expect(try fixture.crm.invoices.list(overdue)["items"] == [])
        fixture.clock.set(moscowMidnight)
        #expect(try fixture.crm.invoices.get(invoice.id)["status"] == "overdue")
        #expect(try fixture.crm.invoices.list(overdue)["items"]?.arrayValue?.map(\.id) == [invoice.id])
        #expect(try fixture.crm.invoices.list(ListRequest())["items"]?.arrayValue?.first?["status"] == "overdue")

        _ = try fixture.crm.settings.update(["timeZone": "America/New_York"], by: .user(1))
        fixture.clock.set(Self.newYearsEveUTC)
        #expect(try fixture.crm.invoices.get(invoice.id)["status"] == "sent")
        #expect(try fixture.crm.invoices.list(overdue)["items"] == [])
    }

    @Test(arguments: ["Mars/Olympus", "MSK", "GMT+3", "europe/moscow", "", "+03:00"])
    func anUnknownZoneIsRefused(_ name: String) throws {
        let fixture = try CRMFixture()
        _ = try fixture.crm.settings.update(["timeZone": "Asia/Vladivostok"], by: .user(1))
        #expect(throws: CRMError.self) { try fixture.crm.settings.update(["timeZone": .string(name)], by: .user(1)) }
        do {
            _ = try fixture.crm.settings.update(["timeZone": .string(name)], by: .user(1))
        } catch CRMError.invalidValue(let field, let reason, _) {
            #expect(field == "timeZone")
            #expect(reason == "unknownTimeZone")
        }
        #expect(try fixture.crm.settings.get()["timeZone"] == "Asia/Vladivostok")
    }

    @Test func nullResetsToMoscow() throws {
        let fixture = try CRMFixture()
        _ = try fixture.crm.settings.update(["timeZone": "Asia/Vladivostok"], by: .user(1))
        #expect(try fixture.crm.settings.update(["timeZone": .null], by: .user(1))["timeZone"] == "Europe/Moscow")
        #expect(try fixture.crm.settings.get()["timeZone"] == "Europe/Moscow")
    }

    /// Back-dated invoices take the next number of their date's year, in order of creation.
    @Test func aBackDatedInvoiceTakesTheNextNumberOfItsYear() throws {
        let fixture = try CRMFixture()
        let (deal, _) = try InvoiceTests().prepared(fixture)
        fixture.clock.set(Self.newYearsEveUTC + 10 * 86_400)   // 2027-01-11 in Moscow
        let create = { (date: String?) in try fixture.crm.invoices.createFromDeal(.init(dealID: deal.id, date: date), by: .user(1))["number"] }
        #expect(try create("2026-12-01") == "2026-00001")
        #expect(try create(nil) == "2027-00001")
        #expect(try create("2026-11-15") == "2026-00002")
        #expect(try create("2027-01-02") == "2027-00002")
    }
}
