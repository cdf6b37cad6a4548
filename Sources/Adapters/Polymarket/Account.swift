import Logging
public import Kernel

/// Which balance `GET /balance-allowance` reports (spec §7.5, §5.8).
public enum BalanceAsset: Sendable, Hashable {
    /// pUSD.
    case collateral
    /// Outcome shares of a CTF token.
    case conditional(TokenID)
    /// Shares of a Protocol-V2 position.
    case conditionalV2(TokenID)

    var query: [HTTPRequest.QueryItem] {
        switch self {
        case .collateral: [.init("asset_type", "COLLATERAL")]
        case .conditional(let token): [.init("asset_type", "CONDITIONAL"), .init("token_id", token.decimal)]
        case .conditionalV2(let token): [.init("asset_type", "CONDITIONAL-V2"), .init("token_id", token.decimal)]
        }
    }
}

/// A balance and the allowances the CLOB sees for the funder, in base units.
public struct BalanceAllowance: Sendable, Hashable {
    public var balance: Int64
    /// Spender address (lowercase) → allowance as a decimal string (often 2^256 − 1).
    public var allowances: [String: String]
}

/// One of the account's orders as `GET /data/orders` lists it.
public struct OpenOrder: Sendable, Hashable {
    public var snapshot: OrderSnapshot
    public var conditionID: String?
    public var tokenID: TokenID?
    public var side: Side?
    public var price: Price?
    public var originalSize: Shares?
}

/// One of the account's trades (`GET /data/trades`). `status` drops the `TRADE_STATUS_` prefix.
public struct AccountTrade: Sendable, Hashable {
    public var id: String
    public var takerOrderID: OrderID?
    public var conditionID: String?
    public var tokenID: TokenID?
    public var side: Side?
    public var size: Shares
    public var price: Price
    public var feeRateBps: Int?
    /// `MATCHED`, `MINED`, `CONFIRMED`, `RETRYING`, `FAILED`, …
    public var status: String
    /// `TAKER` or `MAKER`.
    public var traderSide: String?
    public var transactionHash: String?
}

extension PolymarketExchange {
    /// The funder's pUSD as the CLOB sees it.
    public func collateralBalance(account: TradingAccount) async throws -> Collateral {
        Collateral(baseUnits: try await self.balanceAllowance(account: account, asset: .collateral).balance)
    }

    /// `GET /balance-allowance` for the account's wallet type.
    public func balanceAllowance(account: TradingAccount, asset: BalanceAsset) async throws -> BalanceAllowance {
        let json = try await self.http.json(Endpoint(
            service: .clob, method: "GET", path: "/balance-allowance", query: self.balanceQuery(account, asset),
            family: .balance, auth: .l2(account)))
        guard let text = json["balance"]?.nonEmptyText, let balance = Int64(text) else {
            throw VenueError.malformedResponse("balance-allowance without an integer balance")
        }
        var allowances: [String: String] = [:]
        if case .object(let members) = json["allowances"] ?? .null {
            for (spender, value) in members { allowances[spender.lowercased()] = value.text }
        }
        return BalanceAllowance(balance: balance, allowances: allowances)
    }

    /// `GET /balance-allowance/update`: makes the CLOB re-read chain state (after fills,
    /// deposits, approvals, redemptions).
    public func refreshBalanceAllowance(account: TradingAccount, asset: BalanceAsset) async throws {
        _ = try await self.http.json(Endpoint(
            service: .clob, method: "GET", path: "/balance-allowance/update", query: self.balanceQuery(account, asset),
            family: .balanceUpdate, auth: .l2(account)))
    }

    /// Best effort after a trade: collateral and the token, skipped (not delayed) when the update
    /// budget is spent, never failing the caller.
    func refreshAfterTrade(account: TradingAccount, tokenID: TokenID?) async {
        let assets: [BalanceAsset] = [.collateral] + (tokenID.map { [.conditional($0)] } ?? [])
        for asset in assets {
            guard await self.http.limiter.tryAcquire([.balanceUpdate]) else {
                self.http.logger.info("balance refresh skipped: update budget spent")
                return
            }
            do {
                try await self.refreshBalanceAllowance(account: account, asset: asset)
            } catch {
                self.http.logger.info("balance refresh failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// `GET /data/orders`, every page (cursor `MA==` until `LTE=`).
    public func openOrders(account: TradingAccount, conditionID: String? = nil, tokenID: TokenID? = nil) async throws -> [OpenOrder] {
        try await self.pages(path: "/data/orders", account: account, conditionID: conditionID, tokenID: tokenID) { json in
            guard let id = json["id"]?.nonEmptyText else { throw VenueError.malformedResponse("open order without id") }
            return OpenOrder(
                snapshot: try OrderReplies.openOrder(json, orderID: OrderID(id)), conditionID: json["market"]?.nonEmptyText,
                tokenID: json["asset_id"]?.nonEmptyText.flatMap { try? TokenID($0) },
                side: json["side"]?.text.flatMap { Side(rawValue: $0.uppercased()) },
                price: try OrderReplies.decimal(json["price"], "price", Price.self),
                originalSize: try OrderReplies.decimal(json["original_size"], "original_size", Shares.self))
        }
    }

    /// `GET /data/trades` (the account's own trades), every page.
    public func accountTrades(account: TradingAccount, conditionID: String? = nil, tokenID: TokenID? = nil) async throws -> [AccountTrade] {
        try await self.pages(path: "/data/trades", account: account, conditionID: conditionID, tokenID: tokenID) { json in
            guard let id = json["id"]?.nonEmptyText,
                  let size = try OrderReplies.decimal(json["size"], "size", Shares.self),
                  let price = try OrderReplies.decimal(json["price"], "price", Price.self)
            else { throw VenueError.malformedResponse("trade without id, size or price") }
            var status = (json["status"]?.text ?? "").uppercased()
            if status.hasPrefix("TRADE_STATUS_") { status.removeFirst("TRADE_STATUS_".count) }
            return AccountTrade(
                id: id, takerOrderID: json["taker_order_id"]?.nonEmptyText.map { OrderID($0) },
                conditionID: json["market"]?.nonEmptyText,
                tokenID: json["asset_id"]?.nonEmptyText.flatMap { try? TokenID($0) },
                side: json["side"]?.text.flatMap { Side(rawValue: $0.uppercased()) }, size: size, price: price,
                feeRateBps: json["fee_rate_bps"]?.text.flatMap { Int($0) }, status: status,
                traderSide: json["trader_side"]?.nonEmptyText, transactionHash: json["transaction_hash"]?.nonEmptyText)
        }
    }

    /// The SDKs' cursor loop; stops at `LTE=`, an empty cursor or a repeated one.
    private func pages<T>(path: String, account: TradingAccount, conditionID: String?, tokenID: TokenID?,
                          _ read: (JSONValue) throws -> T) async throws -> [T] {
        var results: [T] = []
        var cursor = "MA=="
        var seen: Set<String> = []
        while cursor != "LTE=", !cursor.isEmpty, seen.insert(cursor).inserted {
            var query: [HTTPRequest.QueryItem] = []
            if let conditionID { query.append(.init("market", conditionID)) }
            if let tokenID { query.append(.init("asset_id", tokenID.decimal)) }
            query.append(.init("next_cursor", cursor))
            let json = try await self.http.json(Endpoint(
                service: .clob, method: "GET", path: path, query: query, family: .orderData, auth: .l2(account)))
            guard let data = json["data"]?.array else { throw VenueError.malformedResponse("\(path) without data") }
            results += try data.map(read)
            cursor = json["next_cursor"]?.text ?? ""
        }
        return results
    }

    private func balanceQuery(_ account: TradingAccount, _ asset: BalanceAsset) -> [HTTPRequest.QueryItem] {
        asset.query + [.init("signature_type", String(account.type.signatureType))]
    }
}
