public import Logging

/// The copy pipeline after detection (ARCHITECTURE §3), as a batch: claim due attempts with a
/// lease and a fencing token; read each distinct market, book and balance once; let the
/// ``AttemptPlanner`` decide every attempt (followers of one fill in a shuffled order against one
/// shared book, see ``FanOut``); prepare and sign all orders concurrently; persist every decision
/// and every signed order in one commit; send concurrently, one order at a time per wallet; record
/// every answer (and book every fill) in a second commit.
///
/// Every write about an attempt carries the fencing token of the claim: a worker that lost its
/// lease (stalled, or another process took over) changes nothing and sends nothing more.
public struct CopyEngine: Sendable {
    public struct Settings: Hashable, Sendable {
        /// Who claims (a process-unique name), for the lease column.
        public var owner: String
        public var leaseDuration: Duration
        /// How many attempts one batch claims.
        public var batchSize: Int
        /// How a deferred attempt, an unknown order and an exit that is not yet flat wait.
        public var planner: AttemptPlanner.Settings
        /// How many orders are prepared, signed or sent at once (sends: one per wallet at a time).
        public var concurrency: Int
        /// Mixed into every fan-out's shuffle.
        public var fanOutSeed: UInt64

        public init(owner: String, leaseDuration: Duration = .seconds(30), batchSize: Int = 20,
                    deferBackoff: Duration = .seconds(5), reconcileBackoff: Duration = .seconds(2),
                    exitRetryBackoff: Duration = .seconds(5), concurrency: Int = 16, fanOutSeed: UInt64 = 0) {
            self.owner = owner
            self.leaseDuration = leaseDuration
            self.batchSize = batchSize
            self.planner = .init(deferBackoff: deferBackoff, reconcileBackoff: reconcileBackoff,
                                 exitRetryBackoff: exitRetryBackoff)
            self.concurrency = max(1, concurrency)
            self.fanOutSeed = fanOutSeed
        }
    }

    /// Named points where tests inject a crash (the task dies there; a new engine resumes).
    public enum FaultPoint: String, Hashable, Sendable, CaseIterable {
        /// The batch's signed orders are stored; nothing has been sent.
        case afterPersist
        /// An order's bytes are sent; its response is not yet read (others may be in flight).
        case afterSend
        /// Every response of the batch is in hand; nothing about them is stored yet.
        case afterResponse
    }

    let store: any Store
    let exchange: any Exchange
    let vault: any KeyVault
    let wallClock: WallClock
    let ids: IDGenerator
    let settings: Settings
    let logger: Logger
    let faults: @Sendable (FaultPoint) async throws -> Void

    public init(store: any Store, exchange: any Exchange, vault: any KeyVault, wallClock: WallClock, ids: IDGenerator,
                settings: Settings, logger: Logger, faults: @escaping @Sendable (FaultPoint) async throws -> Void = { _ in }) {
        self.store = store
        self.exchange = exchange
        self.vault = vault
        self.wallClock = wallClock
        self.ids = ids
        self.settings = settings
        self.logger = logger
        self.faults = faults
    }

    /// Claims and processes one batch; returns how many attempts were claimed.
    @discardableResult
    public func runOnce() async throws -> Int {
        let claimed = try await self.store.claimAttempts(
            owner: self.settings.owner, now: self.wallClock.now(), leaseDuration: self.settings.leaseDuration,
            limit: self.settings.batchSize)
        guard !claimed.isEmpty else { return 0 }
        try await self.process(claimed)
        return claimed.count
    }

    /// Carries a claimed batch through the pipeline: decide, prepare, sign, persist (commit 1),
    /// send, record the answers (commit 2). `recorded`: the leader event the batch was fanned out
    /// from, when the caller has it in hand (the ingestor's hand-over), so it is not read back.
    func process(_ claimed: [CopyAttempt], recorded: LeaderEvent? = nil) async throws {
        // The markets and books the batch will ask for are read while the store is: on a real
        // venue that is a network round trip off every copy's path.
        async let markets = self.prefetchMarkets(for: claimed)
        var batch = try await self.load(claimed, recorded: recorded)
        for (token, fact) in await markets { batch.fanOut.setMarket(fact, for: token) }
        await self.readCommittedMarkets(&batch)
        try await self.decide(&batch)
        try await self.prepareAndSign(&batch)
        try await self.commit(&batch)
        try await self.faults(.afterPersist)
        try await self.stopSendsOfStoppedProfiles(&batch)
        try await self.send(&batch)
        try await self.faults(.afterResponse)
        try await self.commit(&batch)
    }

    /// Plans every unsettled attempt until each is waiting for an order's preparation or send, or
    /// is decided; reads the facts the planner asks for (each market, book, balance and order
    /// lookup once) between rounds.
    func decide(_ batch: inout Batch) async throws {
        for _ in 0..<6 {
            var markets: Set<TokenID> = []
            var balances: Set<WalletID> = []
            var lookups: [Int: Order] = [:]
            for index in batch.order where batch.works[index].need.isOpen {
                switch self.advance(&batch, index) {
                case .market(let token): markets.insert(token)
                case .balance(let wallet): balances.insert(wallet)
                case .lookUp(let order): lookups[index] = order
                case nil: break
                }
            }
            if markets.isEmpty, balances.isEmpty, lookups.isEmpty { return }
            try await self.read(markets: markets, balances: balances, lookups: lookups, into: &batch)
        }
    }

    /// Prepares every planned order at the venue, then signs the live ones once: both spread
    /// over tasks (signing over the machine's cores), bounded by ``Settings/concurrency``.
    func prepareAndSign(_ batch: inout Batch) async throws {
        let toPrepare = batch.works.indices.compactMap { index -> (Int, OrderIntent, TradingAccount)? in
            guard case .prepare(let intent) = batch.works[index].need, let wallet = batch.works[index].wallet else { return nil }
            return (index, intent, TradingAccount(wallet))
        }
        let now = self.wallClock.now()
        let prepared = try await self.bounded(toPrepare) { index, intent, account in
            (index, await self.prepareFact(intent, account: account, at: now))
        }
        for (index, fact) in prepared {
            self.afterPrepare(&batch, index, fact)
        }
        let toSign = batch.works.indices.compactMap { index -> (Int, PreparedOrder, TradingWallet)? in
            guard case .sign(let prepared) = batch.works[index].need, let wallet = batch.works[index].wallet else { return nil }
            return (index, prepared, wallet)
        }
        let signed = try await self.bounded(toSign) { index, prepared, wallet in
            (index, prepared, await self.signedPayload(prepared, wallet: wallet))
        }
        let signedAt = self.wallClock.now()
        for (index, prepared, payload) in signed {
            if let payload {
                self.persistBeforeSend(&batch, index, prepared: prepared, payload: payload, at: signedAt)
            } else {
                batch.works[index].need = .open
                try self.carryOut(.fail(note: "the order could not be signed"), &batch, index, at: signedAt)
            }
        }
        // Paper fills and anything else settled in memory is planned on to its end.
        for index in batch.order where batch.works[index].need.isOpen {
            _ = self.advance(&batch, index)
        }
    }

    /// Sends every order waiting for it: one task per wallet (a wallet's orders go one at a time),
    /// at most ``Settings/concurrency`` wallets at once; the adapter holds the venue's rate limits.
    func send(_ batch: inout Batch) async throws {
        var byWallet: [WalletID: [(Int, Order, TradingAccount)]] = [:]
        for index in batch.works.indices {
            guard case .send(let order) = batch.works[index].need, let wallet = batch.works[index].wallet else { continue }
            byWallet[wallet.id, default: []].append((index, order, TradingAccount(wallet)))
        }
        let answers = try await self.bounded(Array(byWallet.values)) { orders in
            var answers: [(Int, VenueFact<OrderSnapshot>)] = []
            for (index, order, account) in orders {
                answers.append((index, try await self.submit(order, account: account)))
            }
            return answers
        }
        let answeredAt = self.wallClock.now()
        for (index, answer) in answers.flatMap({ $0 }) {
            guard case .send(let order) = batch.works[index].need else { continue }
            batch.works[index].need = .open
            if case .known(let snapshot) = answer, !snapshot.state.isRejection {
                batch.works[index].attempt.acceptedAt = batch.works[index].attempt.acceptedAt ?? answeredAt
            }
            try self.carryOut(AttemptPlanner.afterSend(order, answer: answer), &batch, index, at: answeredAt)
            if batch.works[index].need.isOpen { _ = self.advance(&batch, index) }
        }
    }

    /// Runs `body` over `items` in child tasks, at most ``Settings/concurrency`` at a time; the
    /// results in no particular order. The first error cancels the rest and is rethrown.
    func bounded<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ body: @escaping @Sendable (Item) async throws -> Result
    ) async throws -> [Result] {
        guard !items.isEmpty else { return [] }
        return try await withThrowingTaskGroup(of: Result.self) { group in
            var results: [Result] = []
            results.reserveCapacity(items.count)
            var next = items.makeIterator()
            for _ in 0..<min(self.settings.concurrency, items.count) {
                if let item = next.next() { group.addTask { try await body(item) } }
            }
            while let result = try await group.next() {
                results.append(result)
                if let item = next.next() { group.addTask { try await body(item) } }
            }
            return results
        }
    }
}

/// Thrown by a test's fault hook to stand for the process dying at a ``CopyEngine/FaultPoint``.
public struct SimulatedCrash: Error, Hashable, Sendable {
    public let point: CopyEngine.FaultPoint
    public init(at point: CopyEngine.FaultPoint) { self.point = point }
}

extension OrderSnapshot.State {
    var isRejection: Bool {
        if case .rejected = self { return true }
        return false
    }
}

extension CopyAttempt.Kind {
    /// Whether a profile in `status` may act on an attempt of this kind: entries only when
    /// ENABLED; exits also in EXIT_ONLY; a close-out (the user's "sell now") once STOPPED.
    /// PAUSED and USER_PAUSED allow nothing.
    public func isAllowed(by status: ProfileStatus) -> Bool {
        switch self {
        case .entry: status.allowsEntries
        case .exit: status.allowsExits
        case .closeOut: status.allowsExits || status == .stopped
        }
    }
}
