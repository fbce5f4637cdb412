@testable import JSONRPC
import JSONKit
import Testing

/// The pure parts of the connection limits: read deadlines, the per-user count, the descriptor
/// budget.
@Suite struct ConnectionAccountingTests {
    let start = ContinuousClock.now

    func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    @Test func nothingBegunMeansTheIdleTimeoutFromEachWait() {
        var deadline = ReadDeadline(idleTimeout: .seconds(300), partialMessageTimeout: .seconds(30))
        #expect(deadline.next(pendingBytes: 0, now: at(0))! == (at(300_000), .idle))
        deadline.record(received: 100)
        #expect(deadline.next(pendingBytes: 0, now: at(5_000))! == (at(305_000), .idle))
    }

    @Test func aBegunMessageKeepsItsDeadlineHoweverItsBytesTrickleIn() {
        var deadline = ReadDeadline(idleTimeout: .seconds(300), partialMessageTimeout: .seconds(30))
        deadline.record(received: 10)
        #expect(deadline.next(pendingBytes: 10, now: at(0))! == (at(30_000), .partialMessage))
        for second in 1...29 {
            deadline.record(received: 1)
            #expect(deadline.next(pendingBytes: 10 + second, now: at(second * 1000))! == (at(30_000), .partialMessage))
        }
    }

    @Test func aCompletedMessageGivesTheNextOneAFullTimeout() {
        var deadline = ReadDeadline(idleTimeout: nil, partialMessageTimeout: .seconds(30))
        // Pipelining: every chunk completes the message begun in the one before and begins another.
        var received = 0
        for second in 0..<100 {
            received += 65536
            deadline.record(received: 65536)
            let pending = 1 + second % 7
            #expect(deadline.next(pendingBytes: pending, now: at(second * 1000))! == (at(second * 1000 + 30_000), .partialMessage))
        }
        #expect(received == 100 * 65536)
    }

    @Test func noTimeoutMeansWaitingForever() {
        var deadline = ReadDeadline(idleTimeout: nil, partialMessageTimeout: nil)
        #expect(deadline.next(pendingBytes: 0, now: at(0)) == nil)
        deadline.record(received: 3)
        #expect(deadline.next(pendingBytes: 3, now: at(0)) == nil)
    }

    @Test func countsPerUserAndInTotal() {
        var count = ConnectionCount()
        #expect(count.admit(user: 1000, maxTotal: 3, maxPerUser: 2) == nil)
        #expect(count.admit(user: 1000, maxTotal: 3, maxPerUser: 2) == nil)
        #expect(count.admit(user: 1000, maxTotal: 3, maxPerUser: 2) == .tooManyConnections(limit: 2, scope: .user))
        #expect(count.admit(user: 0, maxTotal: 3, maxPerUser: 2) == nil)
        #expect(count.admit(user: 0, maxTotal: 3, maxPerUser: 2) == .tooManyConnections(limit: 3, scope: .total))
        #expect(count.admit(user: nil, maxTotal: 3, maxPerUser: 2) == .tooManyConnections(limit: 3, scope: .total))
        count.release(user: 1000)
        #expect(count.total == 2)
        #expect(count.admit(user: nil, maxTotal: 3, maxPerUser: 2) == nil)
        count.release(user: nil)
        #expect(count.admit(user: 1000, maxTotal: 3, maxPerUser: 2) == nil)
        #expect(count.total == 3)
    }

    @Test func theDescriptorLimitLowersTheConnectionLimit() {
        #expect(DescriptorBudget.connectionLimit(configured: 256, descriptorLimit: 1024, reserve: 64) == 256)
        #expect(DescriptorBudget.connectionLimit(configured: 256, descriptorLimit: 256, reserve: 64) == 192)
        #expect(DescriptorBudget.connectionLimit(configured: 256, descriptorLimit: 50, reserve: 64) == 1)
        #expect(DescriptorBudget.connectionLimit(configured: 256, descriptorLimit: .max, reserve: 64) == 256)
    }

    @Test func theErrorsCarryWhatAClientNeeds() {
        #expect(RPCError.tooManyConnections(limit: 5, scope: .user).json
            == .from(#"{"code":-32000,"message":"Too many connections","data":{"reason":"tooManyConnections","scope":"user","limit":5}}"#))
        #expect(RPCError.messageTimeout(after: .milliseconds(1500)).json
            == .from(#"{"code":-32600,"message":"Invalid Request","data":{"reason":"messageTimeout","timeoutMs":1500}}"#))
    }
}
