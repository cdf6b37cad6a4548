import Ethereum
public import Kernel
import PolymarketProtocol

extension PolymarketExchange {
    /// GTD expirations must clear now + this; the unified SDK's floor (spec §5.7).
    static let minimumGTDLifetime: Duration = .seconds(180)

    /// Applies the market's rules: the limit price snapped onto the tick on the safe side (a BUY
    /// down, a SELL up), the size floored to 0.01 share, amounts by spec §5.4 — limit amounts for
    /// GTC/GTD, market amounts for FOK/FAK (a BUY spends `shares × price` pUSD floored to cents,
    /// which the CLOB requires of marketable BUYs) — and the exchange picked by the market's
    /// neg-risk flag. Refuses Protocol-V2 markets, which this build does not trade.
    public func prepareOrder(_ intent: OrderIntent, account: TradingAccount, at time: Timestamp) async throws -> PreparedOrder {
        let market = try await self.market(tokenID: intent.tokenID)
        guard !market.protocolV2 else {
            throw VenueError.refused(status: 400, message: "PROTOCOL_V2_UNSUPPORTED: market \(market.conditionID) trades on ExchangeV3")
        }
        guard let tick = TickSize(market.tickSize.exactDecimal) else {
            throw VenueError.malformedResponse("market \(market.conditionID) has an unknown tick \(market.tickSize)")
        }
        let price = try Self.snapped(intent.limitPrice, side: intent.side, tick: market.tickSize)
        let size = Shares(baseUnits: intent.shares.baseUnits / 10_000 * 10_000)
        guard let tokenID = intent.tokenID.uint256 else {
            throw VenueError.refused(status: 400, message: "token \(intent.tokenID) is not a 256-bit id")
        }
        let expiration = try Self.expiration(of: intent, at: time)

        let amounts: OrderAmounts
        do {
            amounts = try OrderAmounts.forOrder(intent.type.clob, side: intent.side.clob, price: price.exactDecimal,
                                                shares: size.exactDecimal, tick: tick)
        } catch {
            throw VenueError.refused(status: 400, message: "INVALID_ORDER_MIN_SIZE: \(intent.shares) shares at \(price) is too small to express (\(error))")
        }
        // The shares the order is sure to get (BUY) or gives (SELL).
        let shares = Shares(baseUnits: Int64(amounts.shareUnits(side: intent.side.clob)))
        guard shares >= market.minOrderSize else {
            throw VenueError.refused(status: 400, message:
                "INVALID_ORDER_MIN_SIZE: \(shares) shares is below the market's minimum of \(market.minOrderSize)")
        }

        // An EOA account trades from its signer's address: parse it once.
        let eoa = account.signerAddress.ethereum
        let funder = account.funderAddress == account.signerAddress ? eoa : account.funderAddress.ethereum
        let order: ClobOrder
        do {
            order = try ClobOrder(
                salt: self.salt() % ClobOrder.saltLimit, eoa: eoa,
                funder: funder, signatureType: account.type.clob, tokenID: tokenID,
                side: intent.side.clob, amounts: amounts, timestamp: UInt64(max(time.epochMilliseconds, 0)),
                metadata: self.http.configuration.orderMetadata ?? ClobOrder.zeroBytes32,
                builder: self.http.configuration.builderCode ?? ClobOrder.zeroBytes32)
        } catch OrderError.funderIsNotTheEOA {
            throw VenueError.refused(status: 400, message: "an EOA account trades from its own address")
        } catch {
            throw VenueError.refused(status: 400, message: "INVALID_ORDER_ERROR: the order cannot be expressed: \(error)")
        }
        let domain = OrderDomain.exchangeV2(negRisk: market.negRisk, chainID: self.http.configuration.chainID)
        let hashed = HashedOrder(order, in: domain)
        var normalised = intent
        normalised.limitPrice = price
        normalised.shares = shares
        return PreparedOrder(
            orderID: OrderID(Hex.encode(hashed.hash)), digest: hashed.signingDigest,
            intent: normalised, makerAmount: Int64(order.makerAmount), takerAmount: Int64(order.takerAmount),
            exchangeAddress: WalletAddress(domain.verifyingContract),
            unsignedPayload: UnsignedOrder(hashed: hashed, orderType: intent.type.clob, expiration: expiration))
    }

    /// The `POST /order` body (py-clob-client-v2 layout) for the prepared order and the signer's
    /// signature over its digest; `owner` is the account's API key. The signature must recover
    /// to the account's signer (the EOA, which for a deposit wallet is not in the order itself).
    public func signedPayload(for prepared: PreparedOrder, signature: [UInt8], account: TradingAccount) throws -> String {
        guard let apiKey = account.apiKey else {
            throw VenueError.refused(status: 401, message: "wallet \(account.walletID) has no CLOB API key")
        }
        guard let unsigned = prepared.unsignedPayload as? UnsignedOrder, unsigned.hashed.digestHex == prepared.orderID.rawValue else {
            throw VenueError.refused(status: 400, message: "not a prepared Polymarket order")
        }
        let signed: SignedOrder
        do {
            signed = try unsigned.hashed.signed(with: try Signature(bytes: signature), owner: account.signerAddress.ethereum)
        } catch {
            throw VenueError.refused(status: 400, message: "invalid signature: not made by the order's signer")
        }
        do {
            return try PostOrderRequest(order: signed, owner: apiKey, orderType: unsigned.orderType,
                                        expiration: unsigned.expiration).body(.pyClobClientV2)
        } catch {
            throw VenueError.refused(status: 400, message: "the order's options do not fit its type: \(error)")
        }
    }

    /// The price on the tick grid, never worse than `limit`, inside `[tick, 1 − tick]`.
    static func snapped(_ limit: Price, side: Side, tick: Price) throws(VenueError) -> Price {
        let step = tick.baseUnits
        let down = limit.baseUnits >= 0 ? limit.baseUnits / step * step : -((-limit.baseUnits + step - 1) / step * step)
        let snapped = side == .buy || down == limit.baseUnits ? down : down + step
        guard snapped >= step, snapped <= Price.one.baseUnits - step else {
            throw .refused(status: 400, message:
                "INVALID_ORDER_MIN_TICK_SIZE: limit \(limit) has no price on tick \(tick) inside [tick, 1 - tick]")
        }
        return Price(baseUnits: snapped)
    }

    static func expiration(of intent: OrderIntent, at time: Timestamp) throws(VenueError) -> UInt64 {
        guard intent.type == .gtd else { return 0 }
        guard let expiresAt = intent.expiresAt, expiresAt >= time + Self.minimumGTDLifetime else {
            throw .refused(status: 400, message: "INVALID_ORDER_EXPIRATION: a GTD order must live at least 180 s")
        }
        return UInt64(expiresAt.epochMilliseconds / 1_000)
    }
}

/// The hashed struct and the unsigned body options, carried in `PreparedOrder.unsignedPayload`
/// from prepare to `signedPayload` as a value: nothing is encoded, parsed or hashed again.
struct UnsignedOrder: Sendable {
    var hashed: HashedOrder
    var orderType: ClobOrderType
    var expiration: UInt64
}

extension HashedOrder {
    /// The order id as the port spells it (`0x` + lowercase hex of the hash).
    var digestHex: String { Hex.encode(self.hash) }
}
