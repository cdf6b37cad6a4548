import Kernel
import Logging
import Testing

/// Exits, profile modes and the per-profile ledger (ARCHITECTURE §3 steps 5–6).
extension CopyFlowContract {
    static var exitCases: [CopyFlowContract] { [
        .init("a leader selling half their position sells half of the profile's shares, FAK at the bid") { harness async throws in
            let scenario = try await FlowScenario.make(harness)
            let bought = try await scenario.copyLeaderBuy(on: harness)
            #expect(bought == FlowScenario.bought)
            harness.clock.advance(by: .seconds(1))
            _ = try await scenario.leaderSells(.whole(50), on: harness)
            #expect(try await harness.ingestor().poll() == 1)
            try await harness.engine().runOnce()

            let exit = try #require(try await scenario.attempts(harness).first { $0.kind == .exit })
            #expect(exit.status == .done)
            // 50 of the leader's 100: half of the 18.84 sellable (whole hundredths of 18.849).
            #expect(exit.targetShares == Shares(baseUnits: 9_420_000))
            #expect(exit.filledShares == Shares(baseUnits: 9_420_000))
            #expect(exit.fillPrice == Price(baseUnits: 490_000))
            let orders = try await harness.store.orders(attemptID: exit.id)
            #expect(orders.map(\.type) == [.fak])
            #expect(orders.map(\.side) == [.sell])
            #expect(orders.first?.limitPrice == Price(baseUnits: 440_000))   // the 0.49 bid less the 5-cent guard
            let position = try #require(try await harness.store.position(profileID: scenario.profile.id, tokenID: scenario.token))
            let held = try await harness.venue.control.shares(of: scenario.account.funderAddress, tokenID: scenario.token)
            #expect(position.shares == Shares(baseUnits: 9_429_000))   // 18.849 − 9.42
            #expect(held == position.shares, "the ledger agrees with the venue")
            // Cost basis: 9.429 left at 0.51 = 4.80879; realized = proceeds − released cost
            // (0.49 × 9.42 − 0.51 × 9.42 = 4.6158 − 4.8042).
            #expect(position.costBasis == Collateral(baseUnits: 4_808_790))
            #expect(position.realizedPnL == Collateral(baseUnits: 4_615_800 - 4_804_200))
        },
        .init("a leader's full exit sells everything the profile can sell, keeping only sub-cent dust") { harness async throws in
            let scenario = try await FlowScenario.make(harness)
            let exit = try await scenario.copyThenFullExit(on: harness)
            #expect(exit.status == .done)
            #expect(exit.targetShares == Shares(baseUnits: 18_840_000))   // 18.849 down to whole hundredths
            #expect(exit.filledShares == Shares(baseUnits: 18_840_000))
            let position = try await harness.store.position(profileID: scenario.profile.id, tokenID: scenario.token)
            #expect(position?.shares == FlowScenario.dust)
            #expect(position?.costBasis == FlowScenario.dustCost)
            #expect(try await harness.venue.control.shares(of: scenario.account.funderAddress, tokenID: scenario.token)
                    == FlowScenario.dust)
            #expect(try await harness.store.orders(attemptID: exit.id).count == 1)
        },
        .init("a full exit leaves sub-cent dust that is never retried and is redeemed at resolution") { harness async throws in
            let scenario = try await FlowScenario.make(harness)
            let exit = try await scenario.copyThenFullExit(on: harness)
            #expect(exit.status == .done)

            // Long after every retry would be due, nothing is: the dust is never an order.
            harness.clock.advance(by: .seconds(600))
            #expect(try await harness.engine().runOnce() == 0)
            #expect(try await harness.store.orders(attemptID: exit.id).count == 1)

            // A close-out of nothing but dust ends at once, sending nothing.
            _ = try await ProfileCommands(store: harness.store, wallClock: harness.clock.wallClock, ids: harness.ids.generator)
                .stop(scenario.profile.id, behavior: .sellNow)
            try await harness.engine().runOnce()
            let closeOut = try #require(try await scenario.attempts(harness).first { $0.kind == .closeOut })
            #expect(closeOut.status == .skipped)
            #expect(closeOut.skipReason == .nothingToSell)
            #expect(try await harness.store.orders(attemptID: closeOut.id).isEmpty)
            var held = try #require(try await harness.store.position(profileID: scenario.profile.id, tokenID: scenario.token))
            #expect(held.shares == FlowScenario.dust && held.costBasis == FlowScenario.dustCost)

            // The market resolves for this outcome; position-sync marks the holding redeemable and
            // auto-claim redeems it like any other: 0.009 winning share pays $0.009.
            let funder = scenario.account.funderAddress
            let before = try await harness.venue.control.collateral(of: funder)
            try await harness.venue.control.resolve(conditionID: scenario.market.conditionID, winningToken: scenario.token)
            held.redeemable = true
            try await harness.store.savePosition(held)
            let claim = AutoClaim(
                store: harness.store, feed: harness.venue.feed,
                relayerTxs: RelayerTxDriver(store: harness.store, vault: harness.vault, relayer: harness.venue.relayer,
                                            wallClock: harness.clock.wallClock, ids: harness.ids.generator),
                wallClock: harness.clock.wallClock, logger: Logger(label: "flow"))
            for _ in 0..<4 {
                _ = try await claim.run()
                try await harness.venue.control.step()
            }
            let redeemed = try #require(try await harness.store.position(profileID: scenario.profile.id, tokenID: scenario.token))
            #expect(redeemed.shares == .zero && redeemed.costBasis == .zero && !redeemed.redeemable)
            #expect(redeemed.realizedPnL - held.realizedPnL == Collateral(baseUnits: 9_000 - 4_590))   // payout − its cost
            #expect(try await harness.venue.control.collateral(of: funder) - before == Collateral(baseUnits: 9_000))
            #expect(try await harness.venue.control.shares(of: funder, tokenID: scenario.token) == .zero)
        },
        .init("an exit into thin bids retries until flat, across a restart") { harness async throws in
            let scenario = try await FlowScenario.make(harness)
            try await scenario.copyLeaderBuy(on: harness)
            // Only 5 shares bid: the first FAK sells 5 and the rest waits.
            try await harness.venue.control.setBook(OrderBook(
                tokenID: scenario.token, bids: [BookLevel(price: Price(baseUnits: 490_000), size: .whole(5))],
                asks: [BookLevel(price: Price(baseUnits: 510_000), size: .whole(500))],
                tickSize: FlowScenario.cent, minOrderSize: .whole(5)))
            harness.clock.advance(by: .seconds(1))
            _ = try await scenario.leaderSells(.whole(100), on: harness)
            try await harness.ingestor().poll()
            try await harness.engine(owner: "worker-before-restart").runOnce()
            var exit = try #require(try await scenario.attempts(harness).first { $0.kind == .exit })
            #expect(exit.status == .placing)
            #expect(try await harness.store.orders(attemptID: exit.id).map(\.status) == [.partiallyFilled])

            // Nothing more before the retry is due; the process restarts meanwhile.
            #expect(try await harness.engine(owner: "worker-after-restart").runOnce() == 0)
            try await harness.venue.control.setBook(OrderBook(
                tokenID: scenario.token, bids: [BookLevel(price: Price(baseUnits: 480_000), size: .whole(500))],
                asks: [], tickSize: FlowScenario.cent, minOrderSize: .whole(5)))
            harness.clock.advance(by: .seconds(6))
            try await harness.engine(owner: "worker-after-restart").runOnce()

            exit = try #require(try await scenario.attempts(harness).first { $0.kind == .exit })
            #expect(exit.status == .done)
            #expect(exit.filledShares == Shares(baseUnits: 18_840_000))
            let orders = try await harness.store.orders(attemptID: exit.id)
            #expect(orders.map(\.status) == [.partiallyFilled, .filled])
            // 18.84 sellable of 18.849; 5 sold into the thin bid, then the other 13.84.
            #expect(orders.map(\.shares) == [Shares(baseUnits: 18_840_000), Shares(baseUnits: 13_840_000)])
            #expect(try await harness.store.position(profileID: scenario.profile.id, tokenID: scenario.token)?.shares
                    == FlowScenario.dust)
        },
        .init("a crash while an exit's sell is in flight resumes it with no second sell") { harness async throws in
            let scenario = try await FlowScenario.make(harness)
            try await scenario.copyLeaderBuy(on: harness)
            harness.clock.advance(by: .seconds(1))
            _ = try await scenario.leaderSells(.whole(100), on: harness)
            try await harness.ingestor().poll()
            let dying = harness.engine(owner: "worker-dies") { point in
                if point == .afterSend { throw SimulatedCrash(at: point) }
            }
            await #expect(throws: SimulatedCrash(at: .afterSend)) { try await dying.runOnce() }
            harness.clock.advance(by: .seconds(31))
            try await harness.engine(owner: "worker-restarted").runOnce()
            let exit = try #require(try await scenario.attempts(harness).first { $0.kind == .exit })
            #expect(exit.status == .done)
            #expect(try await harness.store.orders(attemptID: exit.id).count == 1)
            #expect(try await harness.store.position(profileID: scenario.profile.id, tokenID: scenario.token)?.shares
                    == FlowScenario.dust)
            #expect(try await harness.venue.control.shares(of: scenario.account.funderAddress, tokenID: scenario.token)
                    == FlowScenario.dust)
        },
        .init("two profiles following two leaders in one token keep separate ledgers") { harness async throws in
            let first = try await FlowScenario.make(harness, n: 1)
            let second = try await FlowScenario.make(harness, n: 2, market: (first.market, first.token))
            try await first.copyLeaderBuy(on: harness)
            let secondHeld = try await second.copyLeaderBuy(on: harness)
            harness.clock.advance(by: .seconds(1))
            // The first leader leaves; the second profile's shares are not the first's to sell.
            _ = try await first.leaderSells(.whole(100), on: harness)
            try await harness.ingestor().poll()
            try await harness.engine().runOnce()
            #expect(try await harness.store.position(profileID: first.profile.id, tokenID: first.token)?.shares == FlowScenario.dust)
            #expect(try await harness.store.position(profileID: second.profile.id, tokenID: second.token)?.shares == secondHeld)
            #expect(try await harness.venue.control.shares(of: second.account.funderAddress, tokenID: second.token) == secondHeld)
            #expect(try await second.attempts(harness).allSatisfy { $0.kind == .entry })
        },
        .init("EXIT_ONLY mirrors exits but opens nothing new") { harness async throws in
            let scenario = try await FlowScenario.make(harness)
            try await scenario.copyLeaderBuy(on: harness)
            _ = try await ProfileCommands(store: harness.store, wallClock: harness.clock.wallClock, ids: harness.ids.generator)
                .exitOnly(scenario.profile.id)
            harness.clock.advance(by: .seconds(1))
            _ = try await scenario.leaderBuys(on: harness)
            _ = try await scenario.leaderSells(.whole(200), on: harness)
            try await harness.ingestor().poll()
            try await harness.engine().runOnce()
            let attempts = try await scenario.attempts(harness)
            let newEntry = try #require(attempts.first { $0.kind == .entry && $0.status != .done })
            let exit = try #require(attempts.first { $0.kind == .exit })
            #expect(newEntry.status == .skipped)
            #expect(newEntry.skipReason == .profileNotActive)
            #expect(exit.status == .done)
            #expect(try await harness.store.position(profileID: scenario.profile.id, tokenID: scenario.token)?.shares
                    == FlowScenario.dust)
        },
        .init("USER_PAUSED and the operator's PAUSED copy nothing, exits included") { harness async throws in
            for (n, status) in [(1, ProfileStatus.userPaused), (2, .paused)] {
                let scenario = try await FlowScenario.make(harness, n: n)
                let held = try await scenario.copyLeaderBuy(on: harness)
                let paused = try await harness.store.transitionProfile(
                    scenario.profile.id, from: .enabled, to: status, at: harness.clock.now())
                #expect(paused)
                harness.clock.advance(by: .seconds(1))
                _ = try await scenario.leaderSells(.whole(100), on: harness)
                try await harness.ingestor().poll()
                try await harness.engine().runOnce()
                let exit = try #require(try await scenario.attempts(harness).first { $0.kind == .exit })
                #expect(exit.status == .skipped, "\(status)")
                #expect(exit.skipReason == .profileNotActive)
                #expect(try await harness.store.position(profileID: scenario.profile.id, tokenID: scenario.token)?.shares == held)
                #expect(try await harness.store.orders(attemptID: exit.id).isEmpty)
            }
        },
        .init("STOPPED with sell-now closes every position out; with hold it keeps them; neither copies again") { harness async throws in
            let commands = ProfileCommands(store: harness.store, wallClock: harness.clock.wallClock, ids: harness.ids.generator)
            let selling = try await FlowScenario.make(harness, n: 1)
            let holding = try await FlowScenario.make(harness, n: 2)
            try await selling.copyLeaderBuy(on: harness)
            let held = try await holding.copyLeaderBuy(on: harness)

            let stoppedSelling = try await commands.stop(selling.profile.id, behavior: .sellNow)
            let stoppedHolding = try await commands.stop(holding.profile.id, behavior: .holdToResolution)
            #expect(stoppedSelling.status == .stopped && stoppedSelling.stopBehavior == .sellNow)
            #expect(stoppedHolding.status == .stopped && stoppedHolding.stopBehavior == .holdToResolution)
            // Stopping twice changes nothing and creates no second close-out.
            _ = try await commands.stop(selling.profile.id, behavior: .sellNow)
            try await harness.engine().runOnce()

            let closeOuts = try await selling.attempts(harness).filter { $0.kind == .closeOut }
            #expect(closeOuts.count == 1)
            #expect(closeOuts.first?.status == .done)
            #expect(closeOuts.first?.filledShares == Shares(baseUnits: 18_840_000))
            #expect(try await harness.store.position(profileID: selling.profile.id, tokenID: selling.token)?.shares
                    == FlowScenario.dust)
            #expect(try await holding.attempts(harness).allSatisfy { $0.kind == .entry })
            #expect(try await harness.store.position(profileID: holding.profile.id, tokenID: holding.token)?.shares == held)

            harness.clock.advance(by: .seconds(1))
            _ = try await selling.leaderBuys(on: harness)
            _ = try await holding.leaderSells(.whole(100), on: harness)
            #expect(try await harness.ingestor().poll() == 2)
            #expect(try await selling.attempts(harness).count == 2, "a stopped profile gets no new attempts")
            #expect(try await holding.attempts(harness).count == 1)
        },
        .init("PAPER exits sell against the live bids and book into the same ledger, sending nothing") { harness async throws in
            let scenario = try await FlowScenario.make(harness, mode: .paper)
            let bought = try await scenario.copyLeaderBuy(on: harness)
            #expect(bought == FlowScenario.bought, "paper buys what a live order would")
            harness.clock.advance(by: .seconds(1))
            _ = try await scenario.leaderSells(.whole(50), on: harness)
            try await harness.ingestor().poll()
            try await harness.engine().runOnce()
            let exit = try #require(try await scenario.attempts(harness).first { $0.kind == .exit })
            #expect(exit.status == .done)
            let orders = try await harness.store.orders(attemptID: exit.id)
            #expect(orders.map(\.paper) == [true])
            #expect(orders.map(\.side) == [.sell])
            let position = try #require(try await harness.store.position(profileID: scenario.profile.id, tokenID: scenario.token))
            #expect(position.shares == Shares(baseUnits: 9_429_000))   // as live: 18.849 − 9.42
            #expect(position.realizedPnL == Collateral(baseUnits: 4_615_800 - 4_804_200))
            #expect(try await harness.venue.control.collateral(of: scenario.account.funderAddress) == .dollars(100))
            #expect(try await harness.venue.control.shares(of: scenario.account.funderAddress, tokenID: scenario.token) == .zero)
        },
    ] }
}

extension FlowScenario {
    /// Copies the leader's buy; a second later the leader sells all 100 and the engine runs once.
    /// Returns the exit attempt.
    func copyThenFullExit(on harness: CopyFlowHarness) async throws -> CopyAttempt {
        try await self.copyLeaderBuy(on: harness)
        harness.clock.advance(by: .seconds(1))
        _ = try await self.leaderSells(.whole(100), on: harness)
        try await harness.ingestor().poll()
        try await harness.engine().runOnce()
        return try #require(try await self.attempts(harness).first { $0.kind == .exit })
    }
}
