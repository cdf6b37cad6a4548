import Kernel

extension PolymarketExchange {
    /// What an order's fills came to, read from its trades (`GET /data/trades?id=`): an order
    /// that took several price levels filled at each maker's price, so neither its limit price
    /// (what `/data/order` lists) nor one fee at the average price is exact. As taker it pays
    /// each maker order's `price` on its `matched_amount`, with the market's taker fee per match;
    /// as maker it fills at its own price and pays no fee. Each match is rounded as the taker's
    /// side settles it (a BUY up, a SELL down). Nil when a trade cannot be read — or when the
    /// order-data budget (500 per 10 s) is spent: the reads are best effort, so a burst of fills
    /// (one leader fill copied to a thousand followers) never waits seconds for bookkeeping; the
    /// placement reply's amounts and a fee estimated at the average price stand instead.
    func fillTotals(of orderID: OrderID, tradeIDs: [String], account: TradingAccount, tokenID: TokenID?)
        async -> (shares: Shares, notional: Collateral, fee: Collateral)?
    {
        guard !tradeIDs.isEmpty, let tokenID, let market = try? await self.market(tokenID: tokenID) else { return nil }
        var shares = Shares.zero
        var notional = Collateral.zero
        var fee = Collateral.zero
        for tradeID in tradeIDs {
            guard let json = try? await self.http.json(Endpoint(
                service: .clob, method: "GET", path: "/data/trades", query: [.init("id", tradeID)], family: .orderData,
                auth: .l2(account), bestEffort: true)),
                let trade = (json["data"]?.array ?? json.array)?.first(where: { $0["id"]?.text == tradeID })
            else { return nil }
            let taker = trade["taker_order_id"]?.text.map { OrderID($0) } == orderID
            let makers = trade["maker_orders"]?.array ?? []
            let matches: [(size: String?, price: String?)] = taker
                ? (makers.isEmpty ? [(trade["size"]?.text, trade["price"]?.text)]
                    : makers.map { ($0["matched_amount"]?.text, $0["price"]?.text) })
                : makers.filter { $0["order_id"]?.text.map { OrderID($0) } == orderID }
                    .map { ($0["matched_amount"]?.text, $0["price"]?.text) }
            for match in matches {
                guard let size = match.size.flatMap({ try? Shares(decimal: $0) }),
                      let price = match.price.flatMap({ try? Price(decimal: $0) })
                else { return nil }
                shares += size
                notional += size.value(at: price, rounding: trade["side"]?.text == "SELL" ? .down : .up)
                if taker { fee += market.takerFee.takerFee(shares: size, price: price) }
            }
        }
        return (shares, notional, fee)
    }
}
