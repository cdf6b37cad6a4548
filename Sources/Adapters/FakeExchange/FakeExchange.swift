import Ethereum
public import Kernel
import PolymarketProtocol

/// The Exchange port over a ``FakeVenue``. Orders are prepared exactly as for Polymarket's CLOB
/// V2 — price on the tick, amounts by `OrderAmounts`, the V2 order struct signed in the standard
/// or neg-risk exchange domain, the ERC-7739 digest for deposit wallets — and submitted as the
/// real `POST /order` body, which the venue parses and verifies by signature recovery.
public struct FakeExchange: Exchange {
    /// The `owner` sent for accounts without a CLOB API key.
    public static let placeholderOwner = "fake-api-key"

    let venue: FakeVenue

    public func market(tokenID: TokenID) async throws -> MarketInfo {
        try await self.venue.transport(.exchange)
        return try await self.venue.marketInfo(tokenID: tokenID)
    }

    public func orderBook(tokenID: TokenID) async throws -> OrderBook {
        try await self.venue.transport(.exchange)
        return try await self.venue.orderBook(tokenID: tokenID)
    }

    /// Snaps the limit price onto the tick on the safe side (a BUY down, a SELL up, never worse
    /// than asked), floors the size to 0.01 share and signs Polymarket's amounts (spec §5.4): limit
    /// amounts for GTC/GTD, market amounts for FOK/FAK, so a FOK BUY of 10.12 shares at 0.55
    /// spends $5.56 for 10.109 shares. The prepared intent carries the shares the order is sure to
    /// get or gives. Refuses (``VenueError/refused(status:message:)`` naming the CLOB code) a price
    /// outside `[tick, 1 − tick]` or a size below the market's minimum.
    public func prepareOrder(_ intent: OrderIntent, account: TradingAccount, at time: Timestamp) async throws -> PreparedOrder {
        try await self.venue.transport(.exchange)
        let (market, salt) = try await self.venue.preparation(tokenID: intent.tokenID, account: account)
        return try Self.prepare(intent, market: market, salt: salt, account: account, time: time,
                                chainID: self.venue.configuration.chainID)
    }

    public func signedPayload(for prepared: PreparedOrder, signature: [UInt8], account: TradingAccount) throws -> String {
        let unsigned = try UnsignedOrderPayload.decode(prepared.unsignedPayload as? String ?? "")
        let (order, domain, orderType) = try unsigned.order()
        let signed: SignedOrder
        do {
            signed = try order.signed(in: domain, with: try Signature(bytes: signature))
        } catch {
            throw VenueError.refused(status: 400, message: "invalid signature: not made by the order's signer")
        }
        do {
            return try PostOrderRequest(
                order: signed, owner: account.apiKey ?? Self.placeholderOwner, orderType: orderType,
                expiration: unsigned.expiration
            ).body(.pyClobClientV2)
        } catch {
            throw VenueError.refused(status: 400, message: "the order's options do not fit its type: \(error)")
        }
    }

    public func submitOrder(payload: String, orderID: OrderID, account: TradingAccount) async throws -> OrderSnapshot {
        try await self.venue.transport(.exchange)
        let body = try OrderRequestBody.parse(payload)
        return try await self.venue.submit(body, orderID: orderID, account: account)
    }

    public func order(id: OrderID, account: TradingAccount) async throws -> OrderSnapshot? {
        try await self.venue.transport(.exchange)
        return await self.venue.order(id: id, account: account)
    }

    public func cancelOrder(id: OrderID, account: TradingAccount) async throws -> OrderSnapshot? {
        try await self.venue.transport(.exchange)
        return await self.venue.cancel(id: id, account: account)
    }

    /// The funder's collateral less what its resting BUY orders hold.
    public func collateralBalance(account: TradingAccount) async throws -> Collateral {
        try await self.venue.transport(.exchange)
        return await self.venue.availableCollateral(of: account.funderAddress)
    }

    static func prepare(_ intent: OrderIntent, market: FakeMarket, salt: UInt64, account: TradingAccount,
                        time: Timestamp, chainID: UInt64) throws(VenueError) -> PreparedOrder {
        let tick = market.tick
        let step = tick.price.baseUnits
        let limit = intent.limitPrice.baseUnits
        let snapped = intent.side == .buy ? Self.floorDiv(limit, step) * step : -Self.floorDiv(-limit, step) * step
        guard snapped >= step, snapped <= Price.one.baseUnits - step else {
            throw .refused(status: 400, message:
                "INVALID_ORDER_MIN_TICK_SIZE: limit \(intent.limitPrice) has no price on tick \(tick) inside [tick, 1 - tick]")
        }
        let price = Price(baseUnits: snapped)
        let size = Shares(baseUnits: intent.shares.baseUnits / tick.sizeStep * tick.sizeStep)
        let amounts: OrderAmounts
        do {
            amounts = try OrderAmounts.forOrder(intent.type.clob, side: intent.side.clob, price: price.exact,
                                                shares: size.exact, tick: tick)
        } catch {
            throw .refused(status: 400, message:
                "INVALID_ORDER_MIN_SIZE: \(intent.shares) shares at \(price) is too small to express (\(error))")
        }
        // The shares the order is sure to get (BUY) or gives (SELL).
        let shares = Shares(baseUnits: Int64(amounts.shareUnits(side: intent.side.clob)))
        guard shares >= market.minOrderSize else {
            throw .refused(status: 400, message:
                "INVALID_ORDER_MIN_SIZE: \(shares) shares is below the market's minimum of \(market.minOrderSize)")
        }
        guard let tokenID = intent.tokenID.uint256 else {
            throw .refused(status: 400, message: "token \(intent.tokenID) is not a 256-bit id")
        }
        var expiration: UInt64 = 0
        if intent.type == .gtd {
            guard let expiresAt = intent.expiresAt, expiresAt.epochMilliseconds > 0 else {
                throw .refused(status: 400, message: "INVALID_ORDER_EXPIRATION: a GTD order needs an expiry")
            }
            expiration = UInt64(expiresAt.epochMilliseconds / 1000)
        }

        let order: ClobOrder
        do {
            order = try ClobOrder(
                salt: salt, eoa: account.signerAddress.address, funder: account.funderAddress.address,
                signatureType: account.type.clob, tokenID: tokenID, side: intent.side.clob, amounts: amounts,
                timestamp: UInt64(max(time.epochMilliseconds, 0)))
        } catch OrderError.funderIsNotTheEOA {
            throw .refused(status: 400, message: "an EOA account trades from its own address")
        } catch {
            throw .refused(status: 400, message: "INVALID_ORDER_ERROR: the order cannot be expressed: \(error)")
        }
        let domain = OrderDomain.forOrder(tokenID: tokenID, negRisk: market.negRisk, chainID: chainID)
        var normalised = intent
        normalised.limitPrice = price
        normalised.shares = shares
        return PreparedOrder(
            orderID: OrderID(Hex.encode(order.hash(in: domain))),
            digest: order.signingDigest(in: domain),
            intent: normalised,
            makerAmount: Int64(order.makerAmount),
            takerAmount: Int64(order.takerAmount),
            exchangeAddress: WalletAddress(domain.verifyingContract),
            unsignedPayload: UnsignedOrderPayload(
                order: order, domain: domain, orderType: intent.type.clob, expiration: expiration
            ).encoded())
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a - b + 1) / b
    }
}
