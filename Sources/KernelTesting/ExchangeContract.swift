import Ethereum
import Kernel
import Testing

extension VenueContract where Port == ExchangePort {
    public static var cases: [ExchangeContract] { [
        .init("a FOK BUY fills at the asks for every wallet type: collateral, shares and the taker fee move") { harness async throws in
            let (_, token) = try await Venue.market(
                "fok-buy", fee: Venue.fee, bids: [Venue.level("0.48", "100")],
                asks: [Venue.level("0.52", "100"), Venue.level("0.50", "4")], on: harness)
            for (n, type) in WalletType.allCases.enumerated() {
                let trader = try await Venue.trader(10 + n, type: type, on: harness)
                let (prepared, _, snapshot) = try await Venue.place(
                    Venue.intent(token, .buy, .fok, limit: "0.55", shares: "10"), by: trader, on: harness)
                #expect(prepared.orderID.rawValue.count == 66 && prepared.orderID.rawValue.hasPrefix("0x"))
                #expect(prepared.digest.count == 32)
                #expect(prepared.makerAmount == 5_500_000 && prepared.takerAmount == 10_000_000)
                #expect(prepared.exchangeAddress == Venue.standardExchange)

                // The first trader empties the 0.50 level; later ones pay 0.52 throughout.
                let fills: [(String, String)] = n == 0 ? [("4", "0.50"), ("6", "0.52")] : [("10", "0.52")]
                let notional = fills.reduce(Collateral.zero) { $0 + Venue.shares($1.0).value(at: Venue.price($1.1)) }
                let fee = fills.reduce(Collateral.zero) {
                    $0 + Venue.fee.takerFee(shares: Venue.shares($1.0), price: Venue.price($1.1))
                }
                #expect(fee.baseUnits > 0)
                let expected = OrderSnapshot(orderID: prepared.orderID, state: .filled, filledShares: .whole(10),
                                             filledNotional: notional, fee: fee)
                #expect(snapshot == expected, "\(type)")
                let balance = try await harness.exchange.collateralBalance(account: trader.account)
                #expect(balance == .dollars(100) - notional - fee, "\(type)")
                let held = try await harness.control.shares(of: trader.account.funderAddress, tokenID: token)
                #expect(held == .whole(10), "\(type)")
                let found = try await harness.exchange.order(id: prepared.orderID, account: trader.account)
                #expect(found == expected, "\(type)")
            }
            let book = try await harness.exchange.orderBook(tokenID: token)
            #expect(book.asks == [Venue.level("0.52", "64")])
        },
        .init("a FOK BUY signs market amounts — whole cents spent — and fills the shares they buy") { harness async throws in
            let (_, token) = try await Venue.market("fok-market-amounts", asks: [Venue.level("0.50", "100")], on: harness)
            let trader = try await Venue.trader(1, on: harness)
            let (prepared, _, snapshot) = try await Venue.place(
                Venue.intent(token, .buy, .fok, limit: "0.55", shares: "10.12"), by: trader, on: harness)
            // 10.12 × 0.55 = 5.566 → $5.56 (2 decimals); 5.56 / 0.55 = 10.10909… → 10.109 (4 decimals).
            #expect(prepared.makerAmount == 5_560_000 && prepared.takerAmount == 10_109_000)
            #expect(prepared.intent.shares == Venue.shares("10.109"))
            // Filled at the 0.50 ask: 10.109 × 0.50 = 5.0545.
            #expect(snapshot == OrderSnapshot(orderID: prepared.orderID, state: .filled, filledShares: Venue.shares("10.109"),
                                              filledNotional: Venue.dollars("5.0545")))
            #expect(try await harness.exchange.collateralBalance(account: trader.account) == .dollars(100) - Venue.dollars("5.0545"))
            #expect(try await harness.control.shares(of: trader.account.funderAddress, tokenID: token) == Venue.shares("10.109"))
        },
        .init("a FOK the book cannot fill is killed and moves nothing") { harness async throws in
            let (_, token) = try await Venue.market("fok-kill", asks: [Venue.level("0.50", "3"), Venue.level("0.60", "50")],
                                                    on: harness)
            let trader = try await Venue.trader(1, on: harness)
            let (prepared, _, snapshot) = try await Venue.place(
                Venue.intent(token, .buy, .fok, limit: "0.55", shares: "10"), by: trader, on: harness)
            #expect(snapshot == OrderSnapshot(orderID: prepared.orderID, state: .killed))
            #expect(try await harness.exchange.collateralBalance(account: trader.account) == .dollars(100))
            #expect(try await harness.control.shares(of: trader.account.funderAddress, tokenID: token) == .zero)
            #expect(try await harness.exchange.orderBook(tokenID: token).asks.first == Venue.level("0.50", "3"))
            #expect(try await harness.exchange.order(id: prepared.orderID, account: trader.account)?.state == .killed)
        },
        .init("a FAK takes what crosses and kills the rest, on either side") { harness async throws in
            let (_, token) = try await Venue.market(
                "fak-partial", bids: [Venue.level("0.47", "8"), Venue.level("0.40", "100")],
                asks: [Venue.level("0.50", "6"), Venue.level("0.60", "50")], on: harness)
            let buyer = try await Venue.trader(1, on: harness)
            let (bought, _, buy) = try await Venue.place(
                Venue.intent(token, .buy, .fak, limit: "0.55", shares: "10"), by: buyer, on: harness)
            #expect(buy == OrderSnapshot(orderID: bought.orderID, state: .partiallyFilled, filledShares: .whole(6),
                                         filledNotional: .dollars(3)))
            #expect(try await harness.exchange.collateralBalance(account: buyer.account) == .dollars(97))

            let seller = try await Venue.trader(2, funds: .zero, on: harness)
            try await harness.control.grant(.whole(20), of: token, to: seller.account.funderAddress)
            let (sold, _, sell) = try await Venue.place(
                Venue.intent(token, .sell, .fak, limit: "0.45", shares: "10"), by: seller, on: harness)
            #expect(sell == OrderSnapshot(orderID: sold.orderID, state: .partiallyFilled, filledShares: .whole(8),
                                          filledNotional: Venue.dollars("3.76")))
            #expect(try await harness.control.collateral(of: seller.account.funderAddress) == Venue.dollars("3.76"))
            #expect(try await harness.control.shares(of: seller.account.funderAddress, tokenID: token) == .whole(12))
        },
        .init("a FAK with nothing to match is killed") { harness async throws in
            let (_, token) = try await Venue.market("fak-kill", asks: [Venue.level("0.70", "50")], on: harness)
            let trader = try await Venue.trader(1, on: harness)
            let (prepared, _, snapshot) = try await Venue.place(
                Venue.intent(token, .buy, .fak, limit: "0.55", shares: "10"), by: trader, on: harness)
            #expect(snapshot == OrderSnapshot(orderID: prepared.orderID, state: .killed))
            #expect(try await harness.exchange.collateralBalance(account: trader.account) == .dollars(100))
        },
        .init("a SELL gives up shares and takes collateral less the taker fee") { harness async throws in
            let (_, token) = try await Venue.market("sell-fill", fee: Venue.fee, bids: [Venue.level("0.61", "100")],
                                                    on: harness)
            let trader = try await Venue.trader(1, type: .eoa, funds: .zero, on: harness)
            try await harness.control.grant(.whole(12), of: token, to: trader.account.funderAddress)
            let (prepared, _, snapshot) = try await Venue.place(
                Venue.intent(token, .sell, .fok, limit: "0.60", shares: "12"), by: trader, on: harness)
            #expect(prepared.makerAmount == 12_000_000 && prepared.takerAmount == 7_200_000)
            let fee = Venue.fee.takerFee(shares: .whole(12), price: Venue.price("0.61"))
            #expect(snapshot == OrderSnapshot(orderID: prepared.orderID, state: .filled, filledShares: .whole(12),
                                              filledNotional: Venue.dollars("7.32"), fee: fee))
            #expect(try await harness.control.collateral(of: trader.account.funderAddress) == Venue.dollars("7.32") - fee)
            #expect(try await harness.control.shares(of: trader.account.funderAddress, tokenID: token) == .zero)
        },
        .init("a GTC order rests on the book holding its collateral, and cancels") { harness async throws in
            let (_, token) = try await Venue.market("gtc-rest", asks: [Venue.level("0.60", "50")], on: harness)
            let trader = try await Venue.trader(1, on: harness)
            let (prepared, _, snapshot) = try await Venue.place(
                Venue.intent(token, .buy, .gtc, limit: "0.50", shares: "10"), by: trader, on: harness)
            #expect(snapshot == OrderSnapshot(orderID: prepared.orderID, state: .live))
            #expect(try await harness.exchange.orderBook(tokenID: token).bids == [Venue.level("0.50", "10")])
            #expect(try await harness.exchange.collateralBalance(account: trader.account) == .dollars(95))

            let canceled = try await harness.exchange.cancelOrder(id: prepared.orderID, account: trader.account)
            #expect(canceled == OrderSnapshot(orderID: prepared.orderID, state: .canceled))
            #expect(try await harness.exchange.orderBook(tokenID: token).bids.isEmpty)
            #expect(try await harness.exchange.collateralBalance(account: trader.account) == .dollars(100))
            #expect(try await harness.exchange.order(id: prepared.orderID, account: trader.account)?.state == .canceled)
        },
        .init("prepare puts the price on the tick on the safe side and floors the size") { harness async throws in
            let (_, cents) = try await Venue.market("snap-cents", on: harness)
            let (_, tenths) = try await Venue.market("snap-tenths", tick: Price(baseUnits: 100_000), on: harness)
            let trader = try await Venue.trader(1, on: harness)
            let now = harness.clock.now()
            // The FOK BUY is a market order (spec §5.4): 10.129 floors to 10.12 shares, which at
            // 0.55 is $5.566, floored to $5.56; 5.56 / 0.55 = 10.10909… cut to 4 decimals: 10.109.
            let cases: [(OrderIntent, String, String)] = [
                (Venue.intent(cents, .buy, .fok, limit: "0.555", shares: "10.129"), "0.55", "10.109"),
                (Venue.intent(cents, .sell, .fak, limit: "0.551", shares: "7"), "0.56", "7"),
                (Venue.intent(tenths, .buy, .gtc, limit: "0.53", shares: "5"), "0.5", "5"),
                (Venue.intent(tenths, .sell, .gtc, limit: "0.41", shares: "5"), "0.5", "5"),
            ]
            for (intent, price, shares) in cases {
                let prepared = try await harness.exchange.prepareOrder(intent, account: trader.account, at: now)
                #expect(prepared.intent.limitPrice == Venue.price(price), "\(intent)")
                #expect(prepared.intent.shares == Venue.shares(shares), "\(intent)")
            }
            let marketBuy = try await harness.exchange.prepareOrder(cases[0].0, account: trader.account, at: now)
            #expect(marketBuy.makerAmount == 5_560_000 && marketBuy.takerAmount == 10_109_000)
        },
        .init("prepare refuses a size below the minimum and a price with no tick inside the range") { harness async throws in
            let (_, token) = try await Venue.market("prepare-refusals", minimum: .whole(5), on: harness)
            let trader = try await Venue.trader(1, on: harness)
            let now = harness.clock.now()
            for intent in [
                Venue.intent(token, .buy, .fok, limit: "0.55", shares: "4.99"),
                Venue.intent(token, .buy, .fok, limit: "0.004", shares: "10"),
                Venue.intent(token, .sell, .fok, limit: "0.995", shares: "10"),
            ] {
                await #expect(throws: VenueError.self, "\(intent)") {
                    _ = try await harness.exchange.prepareOrder(intent, account: trader.account, at: now)
                }
            }
        },
        .init("the venue refuses an order off its current tick (the tick changed after signing)") { harness async throws in
            let (market, token) = try await Venue.market("tick-change", asks: [Venue.level("0.50", "100")], on: harness)
            let trader = try await Venue.trader(1, on: harness)
            let prepared = try await harness.exchange.prepareOrder(
                Venue.intent(token, .buy, .fok, limit: "0.55", shares: "10"), account: trader.account,
                at: harness.clock.now())
            let payload = try trader.payload(for: prepared, on: harness)
            try await harness.control.updateMarket(conditionID: market.conditionID, tickSize: Price(baseUnits: 100_000),
                                                   minOrderSize: nil, acceptingOrders: nil)
            let snapshot = try await harness.exchange.submitOrder(
                payload: payload, orderID: prepared.orderID, account: trader.account)
            #expect(Venue.rejectionCode(snapshot) == "INVALID_ORDER_MIN_TICK_SIZE")
            #expect(try await harness.exchange.order(id: prepared.orderID, account: trader.account) == nil)
            #expect(try await harness.exchange.collateralBalance(account: trader.account) == .dollars(100))
        },
        .init("the venue refuses an order below its current minimum size") { harness async throws in
            let (market, token) = try await Venue.market("minimum-change", asks: [Venue.level("0.50", "100")],
                                                         on: harness)
            let trader = try await Venue.trader(1, on: harness)
            let prepared = try await harness.exchange.prepareOrder(
                Venue.intent(token, .buy, .fok, limit: "0.55", shares: "5"), account: trader.account,
                at: harness.clock.now())
            let payload = try trader.payload(for: prepared, on: harness)
            try await harness.control.updateMarket(conditionID: market.conditionID, tickSize: nil,
                                                   minOrderSize: .whole(10), acceptingOrders: nil)
            let snapshot = try await harness.exchange.submitOrder(
                payload: payload, orderID: prepared.orderID, account: trader.account)
            #expect(Venue.rejectionCode(snapshot) == "INVALID_ORDER_MIN_SIZE")
            #expect(try await harness.control.shares(of: trader.account.funderAddress, tokenID: token) == .zero)
        },
        .init("an order the wallet cannot pay for, or shares it does not hold, is refused") { harness async throws in
            let (_, token) = try await Venue.market(
                "balance", bids: [Venue.level("0.40", "100")], asks: [Venue.level("0.50", "100")], on: harness)
            let poor = try await Venue.trader(1, funds: .dollars(1), on: harness)
            let (_, _, buy) = try await Venue.place(
                Venue.intent(token, .buy, .fok, limit: "0.55", shares: "10"), by: poor, on: harness)
            #expect(Venue.rejectionCode(buy) == "INVALID_ORDER_NOT_ENOUGH_BALANCE")
            let (_, _, sell) = try await Venue.place(
                Venue.intent(token, .sell, .fok, limit: "0.40", shares: "10"), by: poor, on: harness)
            #expect(Venue.rejectionCode(sell) == "INVALID_ORDER_NOT_ENOUGH_BALANCE")
            #expect(try await harness.exchange.collateralBalance(account: poor.account) == .dollars(1))
        },
        .init("an order signed by another key is refused and never exists") { harness async throws in
            let (_, token) = try await Venue.market("bad-signature", asks: [Venue.level("0.50", "100")], on: harness)
            let intruder = PrivateKey.testKey(99)
            for (n, type) in [WalletType.depositWallet, .eoa, .safe].enumerated() {
                let trader = try await Venue.trader(1 + n, type: type, on: harness)
                let prepared = try await harness.exchange.prepareOrder(
                    Venue.intent(token, .buy, .fok, limit: "0.55", shares: "10"), account: trader.account,
                    at: harness.clock.now())
                let forged = try intruder.signatureBytes(over: prepared.digest)
                // A signer-side check may refuse to build the body (the Polymarket adapter does, for
                // every type: it knows the account's owner); a venue must refuse it.
                if let payload = try? harness.exchange.signedPayload(for: prepared, signature: forged,
                                                                     account: trader.account) {
                    let snapshot = try await harness.exchange.submitOrder(
                        payload: payload, orderID: prepared.orderID, account: trader.account)
                    #expect(Venue.rejectionCode(snapshot) == "INVALID_ORDER_ERROR", "\(type)")
                }
                #expect(try await harness.exchange.order(id: prepared.orderID, account: trader.account) == nil)
                #expect(try await harness.exchange.collateralBalance(account: trader.account) == .dollars(100))
            }
        },
        .init("a neg-risk market's orders are signed for the Neg Risk CTF Exchange and fill there") { harness async throws in
            let asks = [Venue.level("0.30", "100")]
            let (_, standard) = try await Venue.market("standard-market", asks: asks, on: harness)
            let (_, negRisk) = try await Venue.market("neg-risk-market", negRisk: true, asks: asks, on: harness)
            #expect(try await harness.exchange.market(tokenID: negRisk).negRisk)
            #expect(try await !harness.exchange.market(tokenID: standard).negRisk)
            let trader = try await Venue.trader(1, on: harness)
            let (onStandard, _, first) = try await Venue.place(
                Venue.intent(standard, .buy, .fok, limit: "0.30", shares: "10"), by: trader, on: harness)
            let (onNegRisk, _, second) = try await Venue.place(
                Venue.intent(negRisk, .buy, .fok, limit: "0.30", shares: "10"), by: trader, on: harness)
            #expect(onStandard.exchangeAddress == Venue.standardExchange)
            #expect(onNegRisk.exchangeAddress == Venue.negRiskExchange)
            #expect(onStandard.digest != onNegRisk.digest)
            #expect(first.state == .filled && second.state == .filled)
            #expect(try await harness.control.shares(of: trader.account.funderAddress, tokenID: negRisk) == .whole(10))
        },
        .init("resubmitting the same signed order never fills twice, even concurrently") { harness async throws in
            let (_, token) = try await Venue.market("idempotent", asks: [Venue.level("0.50", "100")], on: harness)
            let trader = try await Venue.trader(1, on: harness)
            let (prepared, payload, first) = try await Venue.place(
                Venue.intent(token, .buy, .fok, limit: "0.55", shares: "10"), by: trader, on: harness)
            #expect(first.state == .filled)
            let again = try await harness.exchange.submitOrder(
                payload: payload, orderID: prepared.orderID, account: trader.account)
            #expect(again == first)
            let racers = try await withThrowingTaskGroup(of: OrderSnapshot.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await harness.exchange.submitOrder(
                            payload: payload, orderID: prepared.orderID, account: trader.account)
                    }
                }
                return try await group.reduce(into: [OrderSnapshot]()) { $0.append($1) }
            }
            #expect(racers.allSatisfy { $0 == first })
            #expect(try await harness.exchange.collateralBalance(account: trader.account) == .dollars(95))
            #expect(try await harness.control.shares(of: trader.account.funderAddress, tokenID: token) == .whole(10))
            #expect(try await harness.exchange.orderBook(tokenID: token).asks == [Venue.level("0.50", "90")])
        },
        .init("after a lost response the order is found by its hash, and a resend is the same order") { harness async throws in
            let (_, token) = try await Venue.market("lost-response", asks: [Venue.level("0.50", "100")], on: harness)
            let trader = try await Venue.trader(1, on: harness)
            let prepared = try await harness.exchange.prepareOrder(
                Venue.intent(token, .buy, .fok, limit: "0.55", shares: "10"), account: trader.account,
                at: harness.clock.now())
            let payload = try trader.payload(for: prepared, on: harness)
            try await harness.control.inject(.orderResponseLost, times: 1)
            await #expect(throws: (any Error).self) {
                _ = try await harness.exchange.submitOrder(payload: payload, orderID: prepared.orderID,
                                                           account: trader.account)
            }
            let found = try #require(try await harness.exchange.order(id: prepared.orderID, account: trader.account))
            #expect(found.state == .filled && found.filledShares == .whole(10))
            let resent = try await harness.exchange.submitOrder(
                payload: payload, orderID: prepared.orderID, account: trader.account)
            #expect(resent == found)
            #expect(try await harness.control.shares(of: trader.account.funderAddress, tokenID: token) == .whole(10))
            #expect(try await harness.exchange.collateralBalance(account: trader.account) == .dollars(95))
        },
        .init("an unknown order hash is nil, for lookups and cancels") { harness async throws in
            let trader = try await Venue.trader(1, on: harness)
            let unknown = OrderID.fixture(0xdead_beef)
            #expect(try await harness.exchange.order(id: unknown, account: trader.account) == nil)
            #expect(try await harness.exchange.cancelOrder(id: unknown, account: trader.account) == nil)
        },
        .init("market info and books: rules as listed, book sides best first") { harness async throws in
            let tick = Price(baseUnits: 1_000)
            let (market, token) = try await Venue.market(
                "market-info", tick: tick, minimum: .whole(15), negRisk: true, fee: Venue.fee,
                bids: [Venue.level("0.41", "10"), Venue.level("0.45", "20"), Venue.level("0.43", "30")],
                asks: [Venue.level("0.60", "10"), Venue.level("0.52", "20"), Venue.level("0.55", "30")], on: harness)
            let info = try await harness.exchange.market(tokenID: token)
            #expect(info.tokenID == token && info.conditionID == market.conditionID && info.slug == "market-info")
            #expect(info.outcome == market.outcomes.first)
            #expect(info.tickSize == tick && info.minOrderSize == .whole(15) && info.negRisk && info.takerFee == Venue.fee)
            #expect(info.acceptingOrders && info.resolved != true)
            let book = try await harness.exchange.orderBook(tokenID: token)
            #expect(book.bids.map(\.price) == ["0.45", "0.43", "0.41"].map(Venue.price))
            #expect(book.asks.map(\.price) == ["0.52", "0.55", "0.60"].map(Venue.price))
            #expect(book.tickSize == tick && book.minOrderSize == .whole(15))
            await #expect(throws: (any Error).self) {
                _ = try await harness.exchange.market(tokenID: .fixture(424_242))
            }
        },
        .init("a market that stopped accepting orders refuses them") { harness async throws in
            let (market, token) = try await Venue.market("closed", asks: [Venue.level("0.50", "100")], on: harness)
            let trader = try await Venue.trader(1, on: harness)
            try await harness.control.updateMarket(conditionID: market.conditionID, tickSize: nil, minOrderSize: nil,
                                                   acceptingOrders: false)
            #expect(try await !harness.exchange.market(tokenID: token).acceptingOrders)
            let (_, _, snapshot) = try await Venue.place(
                Venue.intent(token, .buy, .fok, limit: "0.55", shares: "10"), by: trader, on: harness)
            #expect(Venue.rejectionCode(snapshot) != nil)
            #expect(try await harness.exchange.collateralBalance(account: trader.account) == .dollars(100))
        },
    ] }
}
