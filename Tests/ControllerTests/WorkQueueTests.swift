import Controller
import PullKeeperCore
import Testing

@Suite struct WorkQueueTests {
    @Test func deduplicatesQueuedKeys() async {
        let queue = WorkQueue()
        await queue.add("a")
        await queue.add("a")
        await queue.add("b")
        #expect(await queue.next() == "a")
        #expect(await queue.next() == "b")
        #expect(await queue.counts.ready == 0)
    }

    @Test func keyAddedWhileProcessingComesBackOnceDone() async {
        let queue = WorkQueue()
        await queue.add("a")
        let key = await queue.next()
        await queue.add("a")
        await queue.add("a")
        #expect(await queue.counts.ready == 0, "not handed out twice concurrently")
        await queue.done(key ?? "")
        #expect(await queue.counts.ready == 1)
        #expect(await queue.next() == "a")
    }

    @Test("a follow-up goes ahead of the waiting keys, also when it was added while being processed")
    func followUpsGoFirst() async {
        let queue = WorkQueue()
        for key in ["a", "b", "c"] { await queue.add(key) }
        let a = await queue.next()
        #expect(a == "a")
        await queue.add("a", first: true)  // its write's watch event, while its pass still runs
        await queue.done("a")
        #expect(await queue.next() == "a", "ahead of b and c")
        await queue.done("a")
        await queue.add("d", first: true)
        await queue.add("b", first: true)  // already waiting: keeps its place
        #expect(await queue.next() == "d")
        #expect(await queue.next() == "b")
        #expect(await queue.next() == "c")
    }

    @Test func delayedKeyArrivesAfterItsDelayAndEarliestTimerWins() async throws {
        let queue = WorkQueue()
        let timers = Task { await queue.runTimers() }
        defer { timers.cancel() }
        await queue.add("slow", after: .seconds(30))
        await queue.add("slow", after: .milliseconds(50))
        await queue.add("later", after: .seconds(60))
        let start = ContinuousClock.now
        #expect(await queue.next() == "slow")
        #expect(ContinuousClock.now - start >= .milliseconds(40))
        #expect(await queue.counts.scheduled == 1)
    }

    @Test func retryBacksOffExponentiallyWithinCap() async {
        let queue = WorkQueue(backoff: .init(base: .milliseconds(100), maximum: .seconds(1), jitter: 0))
        #expect(await queue.retry("k") == .milliseconds(100))
        #expect(await queue.retry("k") == .milliseconds(200))
        #expect(await queue.retry("k") == .milliseconds(400))
        #expect(await queue.retry("k") == .milliseconds(800))
        #expect(await queue.retry("k") == .seconds(1))
        #expect(await queue.retry("k", cap: .milliseconds(300)) == .milliseconds(300))
        #expect(await queue.failureCount("k") == 6)
        await queue.forget("k")
        #expect(await queue.failureCount("k") == 0)
    }

    @Test func shutdownReleasesWaitingWorkers() async {
        let queue = WorkQueue()
        async let waiting = queue.next()
        try? await Task.sleep(for: .milliseconds(20))
        await queue.shutDown()
        #expect(await waiting == nil)
        await queue.add("ignored")
        #expect(await queue.next() == nil)
    }

    @Test func thousandsOfTimersNeedOneSleeper() async {
        let queue = WorkQueue()
        let timers = Task { await queue.runTimers() }
        defer { timers.cancel() }
        for index in 0..<5000 { await queue.add("ns-\(index)", after: .milliseconds(Int64(20 + index % 50))) }
        var seen = Set<String>()
        while seen.count < 5000, let key = await queue.next() {
            seen.insert(key)
            await queue.done(key)
        }
        #expect(seen.count == 5000)
    }

    @Test func shutdownLeavesQueuedKeysQueued() async {
        let queue = WorkQueue()
        for key in ["a", "b", "c"] { await queue.add(key) }
        #expect(await queue.next() == "a")
        await queue.shutDown()
        // Only the pass in flight ("a") finishes; "b" and "c" wait for the next replica or restart.
        #expect(await queue.next() == nil)
        await queue.done("a")
        #expect(await queue.counts.ready == 2)
    }

}
