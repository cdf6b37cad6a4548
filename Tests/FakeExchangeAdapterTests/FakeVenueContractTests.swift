import FakeExchangeAdapter
import FakeExchangeTesting
import KernelTesting
import Testing

@Suite struct FakeVenueContractTests {
    @Test(arguments: ExchangeContract.cases)
    func exchange(_ check: ExchangeContract) async throws {
        try await check.run(on: FakeVenueFixture().harness)
    }

    @Test(.timeLimit(.minutes(1)), arguments: LeaderFeedContract.cases)
    func leaderFeed(_ check: LeaderFeedContract) async throws {
        try await check.run(on: FakeVenueFixture().harness)
    }

    @Test(arguments: RelayerContract.cases)
    func relayerSteppingStates(_ check: RelayerContract) async throws {
        try await check.run(on: FakeVenueFixture(relayerPace: .stepwise).harness)
    }

    @Test(arguments: RelayerContract.cases)
    func relayerConfirmingAtOnce(_ check: RelayerContract) async throws {
        try await check.run(on: FakeVenueFixture(relayerPace: .immediate).harness)
    }
}
