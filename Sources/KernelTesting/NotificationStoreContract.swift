public import Kernel
import Testing

extension WebhookEndpoint {
    /// Endpoint `n` of `userID`, subscribed to `events` (`nil`: every type).
    public static func fixture(_ n: Int, userID: UserID, events: Set<NotificationType>? = nil,
                               createdAt: Timestamp = .fixture) -> WebhookEndpoint {
        WebhookEndpoint(id: WebhookEndpointID("endpoint-\(Fixtures.padded(n))"), userID: userID,
                        url: "https://hooks.example.com/\(n)", events: events, sealedSecret: .fixture(seed: n),
                        createdAt: createdAt + .milliseconds(Int64(n)), updatedAt: createdAt)
    }
}

/// The notifications worker and routes' view of one endpoint's deliveries: dispatch, then list
/// oldest first.
private func dispatched(_ store: some Store, _ endpoint: WebhookEndpoint, at time: Timestamp = .fixture)
    async throws -> [WebhookDelivery] {
    _ = try await store.dispatchOutbox(limit: 100, at: time)
    return try await store.deliveries(endpointID: endpoint.id, limit: 100).reversed()
}

extension StoreContract where Port == NotificationStorePort {
    public static var cases: [NotificationStoreContract] { [
        .init("endpoints: the per-user limit is checked with the insert; listed oldest first; deleted by their owner only") {
            store async throws in
            let alice = try await Seed.user(1, in: store)
            let bob = try await Seed.user(2, in: store)
            let first = WebhookEndpoint.fixture(1, userID: alice.id, events: [.copyDigest, .withdrawalFailed])
            let second = WebhookEndpoint.fixture(2, userID: alice.id)
            #expect(try await store.insertWebhookEndpoint(first, limit: 2))
            #expect(try await store.insertWebhookEndpoint(second, limit: 2))
            #expect(try await !store.insertWebhookEndpoint(.fixture(3, userID: alice.id), limit: 2), "the limit holds")
            #expect(try await store.insertWebhookEndpoint(.fixture(4, userID: bob.id), limit: 2), "per user")
            #expect(try await store.webhookEndpoints(userID: alice.id) == [first, second])
            #expect(try await store.webhookEndpoint(id: first.id) == first)
            #expect(try await !store.deleteWebhookEndpoint(id: first.id, userID: bob.id), "not Bob's")
            #expect(try await store.deleteWebhookEndpoint(id: first.id, userID: alice.id))
            #expect(try await store.webhookEndpoints(userID: alice.id) == [second])
        },
        .init("a rotated secret keeps the old one as previous until its deadline; only the owner rotates") {
            store async throws in
            let alice = try await Seed.user(1, in: store)
            let endpoint = WebhookEndpoint.fixture(1, userID: alice.id)
            _ = try await store.insertWebhookEndpoint(endpoint, limit: 5)
            let until = Timestamp.fixture + .seconds(86_400)
            #expect(try await !store.rotateWebhookSecret(id: endpoint.id, userID: UserID("user-0009"),
                                                         sealed: .fixture(seed: 9), previous: endpoint.sealedSecret,
                                                         previousUntil: until, at: .fixture))
            #expect(try await store.rotateWebhookSecret(id: endpoint.id, userID: alice.id, sealed: .fixture(seed: 9),
                                                        previous: endpoint.sealedSecret, previousUntil: until, at: .fixture))
            let stored = try #require(try await store.webhookEndpoint(id: endpoint.id))
            #expect(stored.sealedSecret == .fixture(seed: 9))
            #expect(stored.previousSealedSecret == endpoint.sealedSecret)
            #expect(stored.previousSecretUntil == until)
        },
        .init("rotation finds the endpoints sealed under another key and reseals them by compare-and-set") { store async throws in
            let alice = try await Seed.user(1, in: store)
            var old = WebhookEndpoint.fixture(1, userID: alice.id)
            old.sealedSecret = .fixture(keyVersion: 1, seed: 1)
            let current = WebhookEndpoint.fixture(2, userID: alice.id)
            _ = try await store.insertWebhookEndpoint(old, limit: 5)
            _ = try await store.insertWebhookEndpoint(WebhookEndpoint(
                id: current.id, userID: alice.id, url: current.url, events: nil, sealedSecret: .fixture(keyVersion: 2, seed: 2),
                createdAt: .fixture, updatedAt: .fixture), limit: 5)
            #expect(try await store.webhookEndpoints(sealedUnderOtherThan: 2, limit: 10).map(\.id) == [old.id])
            #expect(try await !store.resealWebhookSecrets(id: old.id, expected: .fixture(keyVersion: 1, seed: 9),
                                                          sealed: .fixture(keyVersion: 2, seed: 3), previous: nil), "a stale seal")
            #expect(try await store.resealWebhookSecrets(id: old.id, expected: old.sealedSecret,
                                                         sealed: .fixture(keyVersion: 2, seed: 3), previous: nil))
            #expect(try await store.webhookEndpoints(sealedUnderOtherThan: 2, limit: 10).isEmpty)
            #expect(try await store.webhookEndpoint(id: old.id)?.sealedSecret == .fixture(keyVersion: 2, seed: 3))
        },
        .init("changes made through Mirror write their events in the same step, reaching the user's endpoint") {
            store async throws in
            let leader = try await Seed.leader(1, in: store)
            let profile = try await Seed.follower(1, of: leader, in: store)
            let endpoint = WebhookEndpoint.fixture(1, userID: profile.userID)
            _ = try await store.insertWebhookEndpoint(endpoint, limit: 5)
            let paused = AuditEntry(id: "audit-0001", actor: "admin", action: "profile.paused", createdAt: .fixture)
            #expect(try await store.transitionProfile(profile.id, from: .enabled, to: .paused, at: .fixture, audit: paused))
            #expect(try await !store.transitionProfile(profile.id, from: .enabled, to: .paused, at: .fixture), "no change, no event")
            #expect(try await store.transitionProfile(profile.id, from: .paused, to: .enabled, at: .fixture))
            #expect(try await store.stopProfile(profile.id, from: .enabled, behavior: .holdToResolution, closeOuts: [], at: .fixture))
            let address = WithdrawalAddress(userID: profile.userID, address: .fixture(0xa1), createdAt: .fixture,
                                            usableAt: .fixture)
            _ = try await store.addWithdrawalAddress(address, audit: .fixture(2))
            _ = try await store.removeWithdrawalAddress(userID: profile.userID, address: address.address, audit: .fixture(3))
            try await store.recordSyncedBalance(walletID: profile.walletID, collateral: Collateral(baseUnits: 100_000_000),
                                                at: .fixture)
            let withdrawal = RelayerTx.fixture(1, userID: profile.userID, walletID: profile.walletID)
            _ = try await store.reserveWithdrawal(withdrawal, dailyLimit: nil, audit: nil)
            var confirmed = withdrawal
            confirmed.status = .confirmed
            #expect(try await store.updateRelayerTx(confirmed, from: .pending))
            let claim = RelayerTx.fixture(2, userID: profile.userID, walletID: profile.walletID, kind: .redeem, status: .mined)
            try await store.insertRelayerTx(claim)
            var paid = claim
            paid.status = .confirmed
            #expect(try await store.updateRelayerTx(paid, from: .mined))

            let deliveries = try await dispatched(store, endpoint)
            #expect(deliveries.map(\.type) == [
                .followPaused, .followResumed, .followStopped, .withdrawalAddressAdded, .withdrawalAddressRemoved,
                .withdrawalAccepted, .withdrawalConfirmed, .claimPaid,
            ])
            #expect(deliveries.allSatisfy { $0.status == .pending && $0.attempts == 0 && $0.userID == profile.userID })
            let first = try #require(deliveries.first)
            #expect(first.payload.hasPrefix(#"{"type":"follow.paused","timestamp":"\#(Timestamp.fixture)","data":{"#))
            #expect(first.payload.contains(#""by":"operator""#))
            #expect(Set(deliveries.map(\.webhookID)).count == deliveries.count, "one webhook id per delivery")
            #expect(try await store.dispatchOutbox(limit: 100, at: .fixture) == 0, "dispatched once")
            #expect(try await store.recordExternalFollowChanges(at: .fixture) == 0, "Mirror's own changes are not outside ones")
        },
        .init("a copy-quality rule's pause is a follow.paused event by the rule, written with the pause") { store async throws in
            let leader = try await Seed.leader(1, in: store)
            let profile = try await Seed.follower(1, of: leader, in: store)
            let endpoint = WebhookEndpoint.fixture(1, userID: profile.userID)
            _ = try await store.insertWebhookEndpoint(endpoint, limit: 5)
            let audit = AuditEntry(id: "audit-0001", actor: "rule", action: "profile.auto_paused", createdAt: .fixture)
            #expect(try await store.pauseByRule(profile.id, rule: "drag 7% > 5%", at: .fixture, audit: audit))
            #expect(try await !store.pauseByRule(profile.id, rule: "drag 7% > 5%", at: .fixture, audit: .fixture(2)),
                    "already paused: no change, no event")
            let deliveries = try await dispatched(store, endpoint)
            #expect(deliveries.map(\.type) == [.followPaused])
            #expect(deliveries.first?.payload.contains(#""by":"rule""#) == true)
            #expect(try await store.recordExternalFollowChanges(at: .fixture) == 0, "not reported again as an outside change")
        },
        .init("an endpoint receives the types it subscribes to; a test reaches only its endpoint") { store async throws in
            let alice = try await Seed.user(1, in: store)
            let digests = WebhookEndpoint.fixture(1, userID: alice.id, events: [.copyDigest])
            let all = WebhookEndpoint.fixture(2, userID: alice.id)
            _ = try await store.insertWebhookEndpoint(digests, limit: 5)
            _ = try await store.insertWebhookEndpoint(all, limit: 5)
            try await store.appendOutbox([
                OutboxEvent(userID: alice.id, type: .claimPaid, data: [], at: .fixture),
                OutboxEvent(userID: alice.id, type: .webhookTest, data: [], at: .fixture, target: .only(digests.id)),
                OutboxEvent(userID: alice.id, type: .webhookCircuitOpened, data: [], at: .fixture, target: .allBut(all.id)),
            ])
            #expect(try await dispatched(store, digests).map(\.type) == [.webhookTest])
            #expect(try await dispatched(store, all).map(\.type) == [.claimPaid])
        },
        .init("a delivery is claimed by one worker at a time, finished by its holder only, and retried once FAILED") {
            store async throws in
            let alice = try await Seed.user(1, in: store)
            let endpoint = WebhookEndpoint.fixture(1, userID: alice.id)
            _ = try await store.insertWebhookEndpoint(endpoint, limit: 5)
            try await store.appendOutbox([OutboxEvent(userID: alice.id, type: .claimPaid, data: [], at: .fixture)])
            _ = try await store.dispatchOutbox(limit: 10, at: .fixture)
            #expect(try await store.oldestUndeliveredOutbox() == .fixture)
            let claimed = try await store.claimDeliveries(owner: "a", now: .fixture, leaseDuration: .seconds(60), limit: 10)
            #expect(claimed.count == 1)
            #expect(try await store.claimDeliveries(owner: "b", now: .fixture, leaseDuration: .seconds(60), limit: 10).isEmpty)
            var failed = try #require(claimed.first)
            failed.attempts = 1
            failed.status = .failed
            failed.lastStatusCode = 500
            failed.lastError = "HTTP 500"
            failed.updatedAt = .fixture + .seconds(1)
            #expect(try await !store.finishDelivery(failed, owner: "b"), "not b's lease")
            #expect(try await store.finishDelivery(failed, owner: "a"))
            #expect(try await !store.finishDelivery(failed, owner: "a"), "finished once")
            let listed = try #require(try await store.deliveries(endpointID: endpoint.id, limit: 5).first)
            #expect(listed.status == .failed && listed.lastStatusCode == 500 && listed.attempts == 1)
            #expect(try await store.oldestUndeliveredOutbox() == nil)
            let later = Timestamp.fixture + .seconds(120)
            #expect(try await store.retryDelivery(id: listed.id, endpointID: endpoint.id, at: later))
            #expect(try await !store.retryDelivery(id: listed.id, endpointID: endpoint.id, at: later), "only FAILED ones")
            let again = try await store.claimDeliveries(owner: "c", now: later, leaseDuration: .seconds(60), limit: 10)
            #expect(again.map(\.webhookID) == [failed.webhookID], "the same webhook id on a retry")
            #expect(again.first?.attempts == 0)
        },
        .init("an open breaker holds its endpoint's deliveries back; opening it tells the user in the same step") {
            store async throws in
            let alice = try await Seed.user(1, in: store)
            let broken = WebhookEndpoint.fixture(1, userID: alice.id)
            let other = WebhookEndpoint.fixture(2, userID: alice.id, events: [.webhookCircuitOpened])
            _ = try await store.insertWebhookEndpoint(broken, limit: 5)
            _ = try await store.insertWebhookEndpoint(other, limit: 5)
            try await store.appendOutbox([OutboxEvent(userID: alice.id, type: .claimPaid, data: [], at: .fixture)])
            _ = try await store.dispatchOutbox(limit: 10, at: .fixture)
            let opened = OutboxEvent(userID: alice.id, type: .webhookCircuitOpened, data: [], at: .fixture,
                                     target: .allBut(broken.id))
            try await store.recordEndpointHealth(id: broken.id, consecutiveFailures: 5, breakerOpenUntil: .fixture + .seconds(300),
                                                 opened: opened, at: .fixture)
            #expect(try await store.webhookEndpoint(id: broken.id)?.consecutiveFailures == 5)
            #expect(try await store.claimDeliveries(owner: "a", now: .fixture + .seconds(1), leaseDuration: .seconds(60),
                                                    limit: 10).isEmpty)
            #expect(try await dispatched(store, other).map(\.type) == [.webhookCircuitOpened])
            let reopened = try await store.claimDeliveries(owner: "a", now: .fixture + .seconds(300),
                                                           leaseDuration: .seconds(60), limit: 10)
            #expect(reopened.map(\.endpointID).sorted { $0.rawValue < $1.rawValue } == [broken.id, other.id])
        },
        .init("health: the first verdict is remembered only; a change tells every user with a live follow, once") {
            store async throws in
            let leader = try await Seed.leader(1, in: store)
            let live = try await Seed.follower(1, of: leader, in: store)
            let stopped = try await Seed.follower(2, of: leader, status: .stopped, in: store)
            let liveEndpoint = WebhookEndpoint.fixture(1, userID: live.userID)
            _ = try await store.insertWebhookEndpoint(liveEndpoint, limit: 5)
            _ = try await store.insertWebhookEndpoint(.fixture(2, userID: stopped.userID), limit: 5)
            #expect(try await store.recordCopyingHealth(degraded: false, down: [], at: .fixture) == 0)
            #expect(try await store.recordCopyingHealth(degraded: true, down: ["exchange"], at: .fixture) == 1)
            #expect(try await store.recordCopyingHealth(degraded: true, down: ["exchange"], at: .fixture) == 0)
            #expect(try await store.recordCopyingHealth(degraded: false, down: [], at: .fixture) == 1)
            #expect(try await dispatched(store, liveEndpoint).map(\.type) == [.copyingDegraded, .copyingRecovered])
        },
        .init("digests count the attempts that ended since the last one, at the user's interval, for subscribers only") {
            store async throws in
            let (attempt, profile, _) = try await Seed.attempt(in: store)
            let endpoint = WebhookEndpoint.fixture(1, userID: profile.userID, events: [.copyDigest])
            _ = try await store.insertWebhookEndpoint(endpoint, limit: 5)
            var skipped = attempt
            skipped.status = .skipped
            skipped.updatedAt = attempt.createdAt + .seconds(10)
            #expect(try await store.updateAttempt(skipped, from: .pending))
            let first = attempt.createdAt + .seconds(30)
            #expect(try await store.recordCopyDigests(at: first, defaultInterval: .seconds(60)) == 1)
            #expect(try await store.recordCopyDigests(at: first + .seconds(30), defaultInterval: .seconds(60)) == 0,
                    "not before the interval")
            #expect(try await store.recordCopyDigests(at: first + .seconds(60), defaultInterval: .seconds(60)) == 0,
                    "nothing new ended: no digest")
            try await store.setDigestInterval(userID: profile.userID, interval: .seconds(300))
            #expect(try await store.recordCopyDigests(at: first + .seconds(120), defaultInterval: .seconds(60)) == 0)
            let digests = try await dispatched(store, endpoint)
            #expect(digests.map(\.type) == [.copyDigest])
            #expect(digests.first?.payload.contains(#""copied":0,"skipped":1,"failed":0"#) == true)
            #expect(try await store.deleteWebhookEndpoint(id: endpoint.id, userID: profile.userID))
            try await store.saveTelegramLink(TelegramLink(userID: profile.userID, chatID: 7, events: [.copyDigest],
                                                          createdAt: .fixture, updatedAt: .fixture))
            var failed = skipped
            failed.status = .failed
            failed.updatedAt = first + .seconds(200)
            #expect(try await store.updateAttempt(failed, from: .skipped))
            #expect(try await store.recordCopyDigests(at: first + .seconds(420), defaultInterval: .seconds(60)) == 1,
                    "a Telegram chat subscribed to digests gets them too")
        },
        .init("delivered outbox rows older than the cutoff are purged with their deliveries; pending ones stay") {
            store async throws in
            let alice = try await Seed.user(1, in: store)
            let endpoint = WebhookEndpoint.fixture(1, userID: alice.id)
            _ = try await store.insertWebhookEndpoint(endpoint, limit: 5)
            try await store.appendOutbox([
                OutboxEvent(userID: alice.id, type: .claimPaid, data: [], at: .fixture),
                OutboxEvent(userID: alice.id, type: .withdrawalFailed, data: [], at: .fixture + .seconds(1)),
            ])
            _ = try await store.dispatchOutbox(limit: 10, at: .fixture)
            var delivered = try #require(try await store.claimDeliveries(owner: "a", now: .fixture, leaseDuration: .seconds(60),
                                                                         limit: 1).first)
            delivered.status = .delivered
            delivered.attempts = 1
            delivered.deliveredAt = .fixture
            #expect(try await store.finishDelivery(delivered, owner: "a"))
            #expect(try await store.purgeOutbox(before: .fixture + .seconds(60)) == 1)
            #expect(try await store.deliveries(endpointID: endpoint.id, limit: 10).map(\.type) == [.withdrawalFailed])
            #expect(try await store.oldestUndeliveredOutbox() == .fixture + .seconds(1))
        },
        .init("a linked Telegram chat gets the types it chose as messages, claimed once; unlinking drops the unsent ones") {
            store async throws in
            let alice = try await Seed.user(1, in: store)
            #expect(try await store.telegramLink(userID: alice.id) == nil)
            var link = TelegramLink(userID: alice.id, chatID: 42, createdAt: .fixture, updatedAt: .fixture)
            try await store.saveTelegramLink(link)
            link.chatID = -1_001_234_567_890
            link.events = [.claimPaid, .withdrawalFailed]
            link.quietStartMinute = 22 * 60
            link.quietEndMinute = 7 * 60
            try await store.saveTelegramLink(link)
            #expect(try await store.telegramLink(userID: alice.id) == link, "one link per user, relinked in place")
            let endpoint = WebhookEndpoint.fixture(1, userID: alice.id, events: [.copyingDegraded])
            _ = try await store.insertWebhookEndpoint(endpoint, limit: 5)
            try await store.appendOutbox([
                OutboxEvent(userID: alice.id, type: .claimPaid, data: [], at: .fixture),
                OutboxEvent(userID: alice.id, type: .copyDigest, data: [], at: .fixture),
                OutboxEvent(userID: alice.id, type: .webhookTest, data: [], at: .fixture, target: .only(endpoint.id)),
                OutboxEvent(userID: alice.id, type: .withdrawalFailed, data: [], at: .fixture),
            ])
            _ = try await store.dispatchOutbox(limit: 10, at: .fixture)
            let claimed = try await store.claimTelegramMessages(owner: "a", now: .fixture, leaseDuration: .seconds(60), limit: 10)
            #expect(claimed.map(\.type) == [.claimPaid, .withdrawalFailed])
            #expect(claimed.allSatisfy { $0.chatID == -1_001_234_567_890 && $0.status == .pending })
            #expect(try await store.claimTelegramMessages(owner: "b", now: .fixture, leaseDuration: .seconds(60), limit: 10).isEmpty)
            var sent = try #require(claimed.first)
            sent.status = .delivered
            sent.attempts = 1
            sent.updatedAt = .fixture
            #expect(try await !store.finishTelegramMessage(sent, owner: "b"))
            #expect(try await store.finishTelegramMessage(sent, owner: "a"))
            var later = claimed[1]
            later.attempts = 1
            later.nextAttemptAt = .fixture + .seconds(30)
            later.lastError = "HTTP 429"
            #expect(try await store.finishTelegramMessage(later, owner: "a"))
            #expect(try await store.claimTelegramMessages(owner: "c", now: .fixture + .seconds(29), leaseDuration: .seconds(60),
                                                          limit: 10).isEmpty, "not before its next attempt")
            #expect(try await store.purgeOutbox(before: .fixture + .seconds(60)) == 2,
                    "the delivered claim and the digest (not sent to Telegram) go; the test waits for its delivery, the failure for its message")
            #expect(try await store.unlinkTelegram(userID: alice.id))
            #expect(try await !store.unlinkTelegram(userID: alice.id))
            #expect(try await store.claimTelegramMessages(owner: "c", now: .fixture + .seconds(60), leaseDuration: .seconds(60),
                                                          limit: 10).isEmpty, "unlinking dropped the unsent message")
        },
    ] }
}

extension RunbookWorld {
    /// The runbook's pause-all and resume-all, run as raw SQL by `execute` (outside Mirror), are
    /// found by the notifications worker's detection and told to each follower as "by operator",
    /// once; the first look only remembers.
    public static func checkOutsideChangesAreNotified(in store: some Store,
                                                      execute: @Sendable (String) async throws -> Void) async throws {
        let world = try await RunbookWorld.seed(in: store)
        let alice = WebhookEndpoint.fixture(1, userID: world.alice.id)
        let bob = WebhookEndpoint.fixture(2, userID: world.bob.id)
        _ = try await store.insertWebhookEndpoint(alice, limit: 5)
        _ = try await store.insertWebhookEndpoint(bob, limit: 5)
        #expect(try await store.recordExternalFollowChanges(at: .fixture) == 0, "the first look only remembers")
        try await execute(RunbookSQL.pauseAll)
        #expect(try await store.recordExternalFollowChanges(at: .fixture) == 2)
        try await execute(RunbookSQL.resumeAll)
        #expect(try await store.recordExternalFollowChanges(at: .fixture) == 3)
        #expect(try await store.recordExternalFollowChanges(at: .fixture) == 0, "recorded once")
        let toAlice = try await dispatched(store, alice)
        #expect(toAlice.map(\.type) == [.followPaused, .followResumed, .followResumed])
        #expect(toAlice.allSatisfy { $0.payload.contains(#""by":"operator""#) })
        #expect(try await dispatched(store, bob).map(\.type) == [.followPaused, .followResumed])
    }
}
