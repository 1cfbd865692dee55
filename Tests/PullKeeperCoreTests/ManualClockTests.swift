import PullKeeperCore
import PullKeeperTesting
import Testing

@Suite struct ManualClockTests {
    @Test func sleepersWakeInDeadlineOrderAsTimeMoves() async throws {
        let clock = ManualClock()
        let first = Task { try await clock.sleep(until: .init(offset: .seconds(5))) }
        let second = Task { try await clock.sleep(until: .init(offset: .seconds(10))) }
        while clock.sleeperCount < 2 { await Task.yield() }
        #expect(clock.nextDeadline == .init(offset: .seconds(5)))
        clock.advance(by: .seconds(6))
        try await first.value
        #expect(clock.sleeperCount == 1)
        clock.advance(to: .init(offset: .seconds(10)))
        try await second.value
        #expect(clock.date == clock.epoch.addingTimeInterval(10))
    }

    @Test func cancellingASleeperWakesItAtOnce() async throws {
        let clock = ManualClock()
        for round in 0..<200 {
            let task = Task { try await clock.runtimeClock.sleep(for: .seconds(120)) }
            if round.isMultiple(of: 2) { while clock.sleeperCount == 0 { await Task.yield() } }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(clock.sleeperCount == 0)
        }
    }

    @Test func aGroupCancellingItsSleeperEnds() async throws {
        let clock = ManualClock().runtimeClock
        for _ in 0..<200 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await clock.sleep(for: .seconds(120)) }
                group.addTask {}
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }
}
