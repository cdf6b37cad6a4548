import Ethereum
import Kernel
import Testing

/// Helpers the venue contracts share: traders with test keys, markets, and the full
/// prepare → sign → payload → submit round.
struct Trader: Sendable {
    let key: PrivateKey
    let account: TradingAccount

    /// Signs `prepared` and returns the body to submit.
    func payload(for prepared: PreparedOrder, on harness: VenueHarness) throws -> String {
        try harness.exchange.signedPayload(
            for: prepared, signature: try self.key.signatureBytes(over: prepared.digest), account: self.account)
    }
}

enum Venue {
    static let cent = Price(baseUnits: 10_000)
    /// Polymarket's CTF Exchange V2 and Neg Risk CTF Exchange V2 (spec §2.1).
    static let standardExchange = address("0xe111180000d2663c0091e4f400237545b87b996b")
    static let negRiskExchange = address("0xe2222d279d744050d28e00520010520000310f59")
    /// A 2% taker fee, exponent 1.
    static let fee = FeeSchedule(rate: Ratio(baseUnits: 20_000), exponent: 1)

    static func address(_ text: String) -> WalletAddress {
        do { return try WalletAddress(text) } catch { preconditionFailure("\(text): \(error)") }
    }

    static func price(_ text: String) -> Price {
        do { return try Price(decimal: text) } catch { preconditionFailure("\(text): \(error)") }
    }

    static func shares(_ text: String) -> Shares {
        do { return try Shares(decimal: text) } catch { preconditionFailure("\(text): \(error)") }
    }

    static func dollars(_ text: String) -> Collateral {
        do { return try Collateral(decimal: text) } catch { preconditionFailure("\(text): \(error)") }
    }

    static func level(_ price: String, _ size: String) -> BookLevel {
        BookLevel(price: Self.price(price), size: Self.shares(size))
    }

    /// A trader with test key `n`, a wallet of `type`, and `funds` deposited.
    static func trader(_ n: Int, type: WalletType = .depositWallet, funds: Collateral = .dollars(100),
                       on harness: VenueHarness) async throws -> Trader {
        let key = PrivateKey.testKey(n)
        let account = try await harness.account(for: key, type: type)
        if funds.baseUnits > 0 { try await harness.control.fund(wallet: account.funderAddress, amount: funds) }
        return Trader(key: key, account: account)
    }

    /// A new market named `slug`, its first outcome's book set to `bids` and `asks`.
    static func market(_ slug: String, tick: Price = cent, minimum: Shares = .whole(5), negRisk: Bool = false,
                       fee: FeeSchedule = .free, bids: [BookLevel] = [], asks: [BookLevel] = [],
                       on harness: VenueHarness) async throws -> (market: VenueMarket, token: TokenID) {
        let market = try await harness.control.createMarket(VenueMarketSpec(
            slug: slug, tickSize: tick, minOrderSize: minimum, negRisk: negRisk, takerFee: fee))
        let token = try #require(market.tokenIDs.first)
        try await harness.control.setBook(OrderBook(tokenID: token, bids: bids, asks: asks, tickSize: tick,
                                                    minOrderSize: minimum))
        return (market, token)
    }

    static func intent(_ token: TokenID, _ side: Side, _ type: OrderType, limit: String, shares: String,
                       expiresAt: Timestamp? = nil) -> OrderIntent {
        OrderIntent(tokenID: token, side: side, type: type, limitPrice: Self.price(limit), shares: Self.shares(shares),
                    expiresAt: expiresAt)
    }

    /// Prepares, signs and submits `intent` for `trader`.
    static func place(_ intent: OrderIntent, by trader: Trader, on harness: VenueHarness) async throws
        -> (prepared: PreparedOrder, payload: String, snapshot: OrderSnapshot)
    {
        let prepared = try await harness.exchange.prepareOrder(intent, account: trader.account, at: harness.clock.now())
        let payload = try trader.payload(for: prepared, on: harness)
        let snapshot = try await harness.exchange.submitOrder(
            payload: payload, orderID: prepared.orderID, account: trader.account)
        return (prepared, payload, snapshot)
    }

    /// The rejection code of a snapshot, if it is a rejection.
    static func rejectionCode(_ snapshot: OrderSnapshot) -> String? {
        if case .rejected(let code, _) = snapshot.state { return code }
        return nil
    }

    /// Steps the venue until the transaction is final (at most `limit` steps); returns every
    /// state seen, the last one final.
    static func settle(_ reference: String, on harness: VenueHarness, limit: Int = 10) async throws
        -> [RelayerSubmission]
    {
        var seen: [RelayerSubmission] = []
        for _ in 0...limit {
            let submission = try await harness.relayer.state(reference: reference)
            seen.append(submission)
            if submission.status == .confirmed || submission.status == .failed { return seen }
            try await harness.control.step()
        }
        Issue.record("relayer transaction \(reference) was not final after \(limit) steps: \(seen)")
        return seen
    }
}

extension Array where Element == RelayerSubmission {
    /// Whether the states never go backwards (SUBMITTED → MINED → CONFIRMED).
    var statusesAdvance: Bool {
        let ranks = self.compactMap(\.status).map { status -> Int in
            switch status {
            case .pending: 0
            case .submitted: 1
            case .mined: 2
            case .confirmed, .failed: 3
            }
        }
        return ranks.count == self.count && zip(ranks, ranks.dropFirst()).allSatisfy { $0 <= $1 }
    }
}
