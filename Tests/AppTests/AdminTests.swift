import Foundation
import Hummingbird
import HummingbirdTesting
import Kernel
import KernelTesting
import Testing

@testable import App

@Suite struct AdminTests {
    static let adminToken = "admin-" + String(repeating: "k", count: 40)

    static func world() async throws -> APIWorld {
        try await APIWorld.make(["ADMIN_TOKEN": Self.adminToken])
    }

    @Test func everyAdminRouteRefusesAWrongEmptyPrefixLongerOrMissingToken() async throws {
        let world = try await Self.world()
        let user = try await APIWorld.token("dynamic|alice")
        let refused: [String?] = [nil, "", "wrong", String(Self.adminToken.dropLast()), Self.adminToken + "k",
                                  String(Self.adminToken.prefix(1)), Self.adminToken.uppercased(), user]
        let adminRoutes = APIDocument.routes(mode: .local).filter(\.admin)
        #expect(adminRoutes.count == 5)
        try await world.run { client in
            for route in adminRoutes {
                let method = HTTPRequest.Method(rawValue: route.method) ?? .get
                let body = route.requestBody == nil ? nil : #"{"txId":"relayer-0001"}"#
                for token in refused {
                    let answer = try await client.call(method, route.path, token: token, json: body)
                    #expect(answer.status == 401, "\(route.method) \(route.path) with \(token == nil ? "no token" : "a bad token")")
                }
            }
            let raw = try await client.execute(uri: "/admin/audit-logs", method: .get,
                                               headers: [.authorization: Self.adminToken]) { Int($0.status.code) }
            #expect(raw == 401, "the token without the Bearer scheme")
        }
        let trail = try await world.backends.store.recentAudit(limit: 10)
        #expect(trail.isEmpty, "a refused request changes nothing")
    }

    @Test func pauseAllAndResumeAllDoWhatTheRunbookSQLDoesAndAreAudited() async throws {
        let world = try await Self.world()
        let store = world.backends.store
        let leader = Leader.fixture(900)
        try await store.insertLeader(leader)
        let seededStatuses: [ProfileStatus] = [.enabled, .enabled, .userPaused, .exitOnly, .stopped]
        // Local mode seeds the demo user's ENABLED profile too.
        let demo = try #require(try await store.user(externalID: Demo.externalID))
        var ids = try await store.profiles(userID: demo.id).map(\.id)
        #expect(ids.count == 1)
        let seeded = seededStatuses.count
        for (index, status) in seededStatuses.enumerated() {
            let user = User.fixture(900 + index)
            try await store.insertUser(user)
            let wallet = TradingWallet.fixture(900 + index, userID: user.id)
            try await store.insertWallet(wallet)
            let profile = CopyProfile.fixture(900 + index, userID: user.id, leaderID: leader.id, walletID: wallet.id, status: status)
            try await store.insertProfile(profile)
            ids.append(profile.id)
        }
        #expect(ids.count == seeded + 1)
        let expected: [ProfileStatus] = [.enabled] + seededStatuses
        let profileIDs = ids
        @Sendable func statusesNow() async throws -> [ProfileStatus] {
            var now: [ProfileStatus] = []
            for id in profileIDs { now.append(try #require(try await store.profile(id: id)).status) }
            return now
        }
        try await world.run { client in
            let paused = try await client.call(.post, "/admin/pause-all", token: Self.adminToken)
            #expect(paused.status == 200)
            #expect(paused.body.contains(#""profilesChanged":3"#), "\(paused.body)")
            #expect(try await statusesNow() == [.paused, .paused, .paused, .userPaused, .exitOnly, .stopped])

            let resumed = try await client.call(.post, "/admin/resume-all", token: Self.adminToken)
            #expect(resumed.status == 200)
            #expect(resumed.body.contains(#""profilesChanged":3"#))
            #expect(try await statusesNow() == expected, "USER_PAUSED, EXIT_ONLY and STOPPED are never touched")

            let audit = try await client.call(.get, "/admin/audit-logs?limit=10", token: Self.adminToken)
            #expect(audit.status == 200)
            let entries = try decode(AuditListBody.self, audit.body).entries
            #expect(entries.map(\.action).prefix(2) == ["admin.resume_all", "admin.pause_all"])
            #expect(entries.allSatisfy { $0.actor == "admin" })
            let badLimit = try await client.call(.get, "/admin/audit-logs?limit=0", token: Self.adminToken)
            #expect(badLimit.status == 400)
        }
    }

    @Test func retryRelayerMovesTheSameFailedRowBackToPendingOnceAndNeverAddsARow() async throws {
        let world = try await Self.world()
        let store = world.backends.store
        let user = User.fixture(950)
        try await store.insertUser(user)
        let wallet = TradingWallet.fixture(950, userID: user.id)
        try await store.insertWallet(wallet)
        let failed = RelayerTx.fixture(950, userID: user.id, walletID: wallet.id, kind: .withdraw,
                                       idempotencyKey: "withdraw:once", status: .failed, relayerReference: "ref-1",
                                       amount: .dollars(5), destination: .fixture(0xbeef), submitCount: 1,
                                       lastError: "relayer state STATE_FAILED")
        try await store.insertRelayerTx(failed)
        let confirmed = RelayerTx.fixture(951, userID: user.id, walletID: wallet.id, idempotencyKey: "withdraw:done",
                                          status: .confirmed)
        try await store.insertRelayerTx(confirmed)
        let tooBig = RelayerTx.fixture(952, userID: user.id, walletID: wallet.id, kind: .withdraw,
                                       idempotencyKey: "withdraw:too-big", status: .failed, amount: .dollars(1_000),
                                       destination: .fixture(0xbeef), submitCount: 1, lastError: "relayer state STATE_FAILED")
        try await store.insertRelayerTx(tooBig)
        try await store.recordSyncedBalance(walletID: wallet.id, collateral: .dollars(100), at: .fixture)
        try await world.run { client in
            let overdraw = try await client.call(.post, "/admin/retry-relayer", token: Self.adminToken,
                                                 json: #"{"txId":"\#(tooBig.id.rawValue)"}"#)
            #expect(overdraw.status == 409, "a retry never reserves more than is available")
            #expect(overdraw.body.contains("available balance"))
            let retried = try await client.call(.post, "/admin/retry-relayer", token: Self.adminToken,
                                                json: #"{"txId":"\#(failed.id.rawValue)"}"#)
            #expect(retried.status == 200, "\(retried.body)")
            #expect(retried.body.contains(#""status":"PENDING""#))
            let again = try await client.call(.post, "/admin/retry-relayer", token: Self.adminToken,
                                              json: #"{"txId":"\#(failed.id.rawValue)"}"#)
            #expect(again.status == 409, "only a FAILED row can be retried")
            let notFailed = try await client.call(.post, "/admin/retry-relayer", token: Self.adminToken,
                                                  json: #"{"txId":"\#(confirmed.id.rawValue)"}"#)
            #expect(notFailed.status == 409)
            let unknown = try await client.call(.post, "/admin/retry-relayer", token: Self.adminToken, json: #"{"txId":"nope"}"#)
            #expect(unknown.status == 404)
            let malformed = try await client.call(.post, "/admin/retry-relayer", token: Self.adminToken, json: #"{"tx":"x"}"#)
            #expect(malformed.status == 400)
        }
        let rows = try await store.relayerTxs(userID: user.id, limit: 10)
        #expect(rows.count == 3, "a retry never adds a row")
        #expect(try await store.relayerTx(id: tooBig.id)?.status == .failed)
        let stored = try #require(try await store.relayerTx(id: failed.id))
        #expect(stored.status == .pending)
        #expect(stored.idempotencyKey == "withdraw:once")
        #expect(stored.relayerReference == nil, "cleared, so the next step signs it again")
        let trail = try await store.recentAudit(limit: 10)
        #expect(trail.filter { $0.action == "admin.retry_relayer" }.map(\.subjectID) == [failed.id.rawValue],
                "one audit row, for the retry that changed something")
    }

    @Test func aWithdrawalIsBalanceCheckedIdempotentAndPolledToConfirmed() async throws {
        let world = try await Self.world()
        let alice = try await APIWorld.token("dynamic|alice")
        let destination = "0x00000000000000000000000000000000000d00d0"
        let body = #"{"amount":"20","destination":"\#(destination)","idempotencyKey":"first"}"#
        try await world.run { client in
            _ = try await world.readyFundedWallet(client, token: alice)

            let tooMuch = try await client.call(.post, "/withdrawals", token: alice,
                                                json: #"{"amount":"1000.000001","destination":"\#(destination)","idempotencyKey":"x"}"#)
            #expect(tooMuch.status == 422)
            #expect(tooMuch.body.contains(#""field":"amount""#))
            let badAddress = try await client.call(.post, "/withdrawals", token: alice,
                                                   json: #"{"amount":"1","destination":"0x12","idempotencyKey":"x"}"#)
            #expect(badAddress.status == 422)
            let missing = try await client.call(.post, "/withdrawals", token: alice, json: #"{"amount":"1"}"#)
            #expect(missing.status == 400)
            let anonymous = try await client.call(.post, "/withdrawals", token: nil, json: body)
            #expect(anonymous.status == 401)

            let created = try await client.call(.post, "/withdrawals", token: alice, json: body)
            #expect(created.status == 201, "\(created.body)")
            let id = try decode(WithdrawalView.self, created.body).id
            let repeated = try await client.call(.post, "/withdrawals", token: alice, json: body)
            #expect(repeated.status == 200, "the same key is the same withdrawal")
            #expect(try decode(WithdrawalView.self, repeated.body).id == id)
            let reused = try await client.call(.post, "/withdrawals", token: alice,
                                               json: #"{"amount":"21","destination":"\#(destination)","idempotencyKey":"first"}"#)
            #expect(reused.status == 409)

            let withdrawals = world.backends.withdrawals(wallClock: .system)
            for _ in 0..<3 {
                await world.backends.venue.stepSimulation()
                try await withdrawals.pollInFlight()
            }
            let done = try decode(WithdrawalListBody.self, try await client.call(.get, "/withdrawals", token: alice).body)
            #expect(done.withdrawals.map(\.status) == ["CONFIRMED"])
            #expect(done.withdrawals.map(\.id) == [id])
            let after = try decode(WalletView.self, try await client.call(.get, "/wallet", token: alice).body)
            // The reading taken when the withdrawal was requested stands (it is not yet 30 s old);
            // the confirmed transfer stays held until a reading at least a minute after it shows it.
            #expect(after.balance == "1000")
            #expect(after.heldForWithdrawals == "20")
            #expect(after.available == "980", "one transfer of 20")
        }
    }

    @Test func claimsListsTheUsersOwnRedemptionsAndNothingElse() async throws {
        let world = try await Self.world()
        let alice = try await APIWorld.token("dynamic|alice-claims")
        try await world.run { client in
            let wallet = try decode(WalletView.self, try await client.call(.get, "/wallet", token: alice).body)
            let stored = try #require(try await world.backends.store.wallet(id: WalletID(wallet.id)))
            let condition = "0x" + String(repeating: "ab", count: 32)
            let claim = RelayerTx.fixture(960, userID: stored.userID, walletID: stored.id, kind: .redeem,
                                          idempotencyKey: RelayerTxDriver.redeemKey(walletID: stored.id, conditionID: condition),
                                          status: .confirmed, transactionHash: "0xfeed", amount: .dollars(8), destination: nil)
            try await world.backends.store.insertRelayerTx(claim)
            try await world.backends.store.insertRelayerTx(RelayerTx.fixture(
                961, userID: stored.userID, walletID: stored.id, kind: .withdraw, idempotencyKey: "withdraw:not-a-claim"))
            let other = User.fixture(961)
            try await world.backends.store.insertUser(other)
            let otherWallet = TradingWallet.fixture(961, userID: other.id)
            try await world.backends.store.insertWallet(otherWallet)
            try await world.backends.store.insertRelayerTx(RelayerTx.fixture(
                962, userID: other.id, walletID: otherWallet.id, kind: .redeem,
                idempotencyKey: RelayerTxDriver.redeemKey(walletID: otherWallet.id, conditionID: condition)))

            let answer = try await client.call(.get, "/claims", token: alice)
            #expect(answer.status == 200)
            let claims = try decode(ClaimList.self, answer.body).claims
            #expect(claims.map(\.id) == [claim.id.rawValue], "alice's redemption only: no withdrawal, no one else's claim")
            #expect(claims.first?.conditionId == condition)
            #expect(claims.first?.amount == "8")
            #expect(claims.first?.status == "CONFIRMED")
            #expect(try await client.call(.get, "/claims", token: nil).status == 401)
        }
    }

    @Test func systemStatusMarksAWorkerWhosePingIsOlderThanTwoMinutesDown() async throws {
        let world = try await Self.world()
        let now = WallClock.system.now()
        try await world.backends.cache.recordHeartbeat(.copyTrading, at: now - .seconds(10))
        try await world.backends.cache.recordHeartbeat(.autoClaim, at: now - .seconds(121))
        try await HealthCheck(probes: [], expectedWorkers: [.copyTrading, .autoClaim], cache: world.backends.cache,
                              wallClock: .system).run()
        try await world.run { client in
            let answer = try await client.call(.get, "/system/status", token: nil)
            #expect(answer.status == 200)
            let status = try decode(SystemStatusBody.self, answer.body)
            let up = Dictionary(uniqueKeysWithValues: status.workers.map { ($0.name, $0.up) })
            #expect(up["copy-trading"] == true)
            #expect(up["auto-claim"] == false, "121 s since the last ping")
            #expect(up["position-sync"] == false, "never pinged")
            #expect(status.status == "degraded")
            #expect(Set(status.breakers.map(\.service)) == ["exchange", "relayer"])
            let health = try #require(status.health, "the last system:health report, as an object")
            #expect(health.status == "degraded")
            #expect(health.workers.map(\.up) == [true, false], "system:health says the same of auto-claim")
        }
    }
}

private struct WithdrawalListBody: Decodable {
    struct Item: Decodable {
        var id: String
        var status: String
    }
    var withdrawals: [Item]
}

private struct AuditListBody: Decodable {
    struct Entry: Decodable {
        var actor: String
        var action: String
    }
    var entries: [Entry]
}

private struct SystemStatusBody: Decodable {
    struct Worker: Decodable {
        var name: String
        var up: Bool
    }
    struct Breaker: Decodable {
        var service: String
    }
    struct Health: Decodable {
        var status: String
        var workers: [Worker]
    }
    var status: String
    var workers: [Worker]
    var breakers: [Breaker]
    var health: Health?
}
