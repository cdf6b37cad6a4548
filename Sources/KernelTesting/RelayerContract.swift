import Ethereum
import Kernel
import Testing

extension VenueContract where Port == RelayerPort {
    static var destination: WalletAddress { WalletAddress.fixture(0x5_0001) }

    /// Prepares and signs `request` for `trader`; returns the payload to submit.
    static func signed(_ request: RelayerRequest, by trader: Trader, on harness: VenueHarness) async throws -> String {
        let prepared = try await harness.relayer.prepare(request, account: trader.account)
        #expect(prepared.digest.count == 32 && prepared.request == request)
        return try harness.relayer.signedPayload(
            for: prepared, signature: try trader.key.signatureBytes(over: prepared.digest), account: trader.account)
    }

    public static var cases: [RelayerContract] { [
        .init("a withdrawal moves through its states to CONFIRMED and moves the collateral once") { harness async throws in
            let trader = try await Venue.trader(1, funds: .dollars(20), on: harness)
            let payload = try await Self.signed(.withdraw(amount: .dollars(5), to: Self.destination), by: trader,
                                                on: harness)
            let submission = try await harness.relayer.submit(payload: payload, account: trader.account)
            #expect(submission.status != nil && submission.status != .failed)
            let states = try await Venue.settle(submission.reference, on: harness)
            #expect(states.last?.status == .confirmed)
            #expect(states.statusesAdvance, "\(states.map(\.state))")
            #expect(states.last?.transactionHash != nil)
            #expect(try await harness.control.collateral(of: trader.account.funderAddress) == .dollars(15))
            #expect(try await harness.control.collateral(of: Self.destination) == .dollars(5))
        },
        .init("resubmitting the same payload is the same transaction") { harness async throws in
            let trader = try await Venue.trader(1, funds: .dollars(20), on: harness)
            let payload = try await Self.signed(.withdraw(amount: .dollars(5), to: Self.destination), by: trader,
                                                on: harness)
            let first = try await harness.relayer.submit(payload: payload, account: trader.account)
            let second = try await harness.relayer.submit(payload: payload, account: trader.account)
            #expect(second.reference == first.reference)
            _ = try await Venue.settle(first.reference, on: harness)
            let third = try await harness.relayer.submit(payload: payload, account: trader.account)
            #expect(third.reference == first.reference && third.status == .confirmed)
            #expect(try await harness.control.collateral(of: trader.account.funderAddress) == .dollars(15))
        },
        .init("an injected on-chain failure ends FAILED and moves nothing") { harness async throws in
            let trader = try await Venue.trader(1, funds: .dollars(20), on: harness)
            let payload = try await Self.signed(.withdraw(amount: .dollars(5), to: Self.destination), by: trader,
                                                on: harness)
            try await harness.control.inject(.relayerTransactionFails, times: 1)
            let submission = try await harness.relayer.submit(payload: payload, account: trader.account)
            let states = try await Venue.settle(submission.reference, on: harness)
            #expect(states.last?.status == .failed)
            #expect(try await harness.control.collateral(of: trader.account.funderAddress) == .dollars(20))
            #expect(try await harness.control.collateral(of: Self.destination) == .zero)
        },
        .init("a transaction signed by another key is refused") { harness async throws in
            let trader = try await Venue.trader(1, funds: .dollars(20), on: harness)
            let prepared = try await harness.relayer.prepare(.withdraw(amount: .dollars(5), to: Self.destination),
                                                             account: trader.account)
            let forged = try PrivateKey.testKey(99).signatureBytes(over: prepared.digest)
            await #expect(throws: (any Error).self) {
                let payload = try harness.relayer.signedPayload(for: prepared, signature: forged, account: trader.account)
                _ = try await harness.relayer.submit(payload: payload, account: trader.account)
            }
            try await harness.control.step()
            #expect(try await harness.control.collateral(of: trader.account.funderAddress) == .dollars(20))
        },
        .init("redeeming a resolved market pays 1 per winning share and clears its positions") { harness async throws in
            let (market, yes) = try await Venue.market("redeem", on: harness)
            let no = try #require(market.tokenIDs.last)
            let trader = try await Venue.trader(1, funds: .zero, on: harness)
            try await harness.control.grant(.whole(10), of: yes, to: trader.account.funderAddress)
            try await harness.control.grant(.whole(4), of: no, to: trader.account.funderAddress)
            try await harness.control.resolve(conditionID: market.conditionID, winningToken: yes)
            let payload = try await Self.signed(
                .redeem(conditionID: market.conditionID, negRisk: false, shares: [yes: .whole(10), no: .whole(4)]),
                by: trader, on: harness)
            let submission = try await harness.relayer.submit(payload: payload, account: trader.account)
            #expect(try await Venue.settle(submission.reference, on: harness).last?.status == .confirmed)
            #expect(try await harness.control.collateral(of: trader.account.funderAddress) == .dollars(10))
            #expect(try await harness.control.shares(of: trader.account.funderAddress, tokenID: yes) == .zero)
            #expect(try await harness.control.shares(of: trader.account.funderAddress, tokenID: no) == .zero)
        },
        .init("redeeming an unresolved market fails and keeps the shares") { harness async throws in
            let (market, yes) = try await Venue.market("redeem-early", on: harness)
            let trader = try await Venue.trader(1, funds: .zero, on: harness)
            try await harness.control.grant(.whole(10), of: yes, to: trader.account.funderAddress)
            let payload = try await Self.signed(
                .redeem(conditionID: market.conditionID, negRisk: false, shares: [yes: .whole(10)]), by: trader,
                on: harness)
            let submission = try await harness.relayer.submit(payload: payload, account: trader.account)
            #expect(try await Venue.settle(submission.reference, on: harness).last?.status == .failed)
            #expect(try await harness.control.shares(of: trader.account.funderAddress, tokenID: yes) == .whole(10))
        },
        .init("deploy and approve are transactions like any other") { harness async throws in
            let trader = try await Venue.trader(1, funds: .zero, on: harness)
            for request in [RelayerRequest.deploy, .approve] {
                let payload = try await Self.signed(request, by: trader, on: harness)
                let submission = try await harness.relayer.submit(payload: payload, account: trader.account)
                #expect(try await Venue.settle(submission.reference, on: harness).last?.status == .confirmed)
            }
        },
        .init("the state of an unknown transaction is an error, not a guess") { harness async throws in
            await #expect(throws: (any Error).self) {
                _ = try await harness.relayer.state(reference: "00000000-0000-0000-0000-000000000000")
            }
        },
    ] }
}
