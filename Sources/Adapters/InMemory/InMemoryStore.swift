public import Kernel

/// Every store port in one actor, for tests and quick local runs. Each method runs without
/// suspending, so every check-then-write is atomic, like one database transaction.
public actor InMemoryStore: Store {
    var usersByID: [UserID: User] = [:]
    private var userIDsByExternalID: [String: UserID] = [:]
    var walletsByID: [WalletID: TradingWallet] = [:]
    private var walletIDsBySigner: [WalletAddress: WalletID] = [:]
    private var leadersByID: [LeaderID: Leader] = [:]
    private var leaderIDsByAddress: [WalletAddress: LeaderID] = [:]
    var profilesByID: [ProfileID: CopyProfile] = [:]
    private var eventsByID: [LeaderEventID: LeaderEvent] = [:]
    private var eventIDsByIdentity: [String: LeaderEventID] = [:]
    private var leaderPositions: [LeaderTokenKey: Shares] = [:]
    private var attemptsByID: [AttemptID: CopyAttempt] = [:]
    var ordersByID: [OrderID: Order] = [:]
    var positionsByKey: [PositionKey: Position] = [:]
    var relayerTxsByID: [RelayerTxID: RelayerTx] = [:]
    var relayerTxIDsByKey: [String: RelayerTxID] = [:]
    private var auditByID: [AuditID: AuditEntry] = [:]
    /// Each wallet's venue balance as last synced, and when (`FundsStore`).
    var syncedBalances: [WalletID: (collateral: Collateral, at: Timestamp)] = [:]
    /// Withdrawals whose reservation a synced balance released.
    var releasedWithdrawals: Set<RelayerTxID> = []
    /// Each wallet's equity points by hour (InMemoryStore+Equity).
    var equityByWallet: [WalletID: [Int64: EquitySnapshot]] = [:]
    var leasesByName: [String: WorkerLease] = [:]
    /// Withdrawal address books (`AddressBookStore`), per user and address.
    var withdrawalAddressBook: [UserID: [WalletAddress: WithdrawalAddress]] = [:]
    /// Each user's watched leaders (`WatchListStore`).
    var leaderWatchList: [UserID: [LeaderID: LeaderWatch]] = [:]
    /// The notification outbox, endpoints and deliveries (`+Notifications`).
    var notifications = NotificationTables()
    /// Each token's event as the committed steps under an account-wide event cap named it.
    var eventOfToken: [TokenID: String] = [:]

    struct PositionKey: Hashable {
        let profileID: ProfileID
        let tokenID: TokenID
    }

    private struct LeaderTokenKey: Hashable {
        let leaderID: LeaderID
        let tokenID: TokenID
    }

    public init() {}
}

// MARK: - Ordering

/// "Oldest first": creation time, then id, ascending. "Newest first" is the reverse.
func oldestFirst<Row>(_ rows: some Sequence<Row>, createdAt: (Row) -> Timestamp, id: (Row) -> String) -> [Row] {
    rows.sorted { (createdAt($0), id($0)) < (createdAt($1), id($1)) }
}

private func limited<Row>(_ rows: [Row], _ limit: Int) -> [Row] {
    Array(rows.prefix(max(0, limit)))
}

// MARK: - UserStore

extension InMemoryStore {
    public func insertUser(_ user: User) throws {
        guard self.usersByID[user.id] == nil else { throw StoreError.duplicate(entity: "users", key: user.id.rawValue) }
        guard self.userIDsByExternalID[user.externalID] == nil else {
            throw StoreError.duplicate(entity: "users", key: user.externalID)
        }
        self.usersByID[user.id] = user
        self.userIDsByExternalID[user.externalID] = user.id
    }

    public func user(id: UserID) -> User? { self.usersByID[id] }

    public func user(externalID: String) -> User? {
        self.userIDsByExternalID[externalID].flatMap { self.usersByID[$0] }
    }

    public func insertWallet(_ wallet: TradingWallet) throws {
        guard self.walletsByID[wallet.id] == nil else {
            throw StoreError.duplicate(entity: "trading_wallets", key: wallet.id.rawValue)
        }
        guard self.walletIDsBySigner[wallet.signerAddress] == nil else {
            throw StoreError.duplicate(entity: "trading_wallets", key: wallet.signerAddress.lowercased)
        }
        self.walletsByID[wallet.id] = wallet
        self.walletIDsBySigner[wallet.signerAddress] = wallet.id
    }

    public func wallet(id: WalletID) -> TradingWallet? { self.walletsByID[id] }

    public func wallets(userID: UserID) -> [TradingWallet] {
        oldestFirst(self.walletsByID.values.filter { $0.userID == userID }, createdAt: \.createdAt, id: \.id.rawValue)
    }

    public func wallets(after: WalletID?, limit: Int) -> [TradingWallet] {
        let cursor = after?.rawValue ?? ""
        return limited(self.walletsByID.values.filter { $0.id.rawValue > cursor }.sorted { $0.id.rawValue < $1.id.rawValue }, limit)
    }

    public func walletsToOnboard(limit: Int) -> [TradingWallet] {
        limited(oldestFirst(self.walletsByID.values.filter { $0.onboarding != .ready }, createdAt: \.createdAt,
                            id: \.id.rawValue), limit)
    }

    public func advanceOnboarding(
        walletID: WalletID, from expected: WalletOnboarding, to next: WalletOnboarding, at time: Timestamp
    ) -> Bool {
        guard var wallet = self.walletsByID[walletID], wallet.onboarding == expected else { return false }
        wallet.onboarding = next
        wallet.updatedAt = time
        self.walletsByID[walletID] = wallet
        return true
    }

    public func setAPICredentials(
        walletID: WalletID, apiKey: String, sealedSecret: SealedSecret, sealedPassphrase: SealedSecret, at time: Timestamp
    ) throws {
        guard var wallet = self.walletsByID[walletID] else {
            throw StoreError.notFound(entity: "trading_wallets", key: walletID.rawValue)
        }
        wallet.apiKey = apiKey
        wallet.sealedAPISecret = sealedSecret
        wallet.sealedAPIPassphrase = sealedPassphrase
        wallet.updatedAt = time
        self.walletsByID[walletID] = wallet
    }

    public func wallets(sealedUnderOtherThan keyVersion: Int, limit: Int) -> [TradingWallet] {
        let stale = self.walletsByID.values.filter { wallet in
            [wallet.sealedKey, wallet.sealedAPISecret, wallet.sealedAPIPassphrase]
                .contains { seal in seal.map { $0.keyVersion != keyVersion } ?? false }
        }
        return limited(oldestFirst(stale, createdAt: \.createdAt, id: \.id.rawValue), limit)
    }

    public func resealWallet(
        walletID: WalletID, expected: SealedSecret, sealedKey: SealedSecret, sealedAPISecret: SealedSecret?,
        sealedAPIPassphrase: SealedSecret?, at time: Timestamp
    ) -> Bool {
        guard var wallet = self.walletsByID[walletID], wallet.sealedKey == expected else { return false }
        wallet.sealedKey = sealedKey
        if let sealedAPISecret { wallet.sealedAPISecret = sealedAPISecret }
        if let sealedAPIPassphrase { wallet.sealedAPIPassphrase = sealedAPIPassphrase }
        wallet.updatedAt = time
        self.walletsByID[walletID] = wallet
        return true
    }
}

// MARK: - ProfileStore

extension InMemoryStore {
    public func insertLeader(_ leader: Leader) throws {
        guard self.leadersByID[leader.id] == nil else {
            throw StoreError.duplicate(entity: "leaders", key: leader.id.rawValue)
        }
        guard self.leaderIDsByAddress[leader.address] == nil else {
            throw StoreError.duplicate(entity: "leaders", key: leader.address.lowercased)
        }
        self.leadersByID[leader.id] = leader
        self.leaderIDsByAddress[leader.address] = leader.id
    }

    public func leader(id: LeaderID) -> Leader? { self.leadersByID[id] }

    public func leader(address: WalletAddress) -> Leader? {
        self.leaderIDsByAddress[address].flatMap { self.leadersByID[$0] }
    }

    public func leaders() -> [Leader] {
        oldestFirst(self.leadersByID.values, createdAt: \.createdAt, id: \.id.rawValue)
    }

    public func seedLeaderPositions(_ id: LeaderID, snapshot: [TokenID: Shares], at time: Timestamp) throws -> Bool {
        guard let leader = self.leadersByID[id] else { throw StoreError.notFound(entity: "leaders", key: id.rawValue) }
        guard leader.positionsSeededAt == nil else { return false }
        for (tokenID, shares) in snapshot {
            self.leaderPositions[LeaderTokenKey(leaderID: id, tokenID: tokenID)] = shares
        }
        self.leadersByID[id]?.positionsSeededAt = time
        return true
    }

    public func leaderPosition(leaderID: LeaderID, tokenID: TokenID) -> Shares {
        self.leaderPositions[LeaderTokenKey(leaderID: leaderID, tokenID: tokenID)] ?? .zero
    }

    public func insertProfile(_ profile: CopyProfile, audit: AuditEntry?) throws {
        guard self.profilesByID[profile.id] == nil else {
            throw StoreError.duplicate(entity: "copy_profiles", key: profile.id.rawValue)
        }
        try self.checkNewAudit(audit)
        if let parent = profile.twinOf,
           self.profilesByID.values.filter({ $0.twinOf == parent }).count >= CopyProfile.maxTwins {
            throw StoreError.duplicate(entity: "copy_profile_twins", key: parent.rawValue)
        }
        self.profilesByID[profile.id] = profile
        self.record(audit)
    }

    public func profile(id: ProfileID) -> CopyProfile? { self.profilesByID[id] }

    public func profiles(userID: UserID) -> [CopyProfile] {
        oldestFirst(self.profilesByID.values.filter { $0.userID == userID }, createdAt: \.createdAt, id: \.id.rawValue)
    }

    public func activeProfiles(followingLeader leaderID: LeaderID) -> [CopyProfile] {
        let following = self.profilesByID.values.filter { $0.leaderID == leaderID && $0.status != .stopped }
        return oldestFirst(following, createdAt: \.createdAt, id: \.id.rawValue)
    }

    public func transitionProfile(
        _ id: ProfileID, from expected: ProfileStatus, to next: ProfileStatus, at time: Timestamp, audit: AuditEntry?
    ) throws -> Bool {
        guard var profile = self.profilesByID[id], profile.status == expected else { return false }
        try self.checkNewAudit(audit)
        profile.status = next
        profile.updatedAt = time
        profile.pausedByRule = nil
        if next == .enabled { profile.resumedAt = time }
        self.profilesByID[id] = profile
        self.record(audit)
        self.recordFollowChange(profile, from: expected, audit: audit, at: time)
        return true
    }

    public func transitionAllProfiles(from expected: ProfileStatus, to next: ProfileStatus, at time: Timestamp,
                                      audit: AuditEntry) throws -> Int {
        try self.checkNewAudit(audit)
        self.record(audit)
        var moved = 0
        for (id, var profile) in self.profilesByID where profile.status == expected {
            profile.status = next
            profile.updatedAt = time
            self.profilesByID[id] = profile
            self.recordFollowChange(profile, from: expected, audit: audit, at: time)
            moved += 1
        }
        return moved
    }

    public func updateProfileSettings(_ edited: CopyProfile, audit: AuditEntry?) throws {
        guard var profile = self.profilesByID[edited.id] else {
            throw StoreError.notFound(entity: "copy_profiles", key: edited.id.rawValue)
        }
        try self.checkNewAudit(audit)
        self.record(audit)
        profile.mode = edited.mode
        profile.sizing = edited.sizing
        profile.limits = edited.limits
        profile.stopBehavior = edited.stopBehavior
        profile.updatedAt = edited.updatedAt
        self.profilesByID[edited.id] = profile
    }

    public func stopProfile(_ id: ProfileID, from expected: ProfileStatus, behavior: StopBehavior,
                            closeOuts: [CopyAttempt], at time: Timestamp, audit: AuditEntry?) throws -> Bool {
        guard var profile = self.profilesByID[id], profile.status == expected else { return false }
        try self.checkNewAttemptIDs(closeOuts)
        try self.checkNewAudit(audit)
        self.record(audit)
        profile.status = .stopped
        profile.stopBehavior = behavior
        profile.updatedAt = time
        self.profilesByID[id] = profile
        self.recordFollowChange(profile, from: expected, audit: audit, at: time)
        for attempt in closeOuts { self.attemptsByID[attempt.id] = attempt }
        return true
    }

    /// Throws `duplicate` if any id is taken (or repeated), before anything is written.
    private func checkNewAttemptIDs(_ attempts: [CopyAttempt]) throws {
        var newIDs: Set<AttemptID> = []
        for attempt in attempts {
            guard self.attemptsByID[attempt.id] == nil, newIDs.insert(attempt.id).inserted else {
                throw StoreError.duplicate(entity: "copy_attempts", key: attempt.id.rawValue)
            }
        }
    }
}

// MARK: - CopyEventStore

extension InMemoryStore {
    public func recordLeaderEvent(_ event: LeaderEvent, newAttemptID: @Sendable () -> AttemptID,
                                  claim: AttemptClaim?) throws -> RecordOutcome {
        guard self.eventIDsByIdentity[event.identity] == nil else { return .duplicate }
        guard self.eventsByID[event.id] == nil else {
            throw StoreError.duplicate(entity: "leader_events", key: event.id.rawValue)
        }
        let attempts = self.activeProfiles(followingLeader: event.leaderID).map { profile in
            CopyAttempt.fannedOut(from: event, to: profile, id: newAttemptID()).claimed(by: claim)
        }
        // Check every attempt id before writing anything, so a clash leaves no partial fan-out.
        try self.checkNewAttemptIDs(attempts)
        let key = LeaderTokenKey(leaderID: event.leaderID, tokenID: event.fill.tokenID)
        let before = self.leaderPositions[key] ?? .zero
        var event = event
        event.leaderPositionBefore = before
        self.leaderPositions[key] = LeaderEvent.leaderPosition(
            after: event.fill, from: before, seededAt: self.leadersByID[event.leaderID]?.positionsSeededAt)
        self.eventsByID[event.id] = event
        self.eventIDsByIdentity[event.identity] = event.id
        for attempt in attempts { self.attemptsByID[attempt.id] = attempt }
        return .recorded(event, attempts: attempts)
    }

    public func leaderEvent(id: LeaderEventID) -> LeaderEvent? { self.eventsByID[id] }

    public func leaderEvent(identity: String) -> LeaderEvent? {
        self.eventIDsByIdentity[identity].flatMap { self.eventsByID[$0] }
    }

    public func leaderEvents(ids: Set<LeaderEventID>) -> [LeaderEventID: LeaderEvent] {
        self.eventsByID.filter { ids.contains($0.key) }
    }

    public func leaderEvents(leaderID: LeaderID, limit: Int) -> [LeaderEvent] {
        let events = self.eventsByID.values.filter { $0.leaderID == leaderID }
        return limited(oldestFirst(events, createdAt: \.fill.occurredAt, id: \.id.rawValue).reversed(), limit)
    }

    public func attempt(id: AttemptID) -> CopyAttempt? { self.attemptsByID[id] }

    public func attempts(userID: UserID, limit: Int) -> [CopyAttempt] {
        let attempts = self.attemptsByID.values.filter { $0.userID == userID }
        return limited(oldestFirst(attempts, createdAt: \.createdAt, id: \.id.rawValue).reversed(), limit)
    }

    public func attempts(userID: UserID, matching query: AttemptQuery, limit: Int) -> [CopyAttempt] {
        let attempts = self.attemptsByID.values.filter { attempt in
            attempt.userID == userID
                && query.profileID.map { $0 == attempt.profileID } ?? true
                && query.status.map { $0 == attempt.status } ?? true
                && query.kind.map { $0 == attempt.kind } ?? true
                && query.after.map { $0.precedes(attempt) } ?? true
        }
        return limited(oldestFirst(attempts, createdAt: \.createdAt, id: \.id.rawValue).reversed(), limit)
    }

    public func attempts(leaderEventID: LeaderEventID) -> [CopyAttempt] {
        oldestFirst(
            self.attemptsByID.values.filter { $0.leaderEventID == leaderEventID }, createdAt: \.createdAt, id: \.id.rawValue)
    }

    public func claimAttempts(owner: String, now: Timestamp, leaseDuration: Duration, limit: Int) -> [CopyAttempt] {
        let claimable = self.attemptsByID.values.filter { attempt in
            !attempt.status.isTerminal && attempt.dueAt <= now && (attempt.leaseExpiresAt.map { $0 <= now } ?? true)
        }
        let chosen = limited(oldestFirst(claimable, createdAt: \.dueAt, id: \.id.rawValue), limit)
        return chosen.map { attempt in
            var claimed = attempt
            claimed.leaseOwner = owner
            claimed.leaseExpiresAt = now + leaseDuration
            claimed.fencingToken += 1
            self.attemptsByID[claimed.id] = claimed
            return claimed
        }
    }

    public func updateAttempt(_ attempt: CopyAttempt, from expected: CopyAttempt.Status) -> Bool {
        guard var stored = self.attemptsByID[attempt.id], stored.status == expected,
              stored.fencingToken == attempt.fencingToken
        else { return false }
        stored.status = attempt.status
        stored.skipReason = attempt.skipReason
        stored.note = attempt.note
        stored.dueAt = attempt.dueAt
        stored.leaseOwner = attempt.leaseOwner
        stored.leaseExpiresAt = attempt.leaseExpiresAt
        stored.sentAt = attempt.sentAt
        stored.acceptedAt = attempt.acceptedAt
        stored.filledShares = attempt.filledShares
        stored.fillPrice = attempt.fillPrice
        stored.targetShares = attempt.targetShares
        stored.fanoutPlace = attempt.fanoutPlace
        stored.idealShares = attempt.idealShares
        stored.decisionPrice = attempt.decisionPrice
        stored.updatedAt = attempt.updatedAt
        self.attemptsByID[attempt.id] = stored
        return true
    }

    /// Checks every step's fence, and its funds under the actor (the wallet lock), before
    /// writing any of it, so a step that does not apply leaves no trace.
    public func commitAttemptSteps(_ steps: [AttemptStep]) throws -> [StepOutcome] {
        for order in steps.flatMap(\.newOrders) where self.ordersByID[order.id] != nil {
            throw StoreError.duplicate(entity: "orders", key: order.id.rawValue)
        }
        return try steps.map { step in
            guard let stored = self.attemptsByID[step.attempt.id], stored.status == step.expected,
                  stored.fencingToken == step.attempt.fencingToken,
                  step.orderUpdates.allSatisfy({ self.ordersByID[$0.order.id]?.status == $0.from })
            else { return .claimLost }
            if let needed = step.fundsNeeded, !(try self.walletFunds(needed.walletID).covers(needed.amount)) {
                return .insufficientFunds
            }
            guard self.eventCapFits(step) else { return .eventCapReached }
            self.recordEventTokens(step)
            _ = self.updateAttempt(step.attempt, from: step.expected)
            for order in step.newOrders { self.ordersByID[order.id] = order }
            for update in step.orderUpdates {
                _ = try? self.updateOrder(update.order, from: update.from, booking: nil, audit: nil)
            }
            for booking in step.bookings {
                self.savePosition(booking.applied(to: self.position(profileID: booking.profileID, tokenID: booking.tokenID)))
                if let walletID = booking.walletID, let synced = self.syncedBalances[walletID] {
                    self.syncedBalances[walletID] = (synced.collateral + booking.collateralChange, max(synced.at, booking.at))
                }
            }
            return .applied
        }
    }
}

extension InMemoryStore {
    public func followerFacts(profileIDs: Set<ProfileID>, ordersSince: Timestamp, spendSince: Timestamp) throws
        -> FollowerFacts
    {
        var facts = FollowerFacts()
        for id in profileIDs {
            guard let profile = self.profilesByID[id] else { continue }
            facts.profiles[id] = profile
            facts.positions[id] = self.positions(profileID: id)
            facts.openOrders[id] = self.orders(profileID: id, createdSince: ordersSince).filter { !$0.status.isTerminal }
            let settled = profile.limits.dailySpend == nil ? []
                : self.orders(profileID: id, createdSince: spendSince).filter { $0.side == .buy && $0.status.isTerminal }
            if !settled.isEmpty { facts.settledSpend[id] = settled.reduce(.zero) { $0 + $1.filledNotional + $1.fee } }
            if let wallet = self.walletsByID[profile.walletID] {
                facts.wallets[wallet.id] = wallet
                facts.funds[wallet.id] = try self.walletFunds(wallet.id)
            }
        }
        return facts
    }

    public func profileStatuses(ids: Set<ProfileID>) -> [ProfileID: ProfileStatus] {
        Dictionary(ids.compactMap { id in self.profilesByID[id].map { (id, $0.status) } }, uniquingKeysWith: { first, _ in first })
    }
}

// MARK: - OrderStore

extension InMemoryStore {
    public func insertOrder(_ order: Order) throws {
        guard self.ordersByID[order.id] == nil else { throw StoreError.duplicate(entity: "orders", key: order.id.rawValue) }
        self.ordersByID[order.id] = order
    }

    public func order(id: OrderID) -> Order? { self.ordersByID[id] }

    public func orders(attemptID: AttemptID) -> [Order] {
        oldestFirst(self.ordersByID.values.filter { $0.attemptID == attemptID }, createdAt: \.createdAt, id: \.id.rawValue)
    }

    public func orders(profileID: ProfileID, createdSince since: Timestamp) -> [Order] {
        let matching = self.ordersByID.values.filter { $0.profileID == profileID && $0.createdAt >= since }
        return oldestFirst(matching, createdAt: \.createdAt, id: \.id.rawValue)
    }

    public func orders(statuses: Set<Order.Status>, limit: Int) -> [Order] {
        let matching = self.ordersByID.values.filter { statuses.contains($0.status) }
        return limited(oldestFirst(matching, createdAt: \.createdAt, id: \.id.rawValue), limit)
    }

    public func updateOrder(_ order: Order, from expected: Order.Status, booking position: Position?,
                            audit: AuditEntry?) throws -> Bool {
        guard var stored = self.ordersByID[order.id], stored.status == expected else { return false }
        try self.checkNewAudit(audit)
        self.record(audit)
        stored.status = order.status
        stored.filledShares = order.filledShares
        stored.filledNotional = order.filledNotional
        stored.fee = order.fee
        stored.note = order.note
        stored.submittedAt = order.submittedAt
        stored.updatedAt = order.updatedAt
        self.ordersByID[order.id] = stored
        if let position { self.savePosition(position) }
        return true
    }

    public func position(profileID: ProfileID, tokenID: TokenID) -> Position? {
        self.positionsByKey[PositionKey(profileID: profileID, tokenID: tokenID)]
    }

    public func positions(profileID: ProfileID) -> [Position] {
        self.positionsByKey.values.filter { $0.profileID == profileID }.sorted { $0.tokenID < $1.tokenID }
    }

    public func savePosition(_ position: Position) {
        self.positionsByKey[PositionKey(profileID: position.profileID, tokenID: position.tokenID)] = position
    }

    public func redeemablePositions(limit: Int) -> [Position] {
        limited(self.positionsByKey.values.filter { $0.redeemable && $0.shares.baseUnits > 0 }
            .sorted { ($0.profileID.rawValue, $0.tokenID) < ($1.profileID.rawValue, $1.tokenID) }, limit)
    }
}

// MARK: - RelayerTxStore

extension InMemoryStore {
    public func insertRelayerTx(_ tx: RelayerTx) throws {
        guard self.relayerTxsByID[tx.id] == nil else {
            throw StoreError.duplicate(entity: "relayer_txs", key: tx.id.rawValue)
        }
        guard self.relayerTxIDsByKey[tx.idempotencyKey] == nil else {
            throw StoreError.duplicate(entity: "relayer_txs", key: tx.idempotencyKey)
        }
        try self.checkChainTransactionIsFree(tx)
        self.relayerTxsByID[tx.id] = tx
        self.relayerTxIDsByKey[tx.idempotencyKey] = tx.id
    }

    public func relayerTx(id: RelayerTxID) -> RelayerTx? { self.relayerTxsByID[id] }

    public func relayerTx(idempotencyKey: String) -> RelayerTx? {
        self.relayerTxIDsByKey[idempotencyKey].flatMap { self.relayerTxsByID[$0] }
    }

    public func relayerTxs(statuses: Set<RelayerTx.Status>, limit: Int) -> [RelayerTx] {
        let matching = self.relayerTxsByID.values.filter { statuses.contains($0.status) }
        return limited(oldestFirst(matching, createdAt: \.createdAt, id: \.id.rawValue), limit)
    }

    public func relayerTxs(userID: UserID, limit: Int) -> [RelayerTx] {
        let mine = self.relayerTxsByID.values.filter { $0.userID == userID }
        return limited(oldestFirst(mine, createdAt: \.createdAt, id: \.id.rawValue).reversed(), limit)
    }

    public func updateRelayerTx(_ tx: RelayerTx, from expected: RelayerTx.Status, audit: AuditEntry?) throws -> Bool {
        guard var stored = self.relayerTxsByID[tx.id], stored.status == expected else { return false }
        try self.checkChainTransactionIsFree(tx)
        try self.checkNewAudit(audit)
        self.record(audit)
        stored.status = tx.status
        stored.payload = tx.payload
        stored.relayerReference = tx.relayerReference
        stored.transactionHash = tx.transactionHash
        stored.amount = tx.amount
        stored.destination = tx.destination
        stored.submitCount = tx.submitCount
        stored.lastError = tx.lastError
        stored.updatedAt = tx.updatedAt
        self.relayerTxsByID[tx.id] = stored
        self.recordOutbox(OutboxEvent.relayerTxChanged(stored, from: expected))
        return true
    }
}

extension InMemoryStore {
    /// A transaction hash or relayer reference belongs to at most one row (the SQL stores' unique
    /// indexes): throws `duplicate` when another row holds `tx`'s.
    private func checkChainTransactionIsFree(_ tx: RelayerTx) throws {
        for other in self.relayerTxsByID.values where other.id != tx.id {
            if let hash = tx.transactionHash, other.transactionHash == hash {
                throw StoreError.duplicate(entity: "relayer_txs", key: hash)
            }
            if let reference = tx.relayerReference, other.relayerReference == reference {
                throw StoreError.duplicate(entity: "relayer_txs", key: reference)
            }
        }
    }
}

// MARK: - AuditStore

extension InMemoryStore {
    public func appendAudit(_ entry: AuditEntry) throws {
        try self.checkNewAudit(entry)
        self.record(entry)
    }

    /// Throws `duplicate` before anything changes when the entry's id is taken.
    func checkNewAudit(_ entry: AuditEntry?) throws {
        guard let entry, self.auditByID[entry.id] != nil else { return }
        throw StoreError.duplicate(entity: "audit_logs", key: entry.id.rawValue)
    }

    func record(_ entry: AuditEntry?) {
        if let entry { self.auditByID[entry.id] = entry }
    }

    public func recentAudit(limit: Int) -> [AuditEntry] {
        limited(oldestFirst(self.auditByID.values, createdAt: \.createdAt, id: \.id.rawValue).reversed(), limit)
    }
}
