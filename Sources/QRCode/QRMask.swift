/// The eight data mask patterns and the penalty rules that choose between them.
enum QRMask {
    static let all = 0...7

    /// Whether mask `mask` inverts the module in column `x`, row `y`.
    static func selects(_ mask: Int, x: Int, y: Int) -> Bool {
        switch mask {
        case 0: (y + x) % 2 == 0
        case 1: y % 2 == 0
        case 2: x % 3 == 0
        case 3: (y + x) % 3 == 0
        case 4: (y / 2 + x / 3) % 2 == 0
        case 5: (y * x) % 2 + (y * x) % 3 == 0
        case 6: ((y * x) % 2 + (y * x) % 3) % 2 == 0
        case 7: ((y + x) % 2 + (y * x) % 3) % 2 == 0
        default: preconditionFailure("mask out of range")
        }
    }

    /// The total penalty of a finished symbol (`modules` row by row):
    /// N1, 3 + (n − 5) for each run of n ≥ 5 modules of one colour in a row or column;
    /// N2, 3 for each 2 × 2 block of one colour (blocks may overlap);
    /// N3, 40 for each dark-light-dark-dark-dark-light-dark run in a row or column with four
    /// light modules before or after it (outside the symbol counts as light; two runs that
    /// share an end module count once);
    /// N4, 10 for each full 5 % that the share of dark modules lies away from 50 %.
    static func penalty(_ modules: [Bool], size: Int) -> Int {
        modules.withUnsafeBufferPointer { grid in
            var score = 0
            for i in 0..<size {
                score += linePenalty(grid, first: i * size, step: 1, count: size)
                score += linePenalty(grid, first: i, step: size, count: size)
            }
            var dark = 0
            for y in 0..<size {
                for x in 0..<size {
                    let index = y * size + x
                    if grid[index] { dark += 1 }
                    guard x + 1 < size, y + 1 < size else { continue }
                    let colour = grid[index]
                    if grid[index + 1] == colour && grid[index + size] == colour
                        && grid[index + size + 1] == colour {
                        score += 3
                    }
                }
            }
            let total = size * size
            return score + 10 * (abs(dark * 20 - total * 10) / total)
        }
    }

    /// The N1 and N3 penalties of one row (`step` 1) or column (`step` size).
    private static func linePenalty(_ grid: UnsafeBufferPointer<Bool>, first: Int, step: Int, count: Int) -> Int {
        func at(_ k: Int) -> Bool { grid[first + k * step] }
        var score = 0
        var run = 0
        for k in 0..<count {
            if k > 0 && at(k) == at(k - 1) {
                run += 1
            } else {
                if run >= 5 { score += run - 2 }
                run = 1
            }
        }
        if run >= 5 { score += run - 2 }

        func light(_ from: Int, _ to: Int) -> Bool {
            var k = max(from, 0)
            while k < min(to, count) {
                if at(k) { return false }
                k += 1
            }
            return true
        }
        var start = 0
        while start + 7 <= count {
            if at(start) && !at(start + 1) && at(start + 2) && at(start + 3)
                && at(start + 4) && !at(start + 5) && at(start + 6)
                && (light(start - 4, start) || light(start + 7, start + 11)) {
                score += 40
                start += 7   // occurrences do not overlap (as segno counts them)
            } else {
                start += 1
            }
        }
        return score
    }
}
