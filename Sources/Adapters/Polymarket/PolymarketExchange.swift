import Ethereum
public import Kernel
public import Logging
import PolymarketProtocol
import Synchronization

/// The Exchange port on Polymarket's CLOB V2 and Gamma. Every request goes through one pipeline
/// (rate limiter, auth headers, per-request timeout, error classification); wrap the instance in
/// `BreakerGuardedExchange` so outages open the circuit.
public struct PolymarketExchange: Exchange {
    let http: VenueHTTP
    let markets: MarketCache
    let salt: @Sendable () -> UInt64

    /// - Parameters:
    ///   - transport: `AsyncHTTPClientTransport` in production.
    ///   - credentials: resolves a wallet's L2 credentials (`VaultCredentialProvider`).
    ///   - salt: order salts below 2^53; random by default.
    public init(configuration: PolymarketConfiguration, transport: any HTTPTransport,
                credentials: any CLOBCredentialProvider, clock: any AdapterClock,
                logger: Logger = Logger(label: "mirror.polymarket"),
                salt: @escaping @Sendable () -> UInt64 = PolymarketExchange.randomSalt) {
        self.http = VenueHTTP(
            configuration: configuration, transport: transport,
            limiter: RateLimiter(limits: configuration.rateLimits, clock: clock), clock: clock,
            credentials: credentials, logger: logger)
        self.markets = MarketCache()
        self.salt = salt
    }

    /// 53 random bits, as the unified SDK draws them.
    public static func randomSalt() -> UInt64 {
        var generator = SystemRandomNumberGenerator()
        return ClobOrder.randomSalt(using: &generator)
    }

    /// Creates or derives CLOB API keys (L1) for wallets, signing inside `vault`.
    public func apiKeyIssuer(vault: any KeyVault) -> APIKeyIssuer {
        APIKeyIssuer(http: self.http, vault: vault)
    }

    /// Gamma's listing (slug, outcome, end date, closed/resolved, Protocol-V2 version) joined with
    /// the CLOB's market record (tick, minimum size, neg-risk flag, fees), reused for
    /// `marketCacheLifetime`.
    public func market(tokenID: TokenID) async throws -> MarketInfo {
        let now = self.http.clock.now()
        if let cached = self.markets.fresh(tokenID, now: now) { return cached }
        let gamma = try await self.gammaMarket(tokenID: tokenID)
        let conditionID: String
        if let known = gamma?.conditionID {
            conditionID = known
        } else {
            conditionID = try await self.conditionID(tokenID: tokenID)
        }
        let clob = try await self.clobMarket(conditionID: conditionID)
        guard let tick = clob.tickSize ?? gamma?.tickSize else {
            throw VenueError.malformedResponse("market \(conditionID) lists no minimum tick")
        }
        let protocolV2 = gamma?.isProtocolV2 == true || gamma?.positionIDs.contains(tokenID) == true
            || (tokenID.uint256.map(OrderDomain.isProtocolV2PositionID) ?? false)
        let info = MarketInfo(
            tokenID: tokenID, conditionID: conditionID, slug: gamma?.slug ?? "",
            outcome: gamma?.outcome(of: tokenID) ?? clob.tokens.first { $0.tokenID == tokenID }?.outcome ?? "",
            tickSize: tick, minOrderSize: clob.minOrderSize ?? gamma?.minOrderSize ?? .zero,
            negRisk: clob.negRisk, takerFee: clob.fee,
            acceptingOrders: gamma?.acceptingOrders ?? gamma?.closed.map { !$0 } ?? true,
            resolved: gamma?.resolved, endsAt: gamma?.endsAt, protocolV2: protocolV2, eventID: gamma?.eventSlug)
        self.markets.store(info, expires: now + self.http.configuration.marketCacheLifetime)
        return info
    }
}

/// Market metadata by token, for a short while: prepare, books and fee estimates reuse it.
final class MarketCache: Sendable {
    private let entries = Mutex<[TokenID: (info: MarketInfo, expires: Timestamp)]>([:])

    func fresh(_ tokenID: TokenID, now: Timestamp) -> MarketInfo? {
        self.entries.withLock { entries in
            guard let entry = entries[tokenID], entry.expires > now else { return nil }
            return entry.info
        }
    }

    func store(_ info: MarketInfo, expires: Timestamp) {
        self.entries.withLock { $0[info.tokenID] = (info, expires) }
    }
}

extension TokenID {
    var uint256: UInt256? { try? UInt256(decimal: self.decimal) }
}

