import Ethereum
import FakeExchangeAdapter
import HTTPTypes
import Hummingbird
import Kernel
import PolymarketProtocol

/// The CLOB's REST routes the adapter uses (spec §6–7), over the venue: market data in the
/// CLOB's shapes (numbers as strings, book sides worst first), API keys behind Level 1, orders,
/// trades and balances behind Level 2.
struct ClobRoutes: Sendable {
    typealias Context = FakePolymarketContext

    let venue: FakeVenue
    let ledger: ClobLedger
    let authentication: ClobAuthentication
    /// This server's prefix, which Polymarket's signed paths do not have.
    let prefix: String

    private var clock: WallClock { self.venue.wallClock }

    func register(on group: RouterGroup<Context>) {
        group.get("time") { _, _ in WireJSON.integer(self.clock.now().epochMilliseconds / 1_000).response() }
        group.get("ok") { _, _ in WireJSON.string("OK").response() }
        group.get("version") { _, _ in WireJSON.object([("version", .integer(2))]).response() }
        group.get("book", use: self.book)
        group.get("tick-size", use: self.tickSize)
        group.get("neg-risk", use: self.negRisk)
        group.get("midpoint", use: self.midpoint)
        group.get("clob-markets/:condition", use: self.compactMarket)
        group.get("markets-by-token/:token", use: self.marketByToken)
        group.post("auth/api-key", use: self.createAPIKey)
        group.get("auth/derive-api-key", use: self.deriveAPIKey)
        group.post("order", use: self.postOrder)
        group.delete("order", use: self.cancelOrder)
        group.get("data/order/:id", use: self.order)
        group.get("data/orders", use: self.openOrders)
        group.get("data/trades", use: self.trades)
        group.get("balance-allowance", use: self.balanceAllowance)
        group.get("balance-allowance/update") { request, _ in
            _ = try await self.authenticated(request, body: nil)
            return WireJSON.object([]).response()
        }
    }

    // MARK: Market data (public)

    private func market(_ request: Request) async throws -> (FakeMarket, TokenID) {
        let tokenID = try WireRequest.tokenID(try WireRequest.query(request, "token_id"))
        do {
            return (try await self.venue.market(tokenID: tokenID), tokenID)
        } catch {
            throw WireError.notFound("No orderbook exists for the requested token id")
        }
    }

    @Sendable func book(_ request: Request, context: Context) async throws -> Response {
        let (market, tokenID) = try await self.market(request)
        let book = try await self.venue.book(tokenID: tokenID)
        // Worst first, as the CLOB sends them (§13a.1): bids ascending, asks descending.
        func levels(_ levels: [BookLevel]) -> WireJSON {
            .array(levels.map { ["price": .string($0.price.description), "size": .string($0.size.description)] })
        }
        return WireJSON.object([
            ("market", .string(market.conditionID)), ("asset_id", .string(tokenID.decimal)),
            ("timestamp", .string(String(self.clock.now().epochMilliseconds))),
            ("hash", .string(Hex.encode(Keccak256.hash(utf8: "\(tokenID)|\(book)"), prefix: false))),
            ("bids", levels(book.bids.reversed())), ("asks", levels(book.asks.reversed())),
            ("min_order_size", .string(market.minOrderSize.description)),
            ("tick_size", .string(market.tickSize.description)), ("neg_risk", .bool(market.negRisk)),
        ]).response()
    }

    @Sendable func tickSize(_ request: Request, context: Context) async throws -> Response {
        let (market, _) = try await self.market(request)
        return WireJSON.object([("minimum_tick_size", .number(market.tickSize))]).response()
    }

    @Sendable func negRisk(_ request: Request, context: Context) async throws -> Response {
        let (market, _) = try await self.market(request)
        return WireJSON.object([("neg_risk", .bool(market.negRisk))]).response()
    }

    @Sendable func midpoint(_ request: Request, context: Context) async throws -> Response {
        let (_, tokenID) = try await self.market(request)
        let book = try await self.venue.book(tokenID: tokenID)
        guard let bid = book.bids.first?.price, let ask = book.asks.first?.price else { return WireJSON.object([]).response() }
        return WireJSON.object([("mid", .string(Price(baseUnits: (bid.baseUnits + ask.baseUnits) / 2).description))]).response()
    }

    /// `/clob-markets/{conditionId}`: `t` tokens, `mts`, `mos`, `nr` (only when true), `fd` (only with a fee).
    @Sendable func compactMarket(_ request: Request, context: Context) async throws -> Response {
        let condition = context.parameters.get("condition") ?? ""
        guard let market = try? await self.venue.market(conditionID: condition) else {
            throw WireError.notFound("market not found")
        }
        var members: [(String, WireJSON)] = [
            ("c", .string(market.conditionID)),
            ("t", .array(zip(market.tokenIDs, market.outcomes).map { ["t": .string($0.decimal), "o": .string($1)] })),
            ("mts", .number(market.tickSize)), ("mos", .number(market.minOrderSize)),
        ]
        if market.negRisk { members.append(("nr", .bool(true))) }
        if market.takerFee != .free {
            members.append(("fd", ["r": .number(market.takerFee.rate), "e": .integer(market.takerFee.exponent), "to": .bool(true)]))
        }
        return WireJSON.object(members).response()
    }

    @Sendable func marketByToken(_ request: Request, context: Context) async throws -> Response {
        let tokenID = try WireRequest.tokenID(context.parameters.get("token") ?? "")
        guard let market = try? await self.venue.market(tokenID: tokenID) else { throw WireError.notFound("market not found") }
        return WireJSON.object([
            ("condition_id", .string(market.conditionID)), ("primary_token_id", .string(market.tokenIDs[0].decimal)),
        ]).response()
    }

    // MARK: API keys (Level 1)

    @Sendable func createAPIKey(_ request: Request, context: Context) async throws -> Response {
        let (owner, nonce) = try self.authentication.level1(request)
        guard let key = await self.ledger.create(owner: owner, nonce: nonce) else {
            throw WireError(.badRequest, "Could not create api key")
        }
        return key.json.response()
    }

    @Sendable func deriveAPIKey(_ request: Request, context: Context) async throws -> Response {
        let (owner, nonce) = try self.authentication.level1(request)
        guard let key = await self.ledger.derive(owner: owner, nonce: nonce) else {
            throw WireError(.badRequest, "Could not derive api key!")
        }
        return key.json.response()
    }

    // MARK: Orders (Level 2)

    /// The path as Polymarket signs it: this server's prefix removed.
    private func authenticated(_ request: Request, body: String?) async throws -> IssuedKey {
        var path = request.uri.path
        if path.hasPrefix(self.prefix) { path.removeFirst(self.prefix.count) }
        return try await self.authentication.level2(request, path: path, body: body)
    }

    /// The fields of a `POST /order` body the CLOB checks against the API key before anything else.
    private struct Envelope: Decodable {
        struct Fields: Decodable {
            var maker: String
            var signer: String
        }

        var order: Fields
        var owner: String
    }

    /// `POST /order`: the owner must be the caller's API key, and the key's owner the order's
    /// signer or the EOA its maker derives from; then the venue verifies and places it.
    @Sendable func postOrder(_ request: Request, context: Context) async throws -> Response {
        let body = try await WireRequest.body(request)
        let key = try await self.authenticated(request, body: body)
        let envelope = try WireRequest.decode(Envelope.self, from: body)
        guard envelope.owner == key.apiKey else {
            throw WireError(.badRequest, "the order owner has to be the owner of the API KEY")
        }
        guard let signer = try? Address(hex: envelope.order.signer), let maker = try? Address(hex: envelope.order.maker)
        else { throw WireError(.badRequest, "invalid order payload: maker and signer must be addresses") }
        let owner = key.owner.asAddress
        guard signer == owner || WalletDerivation.polygon.controls(owner, maker) else {
            throw WireError(.badRequest, "the order signer address has to be the address of the API KEY")
        }

        let submission = await self.venue.submit(wireBody: body)
        let now = self.clock.now()
        guard let order = submission.order else {
            guard case .rejected(let code, let message) = submission.snapshot.state else {
                throw WireError(.badRequest, "invalid order")
            }
            if submission.responseLost { return .unanswered(after: .zero) }
            throw WireError(.badRequest, message, code: code)
        }
        await self.ledger.placed(order.id, by: key.apiKey, at: now)
        _ = await self.ledger.record(submission.matches, of: order, apiKey: key.apiKey, at: now)
        if submission.responseLost { return .unanswered(after: .zero) }
        let tradeIDs = await self.ledger.order(order.id)?.tradeIDs ?? []
        return try Self.placement(submission.snapshot, order: order, tradeIDs: tradeIDs).response()
    }

    /// The CLOB's answer to a placement (spec §7.2): a kill is a 400 naming the order; anything
    /// else a `success` body with the amounts in whole units (`""` when nothing filled).
    static func placement(_ snapshot: OrderSnapshot, order: WireOrder, tradeIDs: [String]) throws -> WireJSON {
        switch snapshot.state {
        case .killed:
            let message = order.type == .fok
                ? "order couldn't be fully filled. FOK orders are fully filled or killed."
                : "no orders found to match with FAK order. FAK orders are partially filled or killed if no match is found."
            throw WireError(.badRequest, message, orderID: order.id.rawValue)
        case .rejected(let code, let message):
            throw WireError(.badRequest, message, code: code)
        case .live, .filled, .partiallyFilled, .canceled:
            let filled = snapshot.filledShares.baseUnits > 0
            let shares = filled ? snapshot.filledShares.description : ""
            let notional = filled ? snapshot.filledNotional.description : ""
            let (making, taking) = order.side == .buy ? (notional, shares) : (shares, notional)
            return .object([
                ("success", .bool(true)), ("errorMsg", ""), ("orderID", .string(order.id.rawValue)),
                ("status", filled ? "matched" : "live"), ("makingAmount", .string(making)),
                ("takingAmount", .string(taking)), ("tradeIDs", .array(tradeIDs.map { .string($0) })),
                ("transactionsHashes", []),
            ])
        }
    }

    /// An order the caller's key placed, or a 404.
    private func ownOrder(_ id: OrderID, key: IssuedKey) async throws -> (WireOrder, ClobLedger.PlacedOrder) {
        guard let placed = await self.ledger.order(id), placed.apiKey == key.apiKey,
              let order = await self.venue.wireOrder(id: id)
        else { throw WireError.notFound("order \(id) not found") }
        return (order, placed)
    }

    @Sendable func order(_ request: Request, context: Context) async throws -> Response {
        let key = try await self.authenticated(request, body: nil)
        let (order, placed) = try await self.ownOrder(OrderID(context.parameters.get("id") ?? ""), key: key)
        return Self.openOrder(order, placed: placed).response()
    }

    private struct CancelBody: Decodable {
        var orderID: String
    }

    @Sendable func cancelOrder(_ request: Request, context: Context) async throws -> Response {
        let body = try await WireRequest.body(request)
        let key = try await self.authenticated(request, body: body)
        let id = OrderID(try WireRequest.decode(CancelBody.self, from: body).orderID)
        guard let (order, _) = try? await self.ownOrder(id, key: key) else {
            return WireJSON.object([("canceled", []), ("not_canceled", [id.rawValue: "order not found"])]).response()
        }
        guard order.snapshot.state == .live, await self.venue.cancel(wireOrderID: id) != nil else {
            return WireJSON.object([("canceled", []), ("not_canceled", [id.rawValue: "order can't be canceled"])]).response()
        }
        return WireJSON.object([("canceled", [.string(id.rawValue)]), ("not_canceled", [:])]).response()
    }

    /// `GET /data/orders`: the key's live orders, one page.
    @Sendable func openOrders(_ request: Request, context: Context) async throws -> Response {
        let key = try await self.authenticated(request, body: nil)
        let query = request.uri.queryParameters
        var rows: [WireJSON] = []
        for id in await self.ledger.orders(of: key.apiKey) {
            guard let placed = await self.ledger.order(id), let order = await self.venue.wireOrder(id: id),
                  order.snapshot.state == .live,
                  query.get("id").map({ $0 == id.rawValue }) ?? true,
                  query.get("market").map({ $0.lowercased() == order.conditionID }) ?? true,
                  query.get("asset_id").map({ $0 == order.tokenID.decimal }) ?? true
            else { continue }
            rows.append(Self.openOrder(order, placed: placed))
        }
        return Self.page(rows).response()
    }

    /// `GET /data/trades`: the key's trades, one page.
    @Sendable func trades(_ request: Request, context: Context) async throws -> Response {
        let key = try await self.authenticated(request, body: nil)
        let query = request.uri.queryParameters
        let rows = await self.ledger.trades(of: key.apiKey).filter { trade in
            (query.get("id").map { $0 == trade.id } ?? true)
                && (query.get("market").map { $0.lowercased() == trade.conditionID } ?? true)
                && (query.get("asset_id").map { $0 == trade.tokenID.decimal } ?? true)
        }.map(Self.trade)
        return Self.page(rows).response()
    }

    /// `GET /balance-allowance`: the funder of the key owner's wallet of `signature_type`.
    @Sendable func balanceAllowance(_ request: Request, context: Context) async throws -> Response {
        let key = try await self.authenticated(request, body: nil)
        let query = request.uri.queryParameters
        guard let type = query.get("signature_type").flatMap({ Int($0) }) ?? 0 as Int?,
              let funder = WalletDerivation.polygon.funder(of: key.owner.asAddress, signatureType: type)
        else { throw WireError(.badRequest, "invalid signature_type") }
        let wallet = WalletAddress(address: funder)
        let balance: Int64
        switch query.get("asset_type")?.uppercased() {
        case "COLLATERAL":
            balance = await self.venue.spendableCollateral(of: wallet).baseUnits
        case "CONDITIONAL", "CONDITIONAL-V2":
            let tokenID = try WireRequest.tokenID(try WireRequest.query(request, "token_id"))
            balance = await self.venue.shares(of: wallet, tokenID: tokenID).baseUnits
        default:
            throw WireError(.badRequest, "invalid asset_type")
        }
        let unlimited = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        let spenders = [Contracts.ctfExchangeV2, Contracts.negRiskCtfExchangeV2]
        return WireJSON.object([
            ("balance", .string(String(balance))),
            ("allowances", .object(spenders.map { ($0.checksummed, .string(unlimited)) })),
        ]).response()
    }

    // MARK: Shapes

    static func page(_ rows: [WireJSON]) -> WireJSON {
        .object([("data", .array(rows)), ("next_cursor", "LTE="), ("limit", .integer(rows.count)),
                 ("count", .integer(rows.count))])
    }

    /// An OpenOrder (spec §7.2). A kill reads `UNMATCHED`; a closed order with fills `CANCELED`.
    static func openOrder(_ order: WireOrder, placed: ClobLedger.PlacedOrder) -> WireJSON {
        let status: String = switch order.snapshot.state {
        case .live: "LIVE"
        case .filled: "MATCHED"
        case .partiallyFilled: order.type == .gtc || order.type == .gtd ? "CANCELED" : "MATCHED"
        case .canceled: "CANCELED"
        case .killed: "UNMATCHED"
        case .rejected: "INVALID"
        }
        return .object([
            ("id", .string(order.id.rawValue)), ("status", .string(status)), ("owner", .string(placed.apiKey)),
            ("maker_address", .string(order.maker.lowercased)), ("market", .string(order.conditionID)),
            ("asset_id", .string(order.tokenID.decimal)), ("side", .string(order.side.rawValue)),
            ("original_size", .string(order.originalSize.description)),
            ("size_matched", .string(order.snapshot.filledShares.description)),
            ("price", .string(order.price.description)), ("outcome", .string(order.outcome)),
            ("expiration", .string(String((order.expiresAt?.epochMilliseconds ?? 0) / 1_000))),
            ("order_type", .string(order.type.rawValue.uppercased())),
            ("associate_trades", .array(placed.tradeIDs.map { .string($0) })),
            ("created_at", .integer(placed.createdAt.epochMilliseconds / 1_000)),
        ])
    }

    /// A Trade (spec §7.2) from the taker's side: one match, its maker order and price.
    static func trade(_ trade: ClobLedger.Trade) -> WireJSON {
        let match = trade.match
        let feeRateBps = String(trade.match.fee.baseUnits > 0 ? Self.feeRateBps(match) : 0)
        return .object([
            ("id", .string(trade.id)), ("taker_order_id", .string(trade.takerOrderID.rawValue)),
            ("market", .string(trade.conditionID)), ("asset_id", .string(trade.tokenID.decimal)),
            ("side", .string(trade.side.rawValue)), ("size", .string(match.size.description)),
            ("price", .string(match.price.description)), ("fee_rate_bps", .string(feeRateBps)),
            ("status", "TRADE_STATUS_CONFIRMED"), ("match_time", .string(String(trade.matchedAt.epochMilliseconds / 1_000))),
            ("last_update", .string(String(trade.matchedAt.epochMilliseconds / 1_000))),
            ("outcome", .string(trade.outcome)), ("owner", .string(trade.apiKey)),
            ("maker_address", .string(trade.maker.lowercased)), ("trader_side", "TAKER"),
            ("transaction_hash", .string(Hex.encode(Keccak256.hash(utf8: "fake-settlement|\(trade.id)")))),
            ("maker_orders", [.object([
                ("order_id", .string(match.makerOrderID?.rawValue ?? "")), ("matched_amount", .string(match.size.description)),
                ("price", .string(match.price.description)), ("fee_rate_bps", "0"),
                ("asset_id", .string(trade.tokenID.decimal)), ("outcome", .string(trade.outcome)),
                ("side", .string(trade.side == .buy ? "SELL" : "BUY")),
            ])]),
        ])
    }

    /// The fee charged as basis points of the notional, as `fee_rate_bps` reports it.
    private static func feeRateBps(_ match: WireMatch) -> Int64 {
        let notional = match.size.value(at: match.price)
        guard notional.baseUnits > 0 else { return 0 }
        return match.fee.baseUnits * 10_000 / notional.baseUnits
    }
}
