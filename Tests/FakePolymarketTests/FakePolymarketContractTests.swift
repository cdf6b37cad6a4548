import FakeExchangeAdapter
import FakePolymarketTesting
import InMemoryAdapter
import KernelTesting
import Testing

/// KernelTesting's venue contracts and the engine's whole flow suite, unchanged, against the real
/// Polymarket adapter talking HTTP and WebSocket to an in-process facade — the same cases
/// FakeVenueContractTests runs against the in-process fake.
@Suite(.timeLimit(.minutes(2))) struct FakePolymarketContractTests {
    @Test(arguments: ExchangeContract.cases)
    func exchange(_ check: ExchangeContract) async throws {
        try await FakePolymarketHarness.run { try await check.run(on: $0.venueHarness) }
    }

    @Test(arguments: LeaderFeedContract.cases)
    func leaderFeed(_ check: LeaderFeedContract) async throws {
        try await FakePolymarketHarness.run { try await check.run(on: $0.venueHarness) }
    }

    @Test(arguments: RelayerContract.cases)
    func relayerSteppingStates(_ check: RelayerContract) async throws {
        try await FakePolymarketHarness.run(relayerPace: .stepwise) { try await check.run(on: $0.venueHarness) }
    }

    @Test(arguments: RelayerContract.cases)
    func relayerConfirmingAtOnce(_ check: RelayerContract) async throws {
        try await FakePolymarketHarness.run(relayerPace: .immediate) { try await check.run(on: $0.venueHarness) }
    }

    @Test(arguments: CopyFlowContract.cases)
    func flow(_ flow: CopyFlowContract) async throws {
        try await FakePolymarketHarness.run { try await flow.run(store: InMemoryStore(), venue: $0.venueHarness) }
    }
}
