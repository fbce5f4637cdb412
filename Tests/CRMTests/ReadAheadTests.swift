import Foundation
import Synchronization
import Testing
@testable import CRM

@Suite struct ReadAheadTests {
    /// Every value comes in its place, whether the consumer is ahead of the thread that works
    /// them out (it waits) or behind it.
    @Test func valuesComeInOrderWhenTheConsumerWaits() {
        let made = Atomic<Int>(0)
        let ahead = ReadAhead(count: 200) { index -> String in
            if index % 50 == 0 { Thread.sleep(forTimeInterval: 0.005) }
            made.add(1, ordering: .relaxed)
            return "value \(index)"
        }
        #expect((0..<200).map { ahead.value(at: $0) } == (0..<200).map { "value \($0)" })
        #expect(made.load(ordering: .relaxed) == 200)
    }

    @Test func aConsumerBehindReadsWhatIsDone() {
        let ahead = ReadAhead(count: 1_000) { $0 * $0 }
        Thread.sleep(forTimeInterval: 0.05)
        #expect(ahead.value(at: 999) == 998_001 && ahead.value(at: 0) == 0 && ahead.value(at: 500) == 250_000)
    }
}
