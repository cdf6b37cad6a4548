/// Durable state, split into focused ports. Every operation is one atomic unit of domain
/// meaning; no generic transaction leaks out.
///
/// Every conformer must pass the contracts in `KernelTesting` (`UserStoreContract`,
/// `ProfileStoreContract`, `CopyEventStoreContract`, `OrderStoreContract`, `RelayerTxStoreContract`,
/// `AuditStoreContract`, `FundsStoreContract`); the contracts, not these comments, are the specification.
///
/// List order: "oldest first" is ascending by creation time, ties broken by id ascending;
/// "newest first" is the exact reverse (both descending). Every CAS write that takes a time sets
/// `updatedAt` to it.
public typealias Store = UserStore & ProfileStore & CopyEventStore & OrderStore & RelayerTxStore & AuditStore
    & FundsStore & AddressBookStore & WatchListStore
    & EquityStore
    & AutoPauseStore
    & LeaseStore
    & NotificationStore
    & EventCapStore

/// Users and their trading wallets.
public protocol UserStore: Sendable {
    /// Throws ``StoreError/duplicate(entity:key:)`` if the id or external id is taken.
    func insertUser(_ user: User) async throws
    func user(id: UserID) async throws -> User?
    func user(externalID: String) async throws -> User?

    /// Throws ``StoreError/duplicate(entity:key:)`` if the id or signer address is taken.
    func insertWallet(_ wallet: TradingWallet) async throws
    func wallet(id: WalletID) async throws -> TradingWallet?
    /// Oldest first.
    func wallets(userID: UserID) async throws -> [TradingWallet]
    /// Every wallet, by id ascending, starting strictly after `after`: one page of a sweep
    /// (position-sync) that new wallets cannot shift.
    func wallets(after: WalletID?, limit: Int) async throws -> [TradingWallet]
    /// Wallets whose onboarding is not READY, oldest first (then by id), up to `limit`: the
    /// onboarding worker's queue, which survives restarts because it is the wallets themselves.
    func walletsToOnboard(limit: Int) async throws -> [TradingWallet]
    /// Moves onboarding from `expected` to `next`; `false` (changing nothing) if another writer moved it.
    func advanceOnboarding(walletID: WalletID, from expected: WalletOnboarding, to next: WalletOnboarding,
                           at time: Timestamp) async throws -> Bool
    /// Stores CLOB credentials (secret and passphrase sealed). Throws ``StoreError/notFound(entity:key:)``.
    func setAPICredentials(walletID: WalletID, apiKey: String, sealedSecret: SealedSecret,
                           sealedPassphrase: SealedSecret, at time: Timestamp) async throws
    /// Wallets with any sealed value under a master-key version other than `keyVersion`, for
    /// rotation; oldest first.
    func wallets(sealedUnderOtherThan keyVersion: Int, limit: Int) async throws -> [TradingWallet]
    /// Replaces a wallet's sealed values if its key is still sealed as `expected` (compare-and-set,
    /// so an interrupted or concurrent rotation never overwrites a newer seal). A `nil` API value
    /// leaves the stored one alone, so credentials set while a rotation ran are never erased.
    func resealWallet(walletID: WalletID, expected: SealedSecret, sealedKey: SealedSecret,
                      sealedAPISecret: SealedSecret?, sealedAPIPassphrase: SealedSecret?,
                      at time: Timestamp) async throws -> Bool
}

/// Leaders and the copy profiles that follow them.
public protocol ProfileStore: Sendable {
    /// Throws ``StoreError/duplicate(entity:key:)`` if the id or address is taken.
    func insertLeader(_ leader: Leader) async throws
    func leader(id: LeaderID) async throws -> Leader?
    func leader(address: WalletAddress) async throws -> Leader?
    /// Oldest first.
    func leaders() async throws -> [Leader]
    /// Seeds a newly followed leader's tracked positions from one positions snapshot, once: if
    /// the leader has no `positionsSeededAt`, sets each snapshot token's tracked position to the
    /// snapshot's shares (replacing what recorded fills had moved it to; other tokens are kept)
    /// and sets `positionsSeededAt` = `time`, atomically; returns `false`, changing nothing, when
    /// the leader was already seeded. Throws ``StoreError/notFound(entity:key:)``.
    func seedLeaderPositions(_ id: LeaderID, snapshot: [TokenID: Shares], at time: Timestamp) async throws -> Bool
    /// The leader's tracked position in `tokenID` (zero when never seen).
    func leaderPosition(leaderID: LeaderID, tokenID: TokenID) async throws -> Shares

    /// Inserts the profile and, in the same atomic step, appends `audit` when given. Throws
    /// ``StoreError/duplicate(entity:key:)`` (changing nothing) if the profile id or the audit id is taken.
    func insertProfile(_ profile: CopyProfile, audit: AuditEntry?) async throws
    func profile(id: ProfileID) async throws -> CopyProfile?
    /// Oldest first.
    func profiles(userID: UserID) async throws -> [CopyProfile]
    /// Every profile following `leaderID` that is not STOPPED, oldest first.
    func activeProfiles(followingLeader leaderID: LeaderID) async throws -> [CopyProfile]
    /// Compare-and-set on the status, appending `audit` (when given) in the same atomic step;
    /// `false`, appending nothing, if the status is no longer `expected`. A taken audit id throws
    /// ``StoreError/duplicate(entity:key:)`` and leaves the status as it was.
    func transitionProfile(_ id: ProfileID, from expected: ProfileStatus, to next: ProfileStatus,
                           at time: Timestamp, audit: AuditEntry?) async throws -> Bool
    /// Replaces mode, sizing, limits, stop behaviour and `updatedAt` (never the status or the
    /// ids), appending `audit` (when given) in the same atomic step. Throws `notFound`; a taken
    /// audit id throws `duplicate` and changes nothing.
    func updateProfileSettings(_ profile: CopyProfile, audit: AuditEntry?) async throws
    /// Stops a profile in one atomic step: compare-and-set of the status from `expected` to
    /// STOPPED, `stopBehavior` = `behavior`, `updatedAt` = `time`, and the `closeOuts` (PENDING
    /// ``CopyAttempt/Kind/closeOut`` attempts selling what it holds, for "sell now") inserted.
    /// `false`, changing nothing, if the status is no longer `expected`. `audit`, when given, is
    /// appended in the same step (a taken audit id throws `duplicate` and changes nothing).
    func stopProfile(_ id: ProfileID, from expected: ProfileStatus, behavior: StopBehavior,
                     closeOuts: [CopyAttempt], at time: Timestamp, audit: AuditEntry?) async throws -> Bool
    /// Moves every profile whose status is `expected` to `next` (`updatedAt` = `time`) and appends
    /// `audit`, in one atomic step — the runbook's pause-all and resume-all SQL with its audit
    /// row. Returns how many profiles moved; the audit row is appended even when none did. A taken
    /// audit id throws `duplicate` and changes nothing.
    func transitionAllProfiles(from expected: ProfileStatus, to next: ProfileStatus, at time: Timestamp,
                               audit: AuditEntry) async throws -> Int
}

extension ProfileStore {
    /// ``insertProfile(_:audit:)`` with no audit row (fixtures, the local demo's seed).
    public func insertProfile(_ profile: CopyProfile) async throws {
        try await self.insertProfile(profile, audit: nil)
    }

    /// ``transitionProfile(_:from:to:at:audit:)`` with no audit row.
    public func transitionProfile(_ id: ProfileID, from expected: ProfileStatus, to next: ProfileStatus,
                                  at time: Timestamp) async throws -> Bool {
        try await self.transitionProfile(id, from: expected, to: next, at: time, audit: nil)
    }

    /// ``updateProfileSettings(_:audit:)`` with no audit row.
    public func updateProfileSettings(_ profile: CopyProfile) async throws {
        try await self.updateProfileSettings(profile, audit: nil)
    }

    /// ``stopProfile(_:from:behavior:closeOuts:at:audit:)`` with no audit row.
    public func stopProfile(_ id: ProfileID, from expected: ProfileStatus, behavior: StopBehavior,
                            closeOuts: [CopyAttempt], at time: Timestamp) async throws -> Bool {
        try await self.stopProfile(id, from: expected, behavior: behavior, closeOuts: closeOuts, at: time, audit: nil)
    }
}

/// The outcome of recording a leader fill.
public enum RecordOutcome: Hashable, Sendable {
    /// New: the event and one PENDING attempt per active follower, written together.
    case recorded(LeaderEvent, attempts: [CopyAttempt])
    /// Seen before (same identity): nothing changed.
    case duplicate
}

/// Leader events and the copy attempts fanned out from them.
public protocol CopyEventStore: Sendable {
    /// In one atomic step: inserts the event (unique on `identity`) and one attempt per profile
    /// returned by `activeProfiles(followingLeader:)` (unique on profile × event), in that order.
    /// Each attempt is PENDING, kind ENTRY for a BUY and EXIT for a SELL, with the profile's user,
    /// `dueAt` and `detectedAt` = `event.detectedAt`, `leaderPrice` = `event.fill.price`,
    /// `createdAt` and `updatedAt` = `event.createdAt`, fencing token 0 and no lease
    /// (``CopyAttempt/fannedOut(from:to:id:)``). In the same step it stores the leader's tracked
    /// position in the token as the event's `leaderPositionBefore` (the returned event carries
    /// it) and moves that position by the fill (``LeaderEvent/leaderPosition(after:from:)``) —
    /// unless the fill occurred at or before the leader's `positionsSeededAt`, which the seeding
    /// snapshot already counts. A duplicate
    /// identity changes nothing and returns `.duplicate`; a new identity whose event id (or a
    /// generated attempt id) is taken throws ``StoreError/duplicate(entity:key:)`` and changes nothing.
    ///
    /// With a `claim`, the new attempts are created leased to it (``CopyAttempt/claimed(by:)``:
    /// owner, expiry, fencing token 1) in the same step, so the recording worker carries them on
    /// with no claim commit of its own.
    func recordLeaderEvent(_ event: LeaderEvent, newAttemptID: @Sendable () -> AttemptID,
                           claim: AttemptClaim?) async throws -> RecordOutcome
    func leaderEvent(id: LeaderEventID) async throws -> LeaderEvent?
    func leaderEvent(identity: String) async throws -> LeaderEvent?
    /// The events among `ids` that exist, in one read (a page of attempts shows its events
    /// without a read per attempt).
    func leaderEvents(ids: Set<LeaderEventID>) async throws -> [LeaderEventID: LeaderEvent]
    /// Newest first (by `fill.occurredAt`, then id).
    func leaderEvents(leaderID: LeaderID, limit: Int) async throws -> [LeaderEvent]

    func attempt(id: AttemptID) async throws -> CopyAttempt?
    /// Newest first (by `createdAt`, then id).
    func attempts(userID: UserID, limit: Int) async throws -> [CopyAttempt]
    /// A user's attempts that match every filter of `query`, newest first (by `createdAt`, then
    /// id), starting strictly after `query.after` in that order: a page of a listing.
    func attempts(userID: UserID, matching query: AttemptQuery, limit: Int) async throws -> [CopyAttempt]
    /// Oldest first (by `createdAt`, then id).
    func attempts(leaderEventID: LeaderEventID) async throws -> [CopyAttempt]

    /// Claims up to `limit` attempts that are due (`dueAt <= now`), not terminal, and not leased
    /// (no `leaseExpiresAt`, or one `<= now`): sets `leaseOwner` = `owner`, `leaseExpiresAt` =
    /// `now + leaseDuration` and increments the fencing token, changing nothing else. Returns the
    /// claimed attempts as stored, oldest due first (then by id). Two concurrent claimers never get
    /// the same one.
    func claimAttempts(owner: String, now: Timestamp, leaseDuration: Duration, limit: Int) async throws -> [CopyAttempt]
    /// Writes every mutable field of `attempt` if the stored row still has `attempt.fencingToken`
    /// and status `expected`; `false` (changing nothing) otherwise — a stale worker's write is void.
    func updateAttempt(_ attempt: CopyAttempt, from expected: CopyAttempt.Status) async throws -> Bool
    /// One durable step of the copy pipeline for a whole batch, in one atomic unit (one commit).
    /// A step applies entirely, or not at all: `claimLost` when its attempt's stored fencing
    /// token or status differs from `attempt.fencingToken` / `expected`, or one of its order
    /// updates finds another status; `insufficientFunds` when its new live BUY orders
    /// (``AttemptStep/fundsNeeded``) exceed the wallet's ``WalletFunds/available`` — checked and
    /// written under the wallet's lock (``FundsStore``), so two workers never both spend it. The
    /// other steps apply regardless. A step writes every mutable field of the attempt (as
    /// ``updateAttempt(_:from:)``, plus ``CopyAttempt/fanoutPlace``), inserts its new orders,
    /// writes its order updates (as ``OrderStore/updateOrder(_:from:booking:audit:)``), applies its
    /// bookings to the stored positions and moves a live wallet's synced balance by each
    /// booking's ``Booking/collateralChange`` (its sync time kept no older than the fill, so an
    /// earlier reading cannot undo it). Returns each step's outcome, in order. A new order whose
    /// id is taken throws ``StoreError/duplicate(entity:key:)`` and changes nothing.
    func commitAttemptSteps(_ steps: [AttemptStep]) async throws -> [StepOutcome]
    /// The profiles among `profileIDs` that exist, their wallets, positions (by token id, as
    /// ``OrderStore/positions(profileID:)``), open orders created at or after `ordersSince` (oldest
    /// first), the cost of their final BUY orders created at or after `spendSince`, and their
    /// wallets' funds (as ``FundsStore/walletFunds(walletID:)``), each as committed when read
    /// (what a batch spends is checked again under the wallet's lock).
    func followerFacts(profileIDs: Set<ProfileID>, ordersSince: Timestamp, spendSince: Timestamp) async throws
        -> FollowerFacts
    /// The current status of each profile among `profileIDs` that exists, in one read: what the
    /// engine checks just before sending, so a pause stops sends within one batch.
    func profileStatuses(ids: Set<ProfileID>) async throws -> [ProfileID: ProfileStatus]
}

extension CopyEventStore {
    /// ``recordLeaderEvent(_:newAttemptID:claim:)`` leaving the new attempts unclaimed.
    public func recordLeaderEvent(_ event: LeaderEvent, newAttemptID: @Sendable () -> AttemptID) async throws
        -> RecordOutcome
    {
        try await self.recordLeaderEvent(event, newAttemptID: newAttemptID, claim: nil)
    }
}

/// Filters and a resume point for listing a user's attempts page by page; `nil` filters match all.
public struct AttemptQuery: Hashable, Sendable {
    public var profileID: ProfileID?
    public var status: CopyAttempt.Status?
    public var kind: CopyAttempt.Kind?
    /// The last attempt of the previous page: only attempts after it (older, or as old with a
    /// smaller id) are listed.
    public var after: AttemptCursor?

    public init(profileID: ProfileID? = nil, status: CopyAttempt.Status? = nil, kind: CopyAttempt.Kind? = nil,
                after: AttemptCursor? = nil) {
        self.profileID = profileID
        self.status = status
        self.kind = kind
        self.after = after
    }
}

/// A position in the newest-first order of attempts: the (creation time, id) of one attempt.
public struct AttemptCursor: Hashable, Sendable {
    public var createdAt: Timestamp
    public var id: AttemptID

    public init(createdAt: Timestamp, id: AttemptID) {
        self.createdAt = createdAt
        self.id = id
    }

    public init(_ attempt: CopyAttempt) {
        self.init(createdAt: attempt.createdAt, id: attempt.id)
    }

    /// Whether `attempt` comes after this position, newest first.
    public func precedes(_ attempt: CopyAttempt) -> Bool {
        attempt.createdAt < self.createdAt || (attempt.createdAt == self.createdAt && attempt.id.rawValue < self.id.rawValue)
    }
}

/// Orders and the per-profile ledger they book into.
public protocol OrderStore: Sendable {
    /// Throws ``StoreError/duplicate(entity:key:)`` if the order hash is taken.
    func insertOrder(_ order: Order) async throws
    func order(id: OrderID) async throws -> Order?
    /// Oldest first.
    func orders(attemptID: AttemptID) async throws -> [Order]
    /// Oldest first, for reconciliation.
    func orders(statuses: Set<Order.Status>, limit: Int) async throws -> [Order]
    /// A profile's orders created at or after `since`, oldest first: open orders and the day's
    /// spending, which the caps are checked against.
    func orders(profileID: ProfileID, createdSince since: Timestamp) async throws -> [Order]
    /// Writes every mutable field of `order` if its stored status is still `expected`, and in the
    /// same atomic step stores `position` (the ledger booking of this change) and appends `audit`
    /// when given; `false`, changing nothing, otherwise. A taken audit id throws `duplicate` and
    /// changes nothing.
    func updateOrder(_ order: Order, from expected: Order.Status, booking position: Position?,
                     audit: AuditEntry?) async throws -> Bool

    func position(profileID: ProfileID, tokenID: TokenID) async throws -> Position?
    /// Ordered by token id (numerically, as `TokenID` compares: `9` before `10`).
    func positions(profileID: ProfileID) async throws -> [Position]
    /// Inserts or replaces the row for (profile, token).
    func savePosition(_ position: Position) async throws
    /// Positions marked redeemable that still hold shares (auto-claim's work), by profile id then
    /// token id, up to `limit`.
    func redeemablePositions(limit: Int) async throws -> [Position]
}

/// Gasless wallet transactions.
public protocol RelayerTxStore: Sendable {
    /// Throws ``StoreError/duplicate(entity:key:)`` if the id or the idempotency key is taken.
    func insertRelayerTx(_ tx: RelayerTx) async throws
    func relayerTx(id: RelayerTxID) async throws -> RelayerTx?
    func relayerTx(idempotencyKey: String) async throws -> RelayerTx?
    /// Oldest first.
    func relayerTxs(statuses: Set<RelayerTx.Status>, limit: Int) async throws -> [RelayerTx]
    /// Newest first.
    func relayerTxs(userID: UserID, limit: Int) async throws -> [RelayerTx]
    /// Writes every mutable field of `tx` if its stored status is still `expected`, appending
    /// `audit` (when given) in the same atomic step; `false`, appending nothing, otherwise. A taken
    /// audit id throws `duplicate` and leaves the row as it was.
    func updateRelayerTx(_ tx: RelayerTx, from expected: RelayerTx.Status, audit: AuditEntry?) async throws -> Bool
}

extension OrderStore {
    /// ``updateOrder(_:from:booking:audit:)`` with no audit row.
    public func updateOrder(_ order: Order, from expected: Order.Status, booking position: Position?) async throws -> Bool {
        try await self.updateOrder(order, from: expected, booking: position, audit: nil)
    }
}

extension RelayerTxStore {
    /// ``updateRelayerTx(_:from:audit:)`` with no audit row.
    public func updateRelayerTx(_ tx: RelayerTx, from expected: RelayerTx.Status) async throws -> Bool {
        try await self.updateRelayerTx(tx, from: expected, audit: nil)
    }
}

/// The audit trail.
public protocol AuditStore: Sendable {
    /// Throws ``StoreError/duplicate(entity:key:)`` if the id is taken.
    func appendAudit(_ entry: AuditEntry) async throws
    /// Newest first (by `createdAt`, then id).
    func recentAudit(limit: Int) async throws -> [AuditEntry]
}
