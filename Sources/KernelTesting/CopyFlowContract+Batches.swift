import Kernel
import Testing

/// Flows of the batch pipeline (issue #18): followers of one fill sharing one book, and crashes at
/// the batch's boundaries — after its signed orders are persisted, in the middle of its sends,
/// after its answers are in. Whatever happens, exactly one order per attempt.
extension CopyFlowContract {
    static var batchCases: [CopyFlowContract] { [
        .init("followers of one fill share the book's depth: each is sized against what the ones before it left") { harness async throws in
            // 40 shares at 0.51 and nothing more within the 0.53 limit: two $10 copies (18.849
            // shares each) fit, the third finds 2.3 shares, below the 5-share minimum.
            let scenarios = try await FlowScenario.followers(
                3, harness, asks: [BookLevel(price: Price(baseUnits: 510_000), size: .whole(40))])
            _ = try await scenarios[0].leaderBuys(on: harness)
            #expect(try await harness.ingestor().poll() == 1)
            try await harness.engine().runOnce()

            var attempts: [CopyAttempt] = []
            for scenario in scenarios { attempts.append(try await scenario.onlyAttempt(harness)) }
            #expect(Set(attempts.compactMap(\.fanoutPlace)) == [0, 1, 2], "each attempt records its place")
            let byPlace = attempts.sorted { ($0.fanoutPlace ?? 0) < ($1.fanoutPlace ?? 0) }
            #expect(byPlace.map(\.status) == [.done, .done, .skipped])
            #expect(byPlace.last?.skipReason == .insufficientDepth)
            for attempt in byPlace.prefix(2) {
                #expect(attempt.filledShares == FlowScenario.bought)
                #expect(try await harness.store.orders(attemptID: attempt.id).map(\.status) == [.filled])
            }
        },
        .init("a fill recorded by the copying worker is copied at once, claimed in the recording commit") { harness async throws in
            let scenarios = try await FlowScenario.followers(3, harness)
            _ = try await scenarios[0].leaderBuys(on: harness)
            let engine = harness.engine()
            #expect(try await harness.ingestor().handingOff(to: engine).poll() == 1)
            for scenario in scenarios {
                let attempt = try await scenario.onlyAttempt(harness)
                #expect(attempt.status == .done)
                #expect(attempt.fencingToken == 1, "no claim beyond the recording commit")
                #expect(try await harness.store.orders(attemptID: attempt.id).map(\.status) == [.filled])
            }
            #expect(try await engine.runOnce() == 0, "nothing left for a claim")
        },
        .init("a crash after a batch's signed orders are persisted sends each exactly once after restart") { harness async throws in
            try await Self.crashBatchThenRestart(at: .afterPersist, harness)
        },
        .init("a crash in the middle of a batch's sends never sends an order twice") { harness async throws in
            try await Self.crashBatchThenRestart(at: .afterSend, harness)
        },
        .init("a crash after a batch's answers are in never sends a second order") { harness async throws in
            try await Self.crashBatchThenRestart(at: .afterResponse, harness)
        },
    ] }

    /// Three followers copy one fill in one batch; the worker dies at `point` (the first time it
    /// is reached); after the lease expires a second worker finishes. Every attempt ends DONE with
    /// exactly one order, filled once at the venue and booked once.
    static func crashBatchThenRestart(at point: CopyEngine.FaultPoint, _ harness: CopyFlowHarness) async throws {
        let scenarios = try await FlowScenario.followers(3, harness)
        _ = try await scenarios[0].leaderBuys(on: harness)
        try await harness.ingestor().poll()
        let dying = harness.engine(owner: "worker-dies") { reached in
            if reached == point { throw SimulatedCrash(at: point) }
        }
        await #expect(throws: SimulatedCrash(at: point)) { try await dying.runOnce() }

        let restarted = harness.engine(owner: "worker-restarted")
        #expect(try await restarted.runOnce() == 0, "the claim holds until its lease expires")
        harness.clock.advance(by: .seconds(31))
        try await restarted.runOnce()

        for scenario in scenarios {
            let attempt = try await scenario.onlyAttempt(harness)
            #expect(attempt.status == .done, "after a crash at \(point)")
            let orders = try await harness.store.orders(attemptID: attempt.id)
            #expect(orders.map(\.status) == [.filled], "exactly one order, after a crash at \(point)")
            let held = try await harness.venue.control.shares(of: scenario.account.funderAddress, tokenID: scenario.token)
            #expect(held == orders.first?.filledShares)
            let position = try await harness.store.position(profileID: scenario.profile.id, tokenID: scenario.token)
            #expect(position?.shares == held)
        }
    }
}

extension FlowScenario {
    /// `count` followers of one leader in one market (asks as given, or the default book).
    static func followers(_ count: Int, _ harness: CopyFlowHarness, asks: [BookLevel]? = nil) async throws -> [FlowScenario] {
        let first = try await FlowScenario.make(harness, n: 1, asks: asks)
        var all = [first]
        for n in 2...max(2, count) where n <= count {
            all.append(try await FlowScenario.make(harness, n: n, leader: first.leader, market: (first.market, first.token)))
        }
        return all
    }
}
