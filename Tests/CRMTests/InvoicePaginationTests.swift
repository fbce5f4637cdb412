import Testing
@testable import CRM

/// Pages planned from heights: rows fill a page, continuation pages start higher, and the final
/// block is never left alone on a page.
@Suite struct InvoicePaginationTests {
    /// A page of 1000 pt: the table may start at 300 on the first page, at 50 on the others;
    /// the header row is 20, the final block 200.
    let pagination = InvoicePagination(firstTop: 300, nextTop: 50, bottom: 1000, tableHeader: 20, final: 200)

    @Test func rowsAndTheFinalBlockThatFitStayOnOnePage() {
        // 300 + 20 + 4 × 100 = 720, + 200 = 920.
        #expect(pagination.plan(rowHeights: Array(repeating: 100, count: 4)) == [0..<4])
    }

    @Test func rowsFlowOntoContinuationPagesUnderARepeatedHeader() {
        // Page 1 holds 6 rows (320 + 600 = 920, a 7th would reach 1020); page 2 from 70 holds 9.
        #expect(pagination.plan(rowHeights: Array(repeating: 100, count: 10)) == [0..<6, 6..<10])
    }

    @Test func theLastRowMovesOverWithTheFinalBlock() {
        // 6 rows fill page 1 to 920: the final block (200) does not fit under them.
        #expect(pagination.plan(rowHeights: Array(repeating: 100, count: 6)) == [0..<5, 5..<6])
        // The same on a continuation page: 6 + 9 rows, page 2 ends at 970.
        #expect(pagination.plan(rowHeights: Array(repeating: 100, count: 15)) == [0..<6, 6..<14, 14..<15])
    }

    @Test func aRowThatDoesNotFitUnderTheHeaderStartsPageTwo() {
        let tall = InvoicePagination(firstTop: 900, nextTop: 50, bottom: 1000, tableHeader: 20, final: 200)
        #expect(tall.plan(rowHeights: [100, 100]) == [0..<0, 0..<2])
        #expect(tall.plan(rowHeights: []) == [0..<0, 0..<0])
        #expect(pagination.plan(rowHeights: []) == [0..<0])
    }

    @Test func aRowTallerThanAPageIsNotPushedOntoEmptyPages() {
        #expect(pagination.plan(rowHeights: [100, 2000]) == [0..<1, 1..<2])
    }
}
