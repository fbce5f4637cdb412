import Dispatch
import Foundation
import Glibc
@testable import JSONRPC
import JSONKit
import Synchronization
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

/// The lane where pipelining connections take turns.
@Suite struct BulkLaneTests {
    @Test func slotsArePassedOnInTheOrderAskedFor() {
        let lane = BulkLane(slots: 1)
        lane.enter()
        let order = Mutex<[Int]>([])
        let done = DispatchGroup()
        for waiter in 0..<4 {
            done.enter()
            Thread {
                lane.enter()
                order.withLock { $0.append(waiter) }
                lane.leave()
                done.leave()
            }.start()
            // Each asks only once the one before is waiting in line.
            #expect(eventually { lane.waitingCount == waiter + 1 })
        }
        #expect(order.withLock { $0 }.isEmpty, "nobody passes while the slot is held")
        lane.leave()
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(order.withLock { $0 } == [0, 1, 2, 3])
    }

    @Test func asManyHoldersAsSlots() {
        let lane = BulkLane(slots: 2)
        lane.enter()
        lane.enter()
        let third = DispatchSemaphore(value: 0)
        Thread {
            lane.enter()
            third.signal()
        }.start()
        #expect(third.wait(timeout: .now() + 0.2) == .timedOut)
        lane.leave()
        #expect(third.wait(timeout: .now() + 5) == .success)
    }

    @Test func callsThatWaitDoNotCountAsBusy() {
        let before = BulkLane.threadUsage()
        usleep(20_000)
        let after = BulkLane.threadUsage()
        #expect(after.waits > before.waits)
        #expect(after.cpu - before.cpu < .milliseconds(10))
        // Computing: processor time grows, and the thread never waits (preemption is not waiting).
        let deadline = ContinuousClock.now + .seconds(5)
        var spun = after
        while spun.cpu - after.cpu < .milliseconds(15) && ContinuousClock.now < deadline {
            spun = BulkLane.threadUsage()
        }
        #expect(spun.cpu - after.cpu >= .milliseconds(15))
        #expect(spun.waits == after.waits)
    }

    func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            usleep(1_000)
        }
        return false
    }
}
