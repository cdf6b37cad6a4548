import Ethereum
import FakeExchangeAdapter
import FakeExchangeTesting
import InMemoryAdapter
import Kernel
import KernelTesting
import Testing

/// Issue #21 item 2: onboarding is queued work (the wallets not READY) that survives a restart,
/// and a wallet's approvals wait for its deploy to be CONFIRMED (spec §11.6).
@Suite struct OnboardingTests {
    let fixture = FakeVenueFixture()
    let store: any Store = InMemoryStore()
    let vault = TestKeyVault()

    /// One process's onboarder; a new one is a restarted process.
    func onboarder(_ prefix: String) -> WalletOnboarder {
        WalletOnboarder(
            store: self.store, vault: self.vault, relayer: self.fixture.venue.relayer,
            credentials: FakeAPICredentialIssuer(venue: self.fixture.venue, vault: self.vault),
            wallClock: self.fixture.clock.wallClock, ids: SequentialIDs(prefix: prefix).generator,
            funderAddress: { signer in
                try WalletAddress(FakeVenueFixture.funder(of: try Address(hex: signer.lowercased), type: .depositWallet).lowercased)
            })
    }

    func transactions(_ walletID: WalletID) async throws -> [RelayerTx.Kind: RelayerTx.Status] {
        Dictionary(uniqueKeysWithValues: try await self.onboarder("read").relayerTransactions(of: walletID)
            .map { ($0.kind, $0.status) })
    }

    @Test func onboardingSurvivesARestartBetweenDeployAndApproveAndApprovesOnlyAfterTheDeployIsConfirmed() async throws {
        let user = User.fixture(1)
        try await self.store.insertUser(user)
        let first = self.onboarder("first")
        let wallet = try await first.ensureWallet(for: user.id)
        await self.fixture.venue.register(funder: wallet.funderAddress, owner: wallet.signerAddress)

        try await first.advanceQueued()
        #expect(try await self.transactions(wallet.id) == [.deploy: .submitted])
        try await self.fixture.harness.control.step()
        try await first.advanceQueued()
        #expect(try await self.transactions(wallet.id) == [.deploy: .mined], "mined is not enough: no approve yet")
        #expect(try await self.store.wallet(id: wallet.id)?.onboarding == .keyCreated)

        // The process dies here; a new one finds the wallet in the queue and carries on.
        let restarted = self.onboarder("restarted")
        #expect(try await self.store.walletsToOnboard(limit: 10).map(\.id) == [wallet.id])
        try await self.fixture.harness.control.step()
        try await restarted.advanceQueued()
        #expect(try await self.transactions(wallet.id) == [.deploy: .confirmed, .approve: .submitted])
        #expect(try await self.store.wallet(id: wallet.id)?.onboarding == .deployed)
        for _ in 0..<3 {
            try await self.fixture.harness.control.step()
            try await restarted.advanceQueued()
        }
        let ready = try #require(try await self.store.wallet(id: wallet.id))
        #expect(ready.onboarding == .ready && ready.apiKey != nil)
        #expect(try await self.transactions(wallet.id) == [.deploy: .confirmed, .approve: .confirmed])
        #expect(try await self.store.walletsToOnboard(limit: 10).isEmpty, "nothing left in the queue")
    }
}
