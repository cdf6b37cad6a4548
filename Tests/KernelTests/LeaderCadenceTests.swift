import Kernel
import Testing

/// The polling cadence of issue #21 as a pure rule.
@Suite struct LeaderCadenceTests {
    @Test(arguments: [
        (LeaderInterest(followed: true), LeaderCadence.full),
        (LeaderInterest(holding: true), .full),
        (LeaderInterest(followed: true, watched: true), .full),
        (LeaderInterest(holding: true, watched: true), .full),
        (LeaderInterest(watched: true), .slow),
        (LeaderInterest(), .none),
    ])
    func cadenceFollowsInterest(_ interest: LeaderInterest, _ expected: LeaderCadence) {
        #expect(LeaderCadence(interest) == expected)
    }

    @Test func fullIsAlwaysDueSlowOncePerMinuteNoneNever() {
        let start = Timestamp(epochMilliseconds: 1_000_000)
        #expect(LeaderCadence.full.isDue(lastPolled: start, now: start))
        #expect(LeaderCadence.slow.isDue(lastPolled: nil, now: start), "a watched leader is polled at once the first time")
        #expect(!LeaderCadence.slow.isDue(lastPolled: start, now: start + .seconds(59)))
        #expect(LeaderCadence.slow.isDue(lastPolled: start, now: start + .seconds(60)))
        #expect(!LeaderCadence.none.isDue(lastPolled: nil, now: start))
    }
}
