import DequeModule
import HeapModule
import PullKeeperCore

/// One key per namespace, deduplicated: a key added while queued is not queued twice, a key added while being
/// processed comes back once processing is done. Each key has at most one pending timer (the earliest wins), and
/// failures back off exponentially with jitter. Timers are one heap and one sleeping task, whatever the key count,
/// on an injected clock (tests move it by hand).
public actor WorkQueue {
    /// Backoff after failures: `base * 2^(failures-1)`, at most `maximum`, ±`jitter` share. The maximum is a
    /// minute (not controller-runtime's 16): a credential that keeps failing must still be retried well within
    /// the lifetime of the Secret it protects.
    public struct Backoff: Sendable {
        public var base: Duration
        public var maximum: Duration
        public var jitter: Double

        public init(base: Duration = .milliseconds(500), maximum: Duration = .seconds(60), jitter: Double = 0.2) {
            self.base = base
            self.maximum = maximum
            self.jitter = jitter
        }
    }

    struct Timer: Comparable {
        var deadline: Duration
        var key: String
        static func < (lhs: Timer, rhs: Timer) -> Bool { lhs.deadline < rhs.deadline }
    }

    private let backoff: Backoff
    private let clock: RuntimeClock
    private let random: @Sendable (ClosedRange<Double>) -> Double
    private var ready: Deque<String> = []
    private var queued: Set<String> = []
    private var processing: Set<String> = []
    private var dirty: Set<String> = []
    /// Dirty keys that come back at the front of the queue.
    private var dirtyFirst: Set<String> = []
    private var waiters: Deque<CheckedContinuation<String?, Never>> = []
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var timers = Heap<Timer>()
    private var deadlines: [String: Duration] = [:]
    private var failures: [String: Int] = [:]
    private var sleeper: Task<Void, Never>?
    private var sleepingUntil: Duration?
    private var shuttingDown = false

    /// `random` draws the jitter share (tests pass a fixed one).
    public init(
        backoff: Backoff = Backoff(), clock: RuntimeClock = .system,
        random: @escaping @Sendable (ClosedRange<Double>) -> Double = { .random(in: $0) }
    ) {
        self.backoff = backoff
        self.clock = clock
        self.random = random
    }

    /// Queues a key now (it is processed once, however often it is added before a worker takes it). `first`
    /// puts it ahead of every waiting key: the follow-up of a namespace whose pass just wrote, so that a namespace
    /// becomes usable before the next one starts instead of all of them at the end of a long sync. (A key already
    /// waiting keeps its place.)
    public func add(_ key: String, first: Bool = false) {
        guard !shuttingDown else { return }
        if processing.contains(key) {
            dirty.insert(key)
            if first { dirtyFirst.insert(key) }
            return
        }
        guard queued.insert(key).inserted else { return }
        if let waiter = waiters.popFirst() {
            queued.remove(key)
            processing.insert(key)
            waiter.resume(returning: key)
        } else if first {
            ready.prepend(key)
        } else {
            ready.append(key)
        }
    }

    /// Queues a key after a delay; an earlier pending timer for the same key wins.
    public func add(_ key: String, after delay: Duration) {
        guard delay > .zero else { return add(key) }
        guard !shuttingDown else { return }
        let deadline = clock.now() + delay
        if let existing = deadlines[key], existing <= deadline { return }
        deadlines[key] = deadline
        timers.insert(Timer(deadline: deadline, key: key))
        if let sleepingUntil, deadline < sleepingUntil { sleeper?.cancel() }
    }

    /// The next key to process, waiting for one; nil once the queue shuts down.
    public func next() async -> String? {
        // Once shutting down, queued keys stay queued: only the passes already running finish.
        if shuttingDown { return nil }
        if let key = ready.popFirst() {
            queued.remove(key)
            processing.insert(key)
            return key
        }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Marks a key processed; if it was added meanwhile it is queued again.
    public func done(_ key: String) {
        processing.remove(key)
        let first = dirtyFirst.remove(key) != nil
        if dirty.remove(key) != nil { add(key, first: first) }
        if isIdle {
            for waiter in idleWaiters { waiter.resume() }
            idleWaiters.removeAll()
        }
    }

    /// Nothing ready and nothing being processed (timers may be pending).
    public var isIdle: Bool { ready.isEmpty && processing.isEmpty }

    /// Returns once nothing is ready and nothing is being processed.
    public func waitUntilIdle() async {
        if isIdle || shuttingDown { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// Records a failure and schedules a retry after the backoff (never later than `cap`); returns the delay.
    @discardableResult
    public func retry(_ key: String, cap: Duration? = nil) -> Duration {
        let count = (failures[key] ?? 0) + 1
        failures[key] = count
        var delay = backoff.base * Double(1 << min(count - 1, 30))
        delay = min(delay, backoff.maximum)
        if backoff.jitter > 0 { delay = delay * (1 + random(-backoff.jitter...backoff.jitter)) }
        if let cap { delay = min(delay, cap) }
        add(key, after: max(delay, .milliseconds(10)))
        return delay
    }

    /// Forgets a key's failures (after a success).
    public func forget(_ key: String) { failures[key] = nil }

    /// How many failures in a row a key has had.
    public func failureCount(_ key: String) -> Int { failures[key] ?? 0 }

    /// When a key's timer fires, on the queue's clock; nil when none is pending.
    public func deadline(for key: String) -> Duration? { deadlines[key] }

    /// Keys waiting now, being processed, and scheduled.
    public var counts: (ready: Int, processing: Int, scheduled: Int) {
        (ready.count, processing.count, deadlines.count)
    }

    /// Fires timers until shutdown; run it as part of the controller's service.
    public func runTimers() async {
        await withTaskCancellationHandler {
            while !shuttingDown {
                fireDueTimers()
                let deadline = timers.min?.deadline ?? clock.now() + .seconds(3600)
                sleepingUntil = deadline
                // One sleeper for the earliest timer; an earlier timer added meanwhile cancels it.
                let task = Task { [clock] in _ = try? await clock.sleepUntil(deadline) }
                sleeper = task
                await task.value
                sleeper = nil
                sleepingUntil = nil
            }
        } onCancel: {
            Task { await self.shutDown() }
        }
    }

    private func fireDueTimers() {
        let now = clock.now()
        while let first = timers.min, first.deadline <= now {
            _ = timers.removeMin()
            // A superseded timer (an earlier one for the same key replaced it) is skipped.
            guard deadlines[first.key] == first.deadline else { continue }
            deadlines[first.key] = nil
            add(first.key)
        }
    }

    /// Stops handing out keys: waiting workers get nil, timers stop.
    public func shutDown() {
        shuttingDown = true
        sleeper?.cancel()
        while let waiter = waiters.popFirst() { waiter.resume(returning: nil) }
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters.removeAll()
    }
}
