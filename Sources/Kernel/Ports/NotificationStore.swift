/// The notification outbox, webhook endpoints and their deliveries.
///
/// The outbox rows of changes made through Mirror are written by the other ports' writes, in the
/// same transaction as the change (profile status changes, withdrawals, address book, claims).
/// Every conformer must pass `NotificationStoreContract` (module `KernelTesting`).
public protocol NotificationStore: Sendable {
    /// Inserts `endpoint` if the user has fewer than `limit` endpoints, checked and written in one
    /// transaction; `false`, changing nothing, at the limit.
    func insertWebhookEndpoint(_ endpoint: WebhookEndpoint, limit: Int) async throws -> Bool
    func webhookEndpoint(id: WebhookEndpointID) async throws -> WebhookEndpoint?
    /// Oldest first.
    func webhookEndpoints(userID: UserID) async throws -> [WebhookEndpoint]
    /// Deletes the user's endpoint and its deliveries; `false` when the user has no such endpoint.
    func deleteWebhookEndpoint(id: WebhookEndpointID, userID: UserID) async throws -> Bool
    /// Replaces the user's endpoint secret, keeping the old one as `previous` until `previousUntil`;
    /// `false` when the user has no such endpoint.
    func rotateWebhookSecret(id: WebhookEndpointID, userID: UserID, sealed: SealedSecret, previous: SealedSecret,
                             previousUntil: Timestamp, at time: Timestamp) async throws -> Bool
    /// Endpoints with a secret (current or previous) sealed under a master-key version other than
    /// `keyVersion`, by id, up to `limit`: `mirror keys rotate`'s work.
    func webhookEndpoints(sealedUnderOtherThan keyVersion: Int, limit: Int) async throws -> [WebhookEndpoint]
    /// Replaces the endpoint's sealed secrets if its current one is still `expected`
    /// (compare-and-set, so a rotation by the user meanwhile wins); `false` otherwise.
    func resealWebhookSecrets(id: WebhookEndpointID, expected: SealedSecret, sealed: SealedSecret,
                              previous: SealedSecret?) async throws -> Bool
    /// Records one send's outcome on the endpoint's breaker, and `opened` (when given) into the
    /// outbox in the same step.
    func recordEndpointHealth(id: WebhookEndpointID, consecutiveFailures: Int, breakerOpenUntil: Timestamp?,
                              opened: OutboxEvent?, at time: Timestamp) async throws

    /// Appends events the notifications worker or a route made (test sends).
    func appendOutbox(_ events: [OutboxEvent]) async throws
    /// Turns up to `limit` undispatched outbox rows (oldest first) into one PENDING delivery per
    /// receiving endpoint (``WebhookEndpoint/receives(_:target:)``) and one PENDING Telegram
    /// message when the user's linked chat receives it (``TelegramLink/receives(_:target:)``), due
    /// at `time`, and marks them dispatched, in one step. Returns how many rows it dispatched.
    func dispatchOutbox(limit: Int, at time: Timestamp) async throws -> Int
    /// Leases up to `limit` PENDING deliveries due at `now` whose endpoint's breaker is not open
    /// and that no live lease holds, oldest due first; two claimers never get the same one.
    func claimDeliveries(owner: String, now: Timestamp, leaseDuration: Duration, limit: Int) async throws
        -> [WebhookDelivery]
    /// Writes a claimed delivery's status, attempts, next attempt, last status/error and
    /// delivered time, releasing the lease, if `owner` still holds it; `false` otherwise.
    func finishDelivery(_ delivery: WebhookDelivery, owner: String) async throws -> Bool
    /// The endpoint's deliveries, newest first.
    func deliveries(endpointID: WebhookEndpointID, limit: Int) async throws -> [WebhookDelivery]
    /// Moves a FAILED delivery of the endpoint back to PENDING, due at `time`, attempts reset;
    /// `false` when there is no such FAILED delivery.
    func retryDelivery(id: Int64, endpointID: WebhookEndpointID, at time: Timestamp) async throws -> Bool
    /// The creation time of the oldest outbox row not yet dispatched or with a PENDING delivery.
    func oldestUndeliveredOutbox() async throws -> Timestamp?
    /// Deletes outbox rows created before `cutoff` that have no PENDING delivery, with their
    /// deliveries. Returns how many outbox rows went.
    func purgeOutbox(before cutoff: Timestamp) async throws -> Int

    /// Finds follows whose status changed outside Mirror (the runbook's SQL) since last seen,
    /// records each as an outbox event (`by` = `operator`) and remembers the new status, in one
    /// step; a follow seen for the first time is only remembered. Returns the events recorded.
    func recordExternalFollowChanges(at time: Timestamp) async throws -> Int
    /// Remembers the health verdict; when it differs from the last one remembered, writes a
    /// copying.degraded / copying.recovered event for every user with a follow that is not STOPPED,
    /// in the same step. Returns the events recorded.
    func recordCopyingHealth(degraded: Bool, down: [String], at time: Timestamp) async throws -> Int
    /// For every user with an endpoint or a Telegram chat subscribed to copy.digest whose last digest is at least
    /// their interval (or `defaultInterval`) old: counts their attempts that became DONE, SKIPPED
    /// or FAILED since it, writes a copy.digest event when any did, and moves the user's digest
    /// time to `time`, in one step. Returns the digests written.
    func recordCopyDigests(at time: Timestamp, defaultInterval: Duration) async throws -> Int
    /// Sets the user's digest interval (`nil`: the default).
    func setDigestInterval(userID: UserID, interval: Duration?) async throws

    /// Links (or relinks, or updates the preferences of) the user's Telegram chat: one per user.
    func saveTelegramLink(_ link: TelegramLink) async throws
    func telegramLink(userID: UserID) async throws -> TelegramLink?
    /// Unlinks the user's chat and drops its unsent messages; `false` when none was linked.
    func unlinkTelegram(userID: UserID) async throws -> Bool
    /// Leases up to `limit` PENDING Telegram messages due at `now`, as ``claimDeliveries(owner:now:leaseDuration:limit:)``.
    func claimTelegramMessages(owner: String, now: Timestamp, leaseDuration: Duration, limit: Int) async throws
        -> [TelegramMessage]
    /// Writes a claimed message's status, attempts, next attempt and last error if `owner` still
    /// holds it; `false` otherwise.
    func finishTelegramMessage(_ message: TelegramMessage, owner: String) async throws -> Bool
}
