import Ethereum
public import Kernel
import PolymarketProtocol

/// An accepted order as the CLOB's `/data/order` describes it: the signed terms and how far it got.
public struct WireOrder: Hashable, Sendable {
    public var id: OrderID
    /// The funder whose money moves (the order's `maker`).
    public var maker: WalletAddress
    public var tokenID: TokenID
    public var conditionID: String
    public var outcome: String
    public var side: Side
    public var type: Kernel.OrderType
    public var price: Price
    public var originalSize: Shares
    public var snapshot: OrderSnapshot
    /// GTD orders only.
    public var expiresAt: Timestamp?
}

/// One match of a taker order: against a resting order (`makerOrderID`) or the market's own
/// liquidity (nil), at the maker's price, with the taker fee it cost.
public struct WireMatch: Hashable, Sendable {
    public var price: Price
    public var size: Shares
    public var makerOrderID: OrderID?
    public var fee: Collateral
}

/// What became of a `POST /order` body.
public struct WireSubmission: Hashable, Sendable {
    /// The verdict: a rejection, a kill, or the order's state after matching.
    public var snapshot: OrderSnapshot
    /// The order as stored, when the venue took it (also for a resubmission of a known hash).
    public var order: WireOrder?
    /// The order's address fields as signed.
    public var maker: WalletAddress?
    public var signer: WalletAddress?
    /// The matches this submission made as taker (none for a resubmission).
    public var matches: [WireMatch]
    /// The order was carried out, but an injected fault says its answer must never arrive.
    public var responseLost: Bool
}

/// The wire-level face of the venue for the Polymarket-compatible server: the same verification
/// and matching as the in-process ports, reached with Polymarket's own bodies instead of
/// trading accounts. Nothing here trusts the caller: an order's funder must derive from its
/// signer (or have been registered), exactly as the CLOB would check.
extension FakeVenue {
    /// The market that lists `tokenID`.
    public func market(tokenID: TokenID) throws -> FakeMarket {
        try self.state.market(of: tokenID)
    }

    /// The book as clients see it: the market's liquidity plus resting orders.
    public func book(tokenID: TokenID) throws -> OrderBook {
        try self.state.book(tokenID: tokenID)
    }

    /// Uses up one occasion of a transport fault for `service`, if one is in force, so the server
    /// can show it in HTTP terms.
    public func takeFault(for service: FakeService) -> FakeTransportFault? {
        self.takeTransportFault(service)
    }

    /// Verifies a `POST /order` body as the CLOB does — the hash in its market's exchange domain,
    /// the signature by recovery for its signature type, the signer's control of the maker — and
    /// places it. Its `orderID` is the recomputed hash, whatever the client believes.
    public func submit(wireBody body: String) -> WireSubmission {
        let parsed: OrderRequestBody
        do {
            parsed = try OrderRequestBody.parse(body)
        } catch {
            let message = if case .refused(_, let text) = error { text } else { "invalid order payload" }
            return WireSubmission(snapshot: OrderSnapshot(orderID: OrderID(""), state: .rejected(
                code: "INVALID_ORDER_ERROR", message: message)), matches: [], responseLost: false)
        }
        let order = parsed.order
        let chainID = self.configuration.chainID
        let tokenID = try? TokenID(order.tokenID.decimalString)
        let market = tokenID.flatMap { try? self.state.market(of: $0) }
        let domain = OrderDomain.forOrder(tokenID: order.tokenID, negRisk: market?.negRisk ?? false, chainID: chainID)
        let id = OrderID(Hex.encode(order.hash(in: domain)))
        var submission = WireSubmission(
            snapshot: OrderSnapshot(orderID: id, state: .live), maker: WalletAddress(order.maker),
            signer: WalletAddress(order.signer), matches: [], responseLost: false)

        let known = self.state.orders[id] != nil
        switch self.state.verify(parsed, claimedID: id, account: nil, chainID: chainID) {
        case .rejected(var rejection):
            if let market, Self.signedForOtherExchange(parsed, negRisk: market.negRisk, chainID: chainID) {
                let other = OrderDomain.forOrder(tokenID: order.tokenID, negRisk: !market.negRisk, chainID: chainID)
                rejection.state = .rejected(code: "INVALID_ORDER_ERROR", message:
                    "invalid signature: the order was signed for exchange \(other.verifyingContract.checksummed); "
                        + "this market trades on \(domain.verifyingContract.checksummed)")
            }
            submission.snapshot = rejection
        case .accepted(let incoming):
            let planned = known ? [] : self.plannedMatches(of: incoming)
            submission.snapshot = self.state.place(incoming, now: self.wallClock.now())
            if !known, let market, submission.snapshot.filledShares.baseUnits > 0,
               planned.reduce(Shares.zero, { $0 + $1.size }) == submission.snapshot.filledShares {
                submission.matches = planned.map { match in
                    WireMatch(price: match.price, size: match.size, makerOrderID: match.maker,
                              fee: market.takerFee.takerFee(shares: match.size, price: match.price))
                }
            }
            submission.order = self.wireOrder(id: id)
            submission.responseLost = self.faults.consume(.orderResponseLost)
        }
        return submission
    }

    /// An accepted order by hash; nil for a hash the venue never took.
    public func wireOrder(id: OrderID) -> WireOrder? {
        self.state.expireOrders(now: self.wallClock.now())
        guard let record = self.state.orders[id], let market = try? self.state.market(of: record.tokenID) else {
            return nil
        }
        return WireOrder(
            id: record.id, maker: record.funder, tokenID: record.tokenID, conditionID: market.conditionID,
            outcome: market.outcome(of: record.tokenID), side: record.side, type: record.type, price: record.price,
            originalSize: record.shares, snapshot: record.snapshot, expiresAt: record.expiresAt)
    }

    /// Takes a live order off the book; returns it as it ended, nil for an unknown hash.
    public func cancel(wireOrderID id: OrderID) -> WireOrder? {
        guard let record = self.state.orders[id] else { return nil }
        _ = self.state.cancel(id, funder: record.funder, now: self.wallClock.now())
        return self.wireOrder(id: id)
    }

    /// Every fill of `leader` at or after `since`, oldest first, with occurrence numbers.
    public func leaderFills(of leader: WalletAddress, since: Timestamp) -> [ObservedFill] {
        self.state.fills(of: leader, since: since)
    }

    /// The wallet's open and redeemable positions.
    public func walletPositions(of wallet: WalletAddress) -> [WalletPosition] {
        self.state.positions(of: wallet)
    }

    /// Collateral not held by resting BUY orders: what the CLOB reports as the balance.
    public func spendableCollateral(of wallet: WalletAddress) -> Collateral {
        self.state.availableCollateral(of: wallet)
    }

    /// What the order would match now, at the limit `place` will give it.
    private func plannedMatches(of incoming: IncomingOrder) -> [PlannedMatch] {
        self.state.expireOrders(now: self.wallClock.now())
        guard let market = try? self.state.market(of: incoming.tokenID) else { return [] }
        let (shareUnits, collateralUnits) = incoming.side == .buy
            ? (incoming.takerAmount, incoming.makerAmount) : (incoming.makerAmount, incoming.takerAmount)
        guard shareUnits > 0, let shares = Int64(exactly: shareUnits),
              let (decimal, exact) = try? ExactDecimal(collateralUnits).divided(
                  by: ExactDecimal(shareUnits), places: market.tick.priceDecimals, rounding: .down),
              let price = exact ? Price(exact: decimal) : VenueState.marketWorstPrice(of: incoming, tick: market.tick)
        else { return [] }
        return self.state.plannedMatches(tokenID: incoming.tokenID, side: incoming.side, limit: price,
                                         upTo: Shares(baseUnits: shares), excluding: incoming.funder)
    }

    /// Whether the signature recovers to the signer in the other exchange's domain (types 0–2).
    private static func signedForOtherExchange(_ body: OrderRequestBody, negRisk: Bool, chainID: UInt64) -> Bool {
        let other = OrderDomain.forOrder(tokenID: body.order.tokenID, negRisk: !negRisk, chainID: chainID)
        guard body.order.signatureType != .poly1271 else {
            return VenueState.depositWalletSigner(of: body.signature, order: body.order, domain: other) != nil
        }
        guard let signature = try? Signature(bytes: body.signature) else { return false }
        return (try? signature.recoverAddress(digest: body.order.hash(in: other))) == body.order.signer
    }
}
