public import Kernel
import PolymarketProtocol

/// A deterministic simulated Polymarket: markets with books, wallets with collateral and
/// shares, orders verified and matched by the CLOB's rules, leader wallets that trade, and a
/// relayer ledger. The same seed and the same calls give the same venue, fill for fill.
///
/// Its ports — ``exchange``, ``leaderFeed``, ``relayer`` — are what the App and the engine use;
/// the rest of its API is control for tests and the demo (list markets, fund wallets, make
/// leaders trade, resolve, step time, inject faults).
public actor FakeVenue {
    /// When relayer transactions finish.
    public enum RelayerPace: Hashable, Sendable {
        /// `STATE_NEW` on submit, `STATE_MINED` after one ``step()``, `STATE_CONFIRMED` after the next.
        case stepwise
        /// Mined and confirmed within the submit call.
        case immediate
    }

    public struct Configuration: Sendable {
        public var relayerPace: RelayerPace
        /// The chain the exchange domains name (Polygon, 137).
        public var chainID: UInt64
        /// How an injected latency waits; tests can move a manual clock instead of sleeping.
        public var sleep: @Sendable (Duration) async throws -> Void

        public init(relayerPace: RelayerPace = .stepwise, chainID: UInt64 = 137,
                    sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
            self.relayerPace = relayerPace
            self.chainID = chainID
            self.sleep = sleep
        }
    }

    var state: VenueState
    var faults = FaultBoard()
    public nonisolated let wallClock: WallClock
    public nonisolated let configuration: Configuration
    nonisolated let hub = LiveFillHub()

    /// An empty venue: no markets, no wallets, no leaders.
    public init(seed: UInt64, wallClock: WallClock, configuration: Configuration = Configuration()) {
        self.init(state: VenueState(seed: seed), wallClock: wallClock, configuration: configuration)
    }

    init(state: VenueState, wallClock: WallClock, configuration: Configuration) {
        self.state = state
        self.wallClock = wallClock
        self.configuration = configuration
    }

    /// The Exchange port of this venue.
    public nonisolated var exchange: FakeExchange { FakeExchange(venue: self) }
    /// The LeaderFeed port of this venue.
    public nonisolated var leaderFeed: FakeLeaderFeed { FakeLeaderFeed(venue: self) }
    /// The Relayer port of this venue.
    public nonisolated var relayer: FakeRelayer { FakeRelayer(venue: self) }

    // MARK: Markets

    /// Lists a market; its ids follow from the seed and the order of listing.
    @discardableResult
    public func listMarket(_ spec: FakeMarketSpec) throws -> FakeMarket {
        try self.state.listMarket(spec)
    }

    /// Every market, in listing order.
    public func markets() -> [FakeMarket] {
        self.state.marketOrder.compactMap { self.state.markets[$0] }
    }

    public func market(conditionID: String) throws -> FakeMarket {
        try self.state.market(conditionID: conditionID)
    }

    /// Changes a live market's rules; `nil` leaves a field as it is.
    public func updateMarket(conditionID: String, tickSize: Price? = nil, minOrderSize: Shares? = nil,
                             acceptingOrders: Bool? = nil) throws {
        try self.state.updateMarket(conditionID: conditionID, tickSize: tickSize, minOrderSize: minOrderSize,
                                    acceptingOrders: acceptingOrders)
    }

    /// Replaces the market's own liquidity for `book.tokenID`; resting orders stay.
    public func setBook(_ book: OrderBook) throws {
        try self.state.setBook(book)
    }

    /// Settles a market: resting orders on it are cancelled; `winningToken` redeems at 1.
    public func resolve(conditionID: String, winningToken: TokenID) throws {
        try self.state.resolve(conditionID: conditionID, winningToken: winningToken)
    }

    // MARK: Wallets

    /// Deposits collateral.
    public func fund(wallet: WalletAddress, amount: Collateral) {
        self.state.credit(wallet, amount)
    }

    /// Puts shares into a wallet at no cost, as if bought before.
    public func grant(_ shares: Shares, of tokenID: TokenID, to wallet: WalletAddress) throws {
        _ = try self.state.market(of: tokenID)
        self.state.addShares(wallet, tokenID, shares, cost: .zero)
    }

    /// The wallet's whole collateral, including what resting orders hold.
    public func collateral(of wallet: WalletAddress) -> Collateral {
        self.state.balance(of: wallet)
    }

    /// The wallet's shares of `tokenID`, including what resting orders hold.
    public func shares(of wallet: WalletAddress, tokenID: TokenID) -> Shares {
        self.state.shares(of: wallet, tokenID: tokenID)
    }

    /// Tells the venue that `owner` signs for `funder` (a proxy, Safe or deposit wallet). Funders
    /// whose address derives from their owner, and funders first seen in a trading account,
    /// need no registration.
    public func register(funder: WalletAddress, owner: WalletAddress) {
        self.state.register(funder: funder, owner: owner)
    }

    /// Relayer transactions in submission order.
    public func relayerTransactions() -> [FakeRelayerTransaction] {
        self.state.relayer.sequence.compactMap { self.state.relayer.transactions[$0] }.map {
            FakeRelayerTransaction(reference: $0.reference, from: $0.from, nonce: $0.nonce, request: $0.request,
                                   state: $0.state, transactionHash: $0.transactionHash)
        }
    }

    // MARK: Leaders

    /// Adds a leader that trades on its own about every `tradeEvery` (give or take a quarter)
    /// when the venue steps: buys on markets with simulated liquidity, sells of what it holds.
    public func addSimulatedLeader(_ address: WalletAddress, label: String? = nil, tradeEvery: Duration) {
        self.state.addSimulatedLeader(address, label: label, tradeEvery: tradeEvery, now: self.wallClock.now())
    }

    /// Leaders that trade on their own, with their labels.
    public func simulatedLeaders() -> [(address: WalletAddress, label: String?)] {
        self.state.leaders.filter { $0.value.tradeEvery != nil }.sorted { $0.key < $1.key }
            .map { ($0.key, $0.value.label) }
    }

    /// Makes `leader` trade now, one transaction of `legs`; live streams get the fills.
    @discardableResult
    public func leaderTrade(_ leader: WalletAddress, legs: [FakeLeg]) throws -> [LeaderFill] {
        let fills = try self.state.leaderTrade(leader, legs: legs, now: self.wallClock.now())
        self.publish([fills])
        return fills
    }

    // MARK: Time

    /// One tick: GTD orders past their time expire, relayer transactions move one state on,
    /// simulated leaders whose turn has come (by the wall clock) trade.
    public func step() {
        let now = self.wallClock.now()
        self.state.expireOrders(now: now)
        self.state.resolveEndedSimulatedMarkets(now: now)
        self.state.advanceRelayer()
        self.publish(self.state.simulateLeaders(now: now))
    }

    /// Steps every `interval` of `clock` until the task is cancelled — the demo's heartbeat.
    public nonisolated func run<C: Clock<Duration>>(every interval: Duration, clock: C = ContinuousClock()) async {
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: interval)
            } catch {
                return
            }
            await self.step()
        }
    }

    // MARK: Faults

    /// Shows `fault` the next `times` occasions, or until ``clearFaults()`` when nil.
    public func inject(_ fault: FakeFault, times: Int? = 1) {
        self.faults.add(fault, times: times)
    }

    public func clearFaults() {
        self.faults.clear()
    }

    /// Ends every live stream as a dropped connection would (with `error`) or cleanly.
    public func dropLiveStreams(throwing error: (any Error)? = VenueError.unavailable("stream closed")) {
        self.hub.finishAll(throwing: error)
    }

    // MARK: For the ports

    /// Applies any transport fault for `service`: throws its error, or waits out its latency.
    nonisolated func transport(_ service: FakeService) async throws {
        guard let fault = await self.takeTransportFault(service) else { return }
        if let error = fault.error { throw error }
        if case .latency(let duration) = fault { try await self.configuration.sleep(duration) }
    }

    func takeTransportFault(_ service: FakeService) -> FakeTransportFault? {
        self.faults.transportFault(for: service)
    }

    func marketInfo(tokenID: TokenID) throws -> MarketInfo {
        try self.state.market(of: tokenID).info(for: tokenID)
    }

    func orderBook(tokenID: TokenID) throws -> OrderBook {
        try self.state.book(tokenID: tokenID)
    }

    /// The market an order is prepared for and a fresh salt; learns the account's owner.
    func preparation(tokenID: TokenID, account: TradingAccount) throws -> (market: FakeMarket, salt: UInt64) {
        let market = try self.state.market(of: tokenID)
        if self.state.owners[account.funderAddress] == nil {
            self.state.register(funder: account.funderAddress, owner: account.signerAddress)
        }
        return (market, ClobOrder.randomSalt(using: &self.state.salts))
    }

    /// Verifies and places a parsed order. With a lost-response fault the order is placed and
    /// the answer thrown away.
    func submit(_ body: OrderRequestBody, orderID: OrderID, account: TradingAccount) throws -> OrderSnapshot {
        let snapshot = switch self.state.verify(body, claimedID: orderID, account: account,
                                                chainID: self.configuration.chainID) {
        case .accepted(let incoming): self.state.place(incoming, now: self.wallClock.now())
        case .rejected(let rejection): rejection
        }
        if self.faults.consume(.orderResponseLost) { throw VenueError.timeout }
        return snapshot
    }

    func order(id: OrderID, account: TradingAccount) -> OrderSnapshot? {
        self.state.expireOrders(now: self.wallClock.now())
        return self.state.order(id, funder: account.funderAddress)
    }

    func cancel(id: OrderID, account: TradingAccount) -> OrderSnapshot? {
        self.state.cancel(id, funder: account.funderAddress, now: self.wallClock.now())
    }

    func availableCollateral(of wallet: WalletAddress) -> Collateral {
        self.state.availableCollateral(of: wallet)
    }

    func fills(of leader: WalletAddress, since: Timestamp) -> [ObservedFill] {
        self.state.fills(of: leader, since: since)
    }

    func positions(of wallet: WalletAddress) -> [WalletPosition] {
        self.state.positions(of: wallet)
    }

    nonisolated func subscribe(to leaders: Set<WalletAddress>) -> AsyncThrowingStream<ObservedFill, any Error> {
        self.hub.subscribe(to: leaders)
    }

    func relayerNonce(of wallet: WalletAddress, account: TradingAccount) -> Int {
        if self.state.owners[account.funderAddress] == nil {
            self.state.register(funder: account.funderAddress, owner: account.signerAddress)
        }
        return self.state.relayerNonce(of: wallet)
    }

    func isOwner(_ signer: WalletAddress, of wallet: WalletAddress, account: TradingAccount) -> Bool {
        self.state.isOwner(signer.address, of: wallet.address, account: account)
    }

    func submitRelayer(transaction: String, from wallet: WalletAddress, nonce: Int,
                       request: RelayerRequest) throws -> Kernel.RelayerSubmission {
        // Only a transaction the relayer will accept as new uses up a failure.
        let isNew = self.state.relayer.referenceByNonce[wallet]?[nonce] == nil
            && nonce == self.state.relayerNonce(of: wallet)
        let failing = isNew && self.faults.consume(.relayerTransactionFails)
        return try self.state.submitRelayer(
            transaction: transaction, from: wallet, nonce: nonce, request: request, failing: failing,
            immediate: self.configuration.relayerPace == .immediate)
    }

    func relayerSubmission(reference: String) throws -> Kernel.RelayerSubmission {
        try self.state.relayerSubmission(reference: reference)
    }

    /// Hands fills to live streams, one transaction at a time, through the feed faults.
    private func publish(_ transactions: [[LeaderFill]]) {
        for fills in transactions {
            var observed = fills.countingOccurrences()
            if self.faults.consume(.feedDeliversOutOfOrder) { observed.reverse() }
            var delivery: [ObservedFill] = []
            for fill in observed {
                if self.faults.consume(.feedSilent) { continue }
                delivery.append(fill)
                if self.faults.consume(.feedDeliversTwice) { delivery.append(fill) }
            }
            self.hub.publish(delivery)
        }
    }
}
