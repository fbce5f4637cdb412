/// Where an invoice's table rows go, planned from heights alone before anything is drawn.
///
/// Rules: a page with rows starts them with the table's header; a row is never cut in two
/// and never starts a page it does not fit on, except a row taller than a whole continuation
/// page (which item names within the API's limits never make); the final block (totals,
/// amount in words, signatures, QR code) follows the last row on the same page, and when it
/// does not fit there the last row moves to a new page with it, so the final block is never
/// alone on a page (unless the invoice has no rows). Heights are in points, y grows downwards.
struct InvoicePagination {
    /// Where the table may start on the first page (below the invoice's header).
    var firstTop: Double
    /// Where the table starts on a continuation page.
    var nextTop: Double
    /// The lowest y anything may reach.
    var bottom: Double
    /// The table header's height, repeated on every page with rows.
    var tableHeader: Double
    /// The final block's height, with the space above it.
    var final: Double

    /// The rows of each page, in order; the final block goes on the last page, below its rows.
    /// The first page's range is empty when not even one row fits under the invoice's header.
    func plan(rowHeights: [Double]) -> [Range<Int>] {
        var pages: [Range<Int>] = []
        var start = 0
        var y = firstTop + tableHeader
        for (index, height) in rowHeights.enumerated() {
            let alone = index == start && !pages.isEmpty
            if y + height > bottom && !alone {
                pages.append(start..<index)
                start = index
                y = nextTop + tableHeader
            }
            y += height
        }
        if rowHeights.isEmpty { y = firstTop }
        let last = start..<rowHeights.count
        guard y + final > bottom else { return pages + [last] }
        if last.isEmpty { return pages + [last, last] }
        // A continuation page holding one row and no room for the final block: a new page would be no roomier.
        if last.count == 1 && !pages.isEmpty { return pages + [last] }
        // The final block does not fit under the last row: the last row goes over with it.
        let moved = last.upperBound - 1
        return pages + [last.lowerBound..<moved, moved..<last.upperBound]
    }
}
