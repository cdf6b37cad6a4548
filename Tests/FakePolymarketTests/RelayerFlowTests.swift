import AsyncHTTPClient
import Ethereum
import FakeExchangeAdapter
import Foundation
import FakePolymarket
import FakePolymarketTesting
import Kernel
import KernelTesting
import PolymarketAdapter
import PolymarketProtocol
import Testing

/// The real `PolymarketRelayer` against the facade's relayer routes: every wallet type the
/// adapter relays for, the calls it makes, and what Polymarket refuses.
@Suite(.timeLimit(.minutes(2))) struct RelayerFlowTests {
    static let destination = WalletAddress.fixture(0x5_0001)

    @Test(arguments: [WalletType.safe, .proxy, .depositWallet])
    func redeemsAndAWithdrawalReachConfirmedAndMoveTheBalances(type: WalletType) async throws {
        try await FakePolymarketHarness.run { harness in
            let trader = RelayerTrader(key: .testKey(1), type: type)
            if type != .proxy {
                #expect(try await harness.settle(try await harness.relay(.deploy, for: trader)).last == "STATE_CONFIRMED")
                await #expect(throws: VenueError.self, "a second deployment is refused before signing") {
                    _ = try await harness.relayer.prepare(.deploy, account: trader.account)
                }
            }
            for negRisk in [false, true] {
                let (market, yes) = try await harness.resolvedMarket("redeem-\(type)-\(negRisk)", negRisk: negRisk,
                                                                     yes: .whole(10), no: .whole(4), to: trader)
                let request = RelayerRequest.redeem(conditionID: market.conditionID, negRisk: negRisk, shares: [:])
                let states = try await harness.settle(try await harness.relay(request, for: trader))
                #expect(states == ["STATE_NEW", "STATE_MINED", "STATE_CONFIRMED"])
                #expect(await harness.venue.shares(of: trader.funder, tokenID: yes) == .zero)
                #expect(await harness.venue.shares(of: trader.funder, tokenID: market.tokenIDs[1]) == .zero)
            }
            #expect(await harness.venue.collateral(of: trader.funder) == .dollars(20), "10 winning shares, twice")

            let withdrawal = try await harness.relay(.withdraw(amount: .dollars(5), to: Self.destination), for: trader)
            #expect(try await harness.settle(withdrawal).last == "STATE_CONFIRMED")
            #expect(try await harness.relayer.state(reference: withdrawal.reference).transactionHash != nil)
            #expect(await harness.venue.collateral(of: trader.funder) == .dollars(15))
            #expect(await harness.venue.collateral(of: Self.destination) == .dollars(5))
            #expect(await harness.venue.isDeployed(trader.funder), "deployed, or by its first transaction (proxy)")
        }
    }

    @Test func aRedeemSentToConditionalTokensConfirmsAndPaysNothing() async throws {
        try await FakePolymarketHarness.run { harness in
            let trader = RelayerTrader(key: .testKey(2), type: .safe)
            let (market, yes) = try await harness.resolvedMarket("wrong-contract", yes: .whole(10), no: .zero, to: trader)
            // The spec's trap (§11.8): CTF itself with pUSD as collateral names positions nobody holds.
            let arguments = try ABI.encode([
                .address(Contracts.pUSD), .bytes32([UInt8](repeating: 0, count: 32)),
                .bytes32(try Hex.decode(market.conditionID)), .array([.uint256(UInt256(1)), .uint256(UInt256(2))]),
            ])
            let call = RelayerCall(to: Contracts.conditionalTokens,
                                   data: ABI.selector("redeemPositions(address,bytes32,bytes32,uint256[])") + arguments)
            let body = try await trader.safeBody([call], nonce: 0)
            let submission = try await harness.relayer.submit(payload: body, account: trader.account)
            #expect(try await harness.settle(submission).last == "STATE_CONFIRMED")
            #expect(await harness.venue.collateral(of: trader.funder) == .zero)
            #expect(await harness.venue.shares(of: trader.funder, tokenID: yes) == .whole(10))
        }
    }

    @Test func aTamperedSignatureIsRefusedAndMovesNothing() async throws {
        try await FakePolymarketHarness.run { harness in
            let trader = RelayerTrader(key: .testKey(3), type: .depositWallet)
            await harness.venue.fund(wallet: trader.funder, amount: .dollars(20))
            let payload = try await harness.signedPayload(.withdraw(amount: .dollars(5), to: Self.destination), for: trader)
            // Past the adapter's own check: another key's signature over the same batch.
            let batch = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
            let signature = try #require(batch["signature"] as? String)
            let forged = payload.replacingOccurrences(
                of: signature, with: try PrivateKey.testKey(99).sign(digest: Keccak256.hash(Array(payload.utf8))).hex)
            let error = await #expect(throws: VenueError.self) {
                _ = try await harness.relayer.submit(payload: forged, account: trader.account)
            }
            #expect(error == .refused(status: 400, message: "invalid signature"))
            #expect(await harness.venue.relayerNonce(of: trader.funder) == 0)
            #expect(await harness.venue.collateral(of: trader.funder) == .dollars(20))
        }
    }

    @Test func aNonceOutOfTurnOrReusedIsRefusedAndTheSameBodyIsTheSameTransaction() async throws {
        try await FakePolymarketHarness.run { harness in
            let trader = RelayerTrader(key: .testKey(4), type: .safe)
            await harness.venue.fund(wallet: trader.funder, amount: .dollars(20))
            let transfer = { (dollars: Int64) in
                RelayerCall.erc20Transfer(to: Self.destination.relayerTestAddress, amount: UInt256(UInt64(dollars * 1_000_000)))
            }
            let ahead = try await trader.safeBody([transfer(1)], nonce: 3)
            let error = await #expect(throws: VenueError.self) {
                _ = try await harness.relayer.submit(payload: ahead, account: trader.account)
            }
            #expect(error == .refused(status: 400, message: "batch nonce 3 does not match on-chain nonce 0"))

            let first = try await trader.safeBody([transfer(1)], nonce: 0)
            let accepted = try await harness.relayer.submit(payload: first, account: trader.account)
            let again = try await harness.relayer.submit(payload: first, account: trader.account)
            #expect(again.reference == accepted.reference)

            let reused = try await trader.safeBody([transfer(2)], nonce: 0)
            await #expect(throws: VenueError.self) {
                _ = try await harness.relayer.submit(payload: reused, account: trader.account)
            }
            #expect(try await harness.settle(accepted).last == "STATE_CONFIRMED")
            #expect(try await harness.relayer.submit(payload: first, account: trader.account).reference == accepted.reference)
            #expect(await harness.venue.collateral(of: Self.destination) == .dollars(1), "one transaction, once")
        }
    }

    @Test func anInjectedFailureOrAShortBalanceEndsFailedWithoutEffect() async throws {
        try await FakePolymarketHarness.run { harness in
            let trader = RelayerTrader(key: .testKey(5), type: .proxy)
            await harness.venue.fund(wallet: trader.funder, amount: .dollars(20))
            await harness.venue.inject(.relayerTransactionFails, times: 1)
            let failing = try await harness.relay(.withdraw(amount: .dollars(5), to: Self.destination), for: trader)
            #expect(try await harness.settle(failing) == ["STATE_NEW", "STATE_FAILED"])

            let tooMuch = try await harness.relay(.withdraw(amount: .dollars(21), to: Self.destination), for: trader)
            #expect(try await harness.settle(tooMuch).last == "STATE_FAILED")
            #expect(await harness.venue.collateral(of: trader.funder) == .dollars(20))
            #expect(await harness.venue.collateral(of: Self.destination) == .zero)
        }
    }

    @Test func authenticationIsCheckedOverTheExactBodyAndTime() async throws {
        try await FakePolymarketHarness.run { harness in
            let trader = RelayerTrader(key: .testKey(6), type: .safe)
            await harness.venue.fund(wallet: trader.funder, amount: .dollars(20))
            let payload = try await harness.signedPayload(.withdraw(amount: .dollars(1), to: Self.destination), for: trader)

            let stranger = try APICredentials(apiKey: FakeRelayerSettings.testBuilderCredentials.apiKey,
                                              secret: "c29tZW9uZSBlbHNl", passphrase: "fake-builder-passphrase")
            let refusal = await #expect(throws: VenueError.self) {
                _ = try await harness.relayer(.builder(stranger)).submit(payload: payload, account: trader.account)
            }
            #expect(refusal == .refused(status: 401, message: "invalid authorization"))

            let stale = LaggingAdapterClock(clock: harness.clock, lag: .seconds(31))
            await #expect(throws: VenueError.refused(status: 401, message: "invalid authorization")) {
                _ = try await harness.relayer(FakePolymarketHarness.relayerAuthentication, clock: stale)
                    .submit(payload: payload, account: trader.account)
            }

            let keyed = harness.relayer(.relayerKey(apiKey: FakeRelayerSettings.testRelayerAPIKey,
                                                    address: FakeRelayerSettings.testRelayerAPIKeyAddress))
            #expect(try await keyed.submit(payload: payload, account: trader.account).state == "STATE_NEW")
        }
    }

    @Test func transportFaultsAndBadBodiesAnswerAsPolymarketWould() async throws {
        try await FakePolymarketHarness.run { harness in
            let trader = RelayerTrader(key: .testKey(7), type: .depositWallet)
            await harness.venue.inject(.transport(.relayer, .serverError(status: 503)), times: 1)
            await harness.venue.inject(.transport(.relayer, .rateLimited(retryAfter: .seconds(2))), times: 1)
            await #expect(throws: VenueError.self) { _ = try await harness.relayer.state(reference: "x") }
            let limited = await #expect(throws: VenueError.self) { _ = try await harness.relayer.state(reference: "x") }
            #expect(limited == .rateLimited(retryAfter: .seconds(2)))
            harness.clock.advance(by: .seconds(2))  // the adapter holds relayer calls until Retry-After

            for body in ["not json", #"{"type":"SAFE","from":"0x1"}"#, #"{"type":"MAGIC","from":"0x0000000000000000000000000000000000000001"}"#] {
                let error = await #expect(throws: VenueError.self) {
                    _ = try await harness.relayer.submit(payload: body, account: trader.account)
                }
                guard case .refused(400, _) = error else {
                    Issue.record("\(body) was answered \(String(describing: error))")
                    continue
                }
            }
            await #expect(throws: VenueError.refused(status: 404, message: "the relayer knows no transaction nope")) {
                _ = try await harness.relayer.state(reference: "nope")
            }
        }
    }
}

/// A key and its wallet of one type, the funder derived as Polymarket derives it. Relayer calls
/// need no CLOB key, so the account is built directly.
struct RelayerTrader {
    let key: PrivateKey
    let type: WalletType

    var owner: Address { self.key.address }

    var funder: WalletAddress {
        let derivation = WalletDerivation.polygon
        let wallet = switch self.type {
        case .eoa: self.owner
        case .proxy: derivation.proxyWallet(owner: self.owner)
        case .safe: derivation.safe(owner: self.owner)
        case .depositWallet: derivation.depositWallet(owner: self.owner, shape: .beacon)
        }
        return WalletAddress.relayerTest(wallet)
    }

    var account: TradingAccount {
        TradingAccount(walletID: WalletID("relayer-\(self.funder.lowercased)"), type: self.type,
                       signerAddress: .relayerTest(self.owner), funderAddress: self.funder, apiKey: nil)
    }

    /// A SAFE `POST /submit` body for `calls`, signed here rather than through the adapter.
    func safeBody(_ calls: [RelayerCall], nonce: UInt64) async throws -> String {
        try await SafeTransaction(owner: self.owner, calls: calls, nonce: UInt256(nonce)).signed(by: self.key)
            .submission.body
    }
}

/// The adapter's clock some way behind the venue's.
struct LaggingAdapterClock: AdapterClock {
    let clock: ManualWallClock
    let lag: Duration

    func now() -> Timestamp { self.clock.now() - self.lag }
    func sleep(until deadline: Timestamp) async throws {
        try await ManualAdapterClock(self.clock).sleep(until: deadline + self.lag)
    }
}

extension FakePolymarketHarness {
    /// Another relayer port on the same facade, with other credentials or another clock.
    func relayer(_ authentication: RelayerAuthentication, clock: (any AdapterClock)? = nil) -> PolymarketRelayer {
        PolymarketRelayer(configuration: self.configuration, transport: AsyncHTTPClientTransport(client: .shared),
                          authentication: authentication, clock: clock ?? ManualAdapterClock(self.clock))
    }

    /// Prepared by the adapter (nonce from the facade), signed with the trader's key.
    func signedPayload(_ request: RelayerRequest, for trader: RelayerTrader) async throws -> String {
        let prepared = try await self.relayer.prepare(request, account: trader.account)
        return try self.relayer.signedPayload(
            for: prepared, signature: try trader.key.signatureBytes(over: prepared.digest), account: trader.account)
    }

    func relay(_ request: RelayerRequest, for trader: RelayerTrader) async throws -> Kernel.RelayerSubmission {
        try await self.relayer.submit(payload: try await self.signedPayload(request, for: trader), account: trader.account)
    }

    /// Every state the transaction shows, stepping the venue between reads until it is final.
    func settle(_ submission: Kernel.RelayerSubmission) async throws -> [String] {
        var states = [submission.state]
        for _ in 0..<5 where !["STATE_CONFIRMED", "STATE_FAILED"].contains(states.last) {
            await self.venue.step()
            states.append(try await self.relayer.state(reference: submission.reference).state)
        }
        return states
    }

    /// A market resolved to Yes, with `yes` and `no` shares in the trader's wallet.
    func resolvedMarket(_ slug: String, negRisk: Bool = false, yes: Shares, no: Shares,
                        to trader: RelayerTrader) async throws -> (FakeMarket, TokenID) {
        let market = try await self.venue.listMarket(FakeMarketSpec(slug: slug, negRisk: negRisk))
        let (yesToken, noToken) = (market.tokenIDs[0], market.tokenIDs[1])
        if yes > .zero { try await self.venue.grant(yes, of: yesToken, to: trader.funder) }
        if no > .zero { try await self.venue.grant(no, of: noToken, to: trader.funder) }
        try await self.venue.resolve(conditionID: market.conditionID, winningToken: yesToken)
        return (market, yesToken)
    }
}

extension WalletAddress {
    static func relayerTest(_ address: Address) -> WalletAddress {
        do { return try WalletAddress(address.lowercased) } catch { preconditionFailure("\(address) is an address") }
    }

    var relayerTestAddress: Address {
        do { return try Address(hex: self.lowercased) } catch { preconditionFailure("\(self) is an address") }
    }
}
