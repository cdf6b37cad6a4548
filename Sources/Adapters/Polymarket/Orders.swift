import Logging
public import Kernel

extension PolymarketExchange {
    /// `POST /order` with L2 headers over exactly `payload`. Rejections and FOK/FAK kills —
    /// including `400 {"error", "orderID"}` and `200 {"success": false}` — come back as snapshots;
    /// a thrown error (5xx, 425, timeout, unreadable reply) means the outcome is unknown.
    /// After a fill, or a balance refusal, the CLOB is asked to re-read the wallet's balances.
    public func submitOrder(payload: String, orderID: OrderID, account: TradingAccount) async throws -> OrderSnapshot {
        let submitted = try OrderReplies.Submitted(payload: payload)
        let endpoint = Endpoint(service: .clob, method: "POST", path: "/order", body: payload, family: .postOrder,
                                auth: .l2(account))
        let reply = try await self.http.perform(endpoint)
        guard var snapshot = try OrderReplies.placement(reply, orderID: orderID, submitted: submitted) else {
            throw ErrorMapping.error(for: reply.response, now: self.http.clock.now(), redactor: reply.redactor)
        }
        if let returned = reply.json?["orderID"]?.nonEmptyText, OrderID(returned) != orderID {
            self.http.logger.warning("CLOB order id differs from the order hash", metadata: [
                "order_id": "\(orderID)", "venue_order_id": "\(returned)",
            ])
        }
        let tradeIDs = reply.json?["tradeIDs"]?.array?.compactMap(\.text) ?? []
        await self.settleAmounts(&snapshot, tradeIDs: tradeIDs, account: account, tokenID: Self.tokenID(inPayload: payload))
        var balanceRefused = false
        if case .rejected(let code, _) = snapshot.state { balanceRefused = code == "INVALID_ORDER_NOT_ENOUGH_BALANCE" }
        if snapshot.filledShares.baseUnits > 0 || balanceRefused {
            await self.refreshAfterTrade(account: account, tokenID: Self.tokenID(inPayload: payload))
        }
        return snapshot
    }

    /// `GET /data/order/{id}`; nil when the CLOB does not know the hash (404, an empty or `null`
    /// body, or an error saying "not found").
    public func order(id: OrderID, account: TradingAccount) async throws -> OrderSnapshot? {
        let endpoint = Endpoint(service: .clob, method: "GET", path: "/data/order/" + id.rawValue, family: .orderData,
                                auth: .l2(account))
        let reply = try await self.http.perform(endpoint)
        if reply.status == 404 || Self.saysNotFound(reply) { return nil }
        if reply.isSuccess, reply.json == nil || reply.json == .null || reply.json == .object([:])
            || reply.response.body.isEmpty {
            return nil
        }
        let json = try VenueHTTP.requireJSON(reply, endpoint: endpoint, now: self.http.clock.now())
        var snapshot = try OrderReplies.openOrder(json, orderID: id)
        let tokenID = json["asset_id"]?.nonEmptyText.flatMap { try? TokenID($0) }
        let tradeIDs = json["associate_trades"]?.array?.compactMap(\.text) ?? []
        await self.settleAmounts(&snapshot, tradeIDs: tradeIDs, account: account, tokenID: tokenID)
        return snapshot
    }

    /// `DELETE /order {"orderID": …}`, then the order as it ended; nil for an unknown hash.
    public func cancelOrder(id: OrderID, account: TradingAccount) async throws -> OrderSnapshot? {
        let endpoint = Endpoint(service: .clob, method: "DELETE", path: "/order", body: "{\"orderID\":\"\(id.rawValue)\"}",
                                family: .cancelOrder, auth: .l2(account))
        let reply = try await self.http.perform(endpoint)
        if reply.status == 404 { return nil }
        let json = try VenueHTTP.requireJSON(reply, endpoint: endpoint, now: self.http.clock.now())
        let canceled = (json["canceled"]?.array ?? []).compactMap(\.text).map { OrderID($0) }.contains(id)
        guard var snapshot = try await self.order(id: id, account: account) else { return nil }
        if canceled, snapshot.state == .live {
            snapshot.state = snapshot.filledShares.baseUnits > 0 ? .partiallyFilled : .canceled
        }
        return snapshot
    }

    /// The notional and fee of what filled, exact from the order's trades when they account for
    /// every share filled; otherwise the notional as given and the fee estimated.
    func settleAmounts(_ snapshot: inout OrderSnapshot, tradeIDs: [String], account: TradingAccount,
                       tokenID: TokenID?) async {
        if snapshot.filledShares.baseUnits > 0,
           let totals = await self.fillTotals(of: snapshot.orderID, tradeIDs: tradeIDs, account: account, tokenID: tokenID),
           totals.shares == snapshot.filledShares {
            snapshot.filledNotional = totals.notional
            snapshot.fee = totals.fee
        } else {
            snapshot.fee = await self.estimatedFee(snapshot, tokenID: tokenID)
        }
    }

    /// The taker fee of what filled, at the average price, by the market's schedule (the venue's
    /// replies carry no fee). A market that cannot be read gives zero rather than failing a
    /// placement whose outcome is already known.
    func estimatedFee(_ snapshot: OrderSnapshot, tokenID: TokenID?) async -> Collateral {
        guard let tokenID, let price = snapshot.averagePrice,
              let market = try? await self.market(tokenID: tokenID) else { return .zero }
        return market.takerFee.takerFee(shares: snapshot.filledShares, price: price)
    }

    static func tokenID(inPayload payload: String) -> TokenID? {
        JSONValue.parse(payload)?["order"]?["tokenId"]?.text.flatMap { try? TokenID($0) }
    }

    static func saysNotFound(_ reply: Reply) -> Bool {
        guard reply.status == 400 || reply.isSuccess, let error = reply.json?["error"]?.nonEmptyText?.lowercased() else {
            return false
        }
        return error.contains("not found") || error.contains("does not exist")
    }
}
