import Kernel
@testable import PolymarketAdapter
import Testing

@Suite struct RateLimiterTests {
    /// `POLYMARKET_RATE_SHARE`: N processes each take the floor of 1/N of every rule (at least
    /// 1), so together they never exceed it; windows and switched-off families stay as they are.
    @Test func aShareOfTheLimitsSplitsEveryRuleSoTheProcessesTogetherStayWithinIt() {
        let limits = RateLimits(rules: [
            .postOrder: [RateLimitRule(limit: 3_500, window: .seconds(10)), RateLimitRule(limit: 36_000, window: .seconds(600))],
            .balanceUpdate: [RateLimitRule(limit: 50, window: .seconds(10))],
            .apiKeys: [RateLimitRule(limit: 2, window: .seconds(10))],
            .gamma: [],
        ])
        #expect(limits.shared(by: 1) == limits)
        let third = limits.shared(by: 3)
        #expect(third.rules[.postOrder] == [RateLimitRule(limit: 1_166, window: .seconds(10)),
                                            RateLimitRule(limit: 12_000, window: .seconds(600))])
        #expect(third.rules[.balanceUpdate] == [RateLimitRule(limit: 16, window: .seconds(10))])
        #expect(third.rules[.apiKeys] == [RateLimitRule(limit: 1, window: .seconds(10))], "never below one request")
        #expect(third.rules[.gamma] == [])
        for (family, rules) in limits.rules where family != .apiKeys {
            for (whole, part) in zip(rules, third.rules[family] ?? []) { #expect(part.limit * 3 <= whole.limit) }
        }
    }

    /// Random arrival times, bursts included: in no window of any rule does the number of
    /// admissions exceed the rule's limit, and every request is eventually admitted.
    @Test(arguments: [1, 2, 3, 4, 5])
    func neverExceedsItsBudgetInAnyWindow(seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        let rules = [RateLimitRule(limit: 5, window: .seconds(1)), RateLimitRule(limit: 12, window: .seconds(5))]
        let clock = ManualClock(Timestamp(epochMilliseconds: 0))
        let limiter = RateLimiter(limits: RateLimits(rules: [.postOrder: rules, .clob: [.init(limit: 9, window: .seconds(2))]]),
                                  clock: clock)
        var arrival: Int64 = 0
        var admitted: [Int64] = []
        for _ in 0..<400 {
            arrival += Int64(random.next() % 3 == 0 ? random.next() % 2_000 : random.next() % 20)
            if clock.now().epochMilliseconds < arrival { clock.set(Timestamp(epochMilliseconds: arrival)) }
            let time = try await limiter.acquire([.clob, .postOrder])
            #expect(time.epochMilliseconds >= arrival)
            admitted.append(time.epochMilliseconds)
        }
        #expect(admitted.count == 400)
        for rule in rules + [RateLimitRule(limit: 9, window: .seconds(2))] {
            let window = rule.window.wholeMilliseconds
            for (index, start) in admitted.enumerated() {
                let inWindow = admitted[index...].prefix { $0 < start + window }.count
                #expect(inWindow <= rule.limit, "\(rule) window at \(start)")
            }
        }
    }

    @Test func tryAcquireSkipsInsteadOfWaiting() async throws {
        let clock = ManualClock(Timestamp(epochMilliseconds: 0))
        let limiter = RateLimiter(limits: RateLimits(rules: [.balanceUpdate: [.init(limit: 2, window: .seconds(10))]]),
                                  clock: clock)
        #expect(await limiter.tryAcquire([.balanceUpdate]))
        #expect(await limiter.tryAcquire([.balanceUpdate]))
        #expect(await !limiter.tryAcquire([.balanceUpdate]))
        #expect(clock.now() == Timestamp(epochMilliseconds: 0))
        clock.advance(.seconds(10))
        #expect(await limiter.tryAcquire([.balanceUpdate]))
    }

    @Test func aPauseHoldsTheFamilyUntilItsDeadline() async throws {
        let clock = ManualClock(Timestamp(epochMilliseconds: 1_000))
        let limiter = RateLimiter(limits: .published, clock: clock)
        await limiter.pause([.postOrder], until: Timestamp(epochMilliseconds: 31_000))
        let other = try await limiter.acquire([.clob, .marketData])
        #expect(other == Timestamp(epochMilliseconds: 1_000))
        let held = try await limiter.acquire([.clob, .postOrder])
        #expect(held == Timestamp(epochMilliseconds: 31_000))
    }

    @Test func overridesParseAndReplaceAFamily() throws {
        let limits = try RateLimits.parse(" post-order=10/1s+100/10m , market-data=5/250ms,gamma=off")
        #expect(limits.rules[.postOrder] == [.init(limit: 10, window: .seconds(1)), .init(limit: 100, window: .seconds(600))])
        #expect(limits.rules[.marketData] == [.init(limit: 5, window: .milliseconds(250))])
        #expect(limits.rules[.gamma] == [])
        #expect(limits.rules[.clob] == RateLimits.published.rules[.clob])
        #expect(try RateLimits.parse("") == .published)
    }

    @Test(arguments: ["orders=10/1s", "post-order=10", "post-order=0/1s", "post-order=10/1d", "post-order=x/1s", "clob"])
    func aBadEntryIsNamedInTheError(_ text: String) throws {
        let error = try #require(throws: RateLimitsParseError.self) { try RateLimits.parse("clob=100/10s," + text) }
        #expect(error.entry == text)
        #expect(error.description.contains(text))
    }
}

/// SplitMix64: reproducible random arrivals.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { self.state = seed }
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
