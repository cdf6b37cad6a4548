import Foundation
import InMemoryLogging
import Kernel
import Logging
@testable import PolymarketAdapter
import Synchronization
import Testing

/// Polling and backfill over the Data API: every second is read whole, so no page window loses,
/// duplicates or renumbers a fill (ARCHITECTURE §3, spec §10.4).
@Suite(.timeLimit(.minutes(2))) struct DataAPIFeedTests {
    static let start: Int64 = 1_760_000_000

    static func feed(_ transport: RecordingTransport, pageSize: Int = 500, clock: any AdapterClock = ManualClock(),
                     lag: any FeedLagRecorder = RecordedLags(), logger: Logger = Logger(label: "test")) -> PolymarketLeaderFeed {
        PolymarketLeaderFeed(configuration: Fixture.feedConfiguration(pageSize: pageSize), transport: transport,
                             stream: ScriptedStream(), clock: clock, lag: lag, logger: logger)
    }

    static func row(_ tx: Int, second: Int64, size: String = "10", price: String = "0.5", side: String = "BUY",
                    token: String = Fixture.token.decimal, wallet: String = Fixture.leader.lowercased) -> ScriptedDataAPI.Row {
        ScriptedDataAPI.Row(wallet: wallet, transactionHash: ScriptedDataAPI.hash(tx), token: token, side: side,
                            size: size, price: price, second: second)
    }

    @Test func twinsInOneTransactionAreTwoIdentitiesInOrderAndTheSameOnReRead() async throws {
        let transport = RecordingTransport()
        let api = ScriptedDataAPI()
        api.install(on: transport)
        api.append([Self.row(1, second: Self.start), Self.row(1, second: Self.start),
                    Self.row(1, second: Self.start, token: "1"), Self.row(2, second: Self.start + 5, size: "3")])
        let feed = Self.feed(transport)
        let since = Timestamp(epochMilliseconds: Self.start * 1_000)

        let first = try await feed.fills(of: Fixture.leader, since: since)
        #expect(first.map(\.occurrence) == [0, 1, 0, 0])
        #expect(first.map(\.fill.tokenID.decimal) == [Fixture.token.decimal, Fixture.token.decimal, "1", Fixture.token.decimal])
        #expect(Set(first.map(\.identity)).count == 4)
        #expect(first[0].fill.identityTuple == first[1].fill.identityTuple)
        #expect(try await feed.fills(of: Fixture.leader, since: since).map(\.identity) == first.map(\.identity))

        // Polled as ARCHITECTURE §3 says: the leader lowercase, maker fills included.
        let poll = try #require(transport.requests.first)
        #expect(poll.path == "/trades" && poll.url.hasPrefix("https://data.test/trades?"))
        #expect(poll.query.contains(.init("takerOnly", "false")))
        #expect(poll.query.contains(.init("user", Fixture.leader.lowercased)))
        #expect(transport.requests.count == 2, "one page reached back past `since` each time")

        // Millisecond `since`: a fill at second s is at s·1000 ms, so s·1000 + 1 excludes it.
        let later = try await feed.fills(of: Fixture.leader, since: since + .milliseconds(1))
        #expect(later.map(\.identity) == [first[3].identity])
    }

    @Test func aFullFirstPageIsContinuedByInclusiveTimeWindowsUntilBeforeSince() async throws {
        let transport = RecordingTransport()
        let api = ScriptedDataAPI()
        api.install(on: transport)
        // Ten seconds, two fills each; pages of three cut seconds in half.
        api.append((0..<10).flatMap { n in [Self.row(n, second: Self.start + Int64(n)), Self.row(n, second: Self.start + Int64(n))] })
        let feed = Self.feed(transport, pageSize: 3)
        let fills = try await feed.fills(of: Fixture.leader, since: Timestamp(epochMilliseconds: (Self.start + 2) * 1_000))
        #expect(fills.count == 16)
        #expect(fills.map(\.occurrence) == Array(repeating: [0, 1], count: 8).flatMap { $0 })
        let seconds: [Int64] = (2..<10).flatMap { (n: Int64) -> [Int64] in [Self.start + n, Self.start + n] }
        #expect(fills.map(\.fill.occurredAt.epochMilliseconds) == seconds.map { $0 * 1_000 })
        let continuations = transport.requests("GET /activity")
        #expect(!continuations.isEmpty)
        for request in continuations {
            #expect(request.query.contains(.init("start", String(Self.start + 2))))
            #expect(request.query.contains(.init("type", "TRADE")) && request.query.contains(.init("sortDirection", "DESC")))
            #expect(request.query.contains { $0.name == "end" })
        }
        // The first page is live polling, the rest is backfill.
        #expect(fills.last?.fill.source == .dataAPI && fills.first?.fill.source == .backfill)
    }

    @Test func aSecondWithMoreFillsThanAPageIsReadWholeByOffset() async throws {
        let transport = RecordingTransport()
        let api = ScriptedDataAPI()
        api.install(on: transport)
        api.append([Self.row(1, second: Self.start)])
        api.append(Array(repeating: Self.row(2, second: Self.start + 1), count: 7))
        api.append([Self.row(3, second: Self.start + 2)])
        let fills = try await Self.feed(transport, pageSize: 2)
            .fills(of: Fixture.leader, since: Timestamp(epochMilliseconds: Self.start * 1_000))
        #expect(fills.count == 9)
        #expect(fills.filter { $0.fill.transactionHash == ScriptedDataAPI.hash(2) }.map(\.occurrence) == Array(0..<7))
        #expect(transport.requests("GET /activity").contains { $0.query.contains(.init("offset", "2")) })
    }

    /// Random histories, page sizes and `since`, with new fills landing between any two requests:
    /// every fill that existed at the start and is not older than `since` comes back exactly
    /// once, with the identity it has in the whole history, oldest first.
    @Test func shiftingPagesNeverLoseDuplicateOrRenumberAFill() async throws {
        var generator = SeededRandom(seed: 0x5EED_F00D)
        for iteration in 0..<150 {
            let transport = RecordingTransport()
            let api = ScriptedDataAPI()
            api.install(on: transport)
            var tx = 0
            var second = Self.start
            func transaction(at second: Int64, generator: inout SeededRandom) -> [ScriptedDataAPI.Row] {
                tx += 1
                let legs = Int.random(in: 1...4, using: &generator)
                let twin = Self.row(tx, second: second, size: ["1", "2.5", "10"].randomElement(using: &generator)!,
                                    price: ["0.5", "0.5400000017208633", "0.43"].randomElement(using: &generator)!)
                return (0..<legs).map { _ in
                    Bool.random(using: &generator) ? twin : Self.row(tx, second: second, size: "7", side: "SELL", token: "9")
                }
            }
            var initial: [ScriptedDataAPI.Row] = []
            for _ in 0..<Int.random(in: 5...25, using: &generator) {
                second += Int64.random(in: 0...2, using: &generator)
                initial += transaction(at: second, generator: &generator)
                if Bool.random(using: &generator) {
                    initial.append(Self.row(900 + tx, second: second, wallet: Fixture.otherWallet))
                }
            }
            api.append(initial)
            // Between requests, new transactions land at newer seconds and shift every page.
            let newest = second
            let arrivals = Mutex<(tx: Int, second: Int64, generator: SeededRandom)>(
                (10_000 + iteration * 100, newest, SeededRandom(seed: UInt64(iteration))))
            api.beforeEachRequest { request in
                arrivals.withLock { state in
                    guard request > 1, Bool.random(using: &state.generator) else { return [] }
                    state.tx += 1
                    state.second += 1
                    let count = Int.random(in: 1...3, using: &state.generator)
                    return Array(repeating: Self.row(state.tx, second: state.second), count: count)
                }
            }
            let pageSize = Int.random(in: 1...6, using: &generator)
            let sinceSecond = Self.start + Int64.random(in: 0...(newest - Self.start), using: &generator)
            let since = Timestamp(epochMilliseconds: sinceSecond * 1_000)

            let fills = try await Self.feed(transport, pageSize: pageSize).fills(of: Fixture.leader, since: since)

            let truth = try ScriptedDataAPI.identities(of: api.rows.filter { $0.wallet == Fixture.leader.lowercased }, leader: Fixture.leader)
            let allTrue = Set(truth.values.flatMap { $0 })
            let identities = fills.map(\.identity)
            #expect(Set(identities).count == identities.count, "duplicates at iteration \(iteration)")
            #expect(Set(identities).isSubset(of: allTrue), "renumbered at iteration \(iteration)")
            let required = Set(initial.filter { $0.wallet == Fixture.leader.lowercased && $0.second >= sinceSecond }
                .flatMap { truth[$0] ?? [] })
            #expect(required.isSubset(of: Set(identities)), "lost fills at iteration \(iteration) (page \(pageSize))")
            #expect(fills.allSatisfy { $0.fill.occurredAt >= since })
            #expect(zip(fills, fills.dropFirst()).allSatisfy { $0.fill.occurredAt <= $1.fill.occurredAt })

            // The next poll picks up whatever landed during this one.
            api.beforeEachRequest { _ in [] }
            let again = try await Self.feed(transport, pageSize: pageSize).fills(of: Fixture.leader, since: since)
            let everything = Set(api.rows.filter { $0.wallet == Fixture.leader.lowercased && $0.second >= sinceSecond }
                .flatMap { truth[$0] ?? [] })
            #expect(Set(again.map(\.identity)) == everything, "iteration \(iteration)")
            #expect(Set(identities).isSubset(of: Set(again.map(\.identity))))
        }
    }

    @Test func pollsReportTheLagOfNewFillsOnceBySource() async throws {
        let transport = RecordingTransport()
        let api = ScriptedDataAPI()
        api.install(on: transport)
        api.append([Self.row(1, second: Self.start)])
        let clock = ManualClock(Timestamp(epochMilliseconds: (Self.start + 3) * 1_000))
        let lags = RecordedLags()
        let feed = Self.feed(transport, clock: clock, lag: lags)
        let since = Timestamp(epochMilliseconds: (Self.start - 60) * 1_000)
        _ = try await feed.fills(of: Fixture.leader, since: since)
        _ = try await feed.fills(of: Fixture.leader, since: since)
        #expect(lags.all.map(\.lag) == [.seconds(3)])
        #expect(lags.all.map(\.source) == [.dataAPI])
    }
}

/// Spec §13a: what real Data API replies look like, and what the feed makes of them.
@Suite struct DataAPIPitfallTests {
    static func feed(_ transport: RecordingTransport, handler: InMemoryLogHandler) -> PolymarketLeaderFeed {
        var logger = Logger(label: "pitfalls") { _ in handler }
        logger.logLevel = .trace
        return DataAPIFeedTests.feed(transport, logger: logger)
    }

    static let since = Timestamp(epochMilliseconds: 1_700_000_000_000)
    static let hash = "0x" + String(repeating: "ab", count: 32)

    static func trade(_ extra: String = "", wallet: String = Fixture.leader.lowercased, asset: String = Fixture.token.decimal,
                      price: String = "0.54", timestamp: String = "1760000000", side: String = "\"BUY\"") -> String {
        """
        {"proxyWallet":"\(wallet)","side":\(side),"asset":"\(asset)","conditionId":"\(Fixture.conditionID)",\
        "size":12.5,"price":\(price),"timestamp":\(timestamp),"slug":"will-it-rain","outcome":"Yes","outcomeIndex":0,\
        "transactionHash":"\(hash)"\(extra)}
        """
    }

    @Test func nonTradeRowsAreSkippedByTypeAndTheirEmptyFieldsNeverRead() async throws {
        let transport = RecordingTransport()
        let handler = InMemoryLogHandler()
        transport.on("GET /trades", json: """
            [\(Self.trade(#","type":"TRADE""#)),
             {"proxyWallet":"\(Fixture.leader.lowercased)","type":"REWARD","outcomeIndex":999,"asset":"","side":"",
              "price":0,"size":1.2,"conditionId":"","timestamp":1760000000,"transactionHash":"\(Self.hash)"},
             {"proxyWallet":"\(Fixture.leader.lowercased)","type":"MAKER_REBATE","outcomeIndex":999,"asset":"","side":"",
              "price":0,"size":0.3,"conditionId":"","timestamp":1760000000,"transactionHash":"\(Self.hash)"},
             {"proxyWallet":"\(Fixture.leader.lowercased)","outcomeIndex":999,"asset":"","side":"","price":0,"size":2,
              "conditionId":"","timestamp":1760000000,"transactionHash":"\(Self.hash)"}]
            """)
        let fills = try await Self.feed(transport, handler: handler).fills(of: Fixture.leader, since: Self.since)
        #expect(fills.count == 1)
        #expect(handler.entries.filter { "\($0.metadata)".contains("not a trade") }.count == 3)
    }

    @Test func tokenIDsStayExactPricesSnapAndWalletsCompareCaseInsensitively() async throws {
        let transport = RecordingTransport()
        let handler = InMemoryLogHandler()
        let long = "52114319501245915516055106046884209969926127482827954674443846427813813222426"
        transport.on("GET /trades", json: """
            [\(Self.trade(wallet: Fixture.leaderChecksummed, asset: long, price: "0.5400000017208633"))]
            """)
        let fill = try #require(try await Self.feed(transport, handler: handler).fills(of: Fixture.leader, since: Self.since).first)
        #expect(fill.fill.tokenID.decimal == long && long.count == 77)
        #expect(fill.fill.price == Price(baseUnits: 540_000))
        #expect(fill.fill.size == Shares(baseUnits: 12_500_000))
        #expect(fill.fill.leaderAddress == Fixture.leader)
        #expect(fill.fill.transactionHash == Self.hash && fill.fill.conditionID == Fixture.conditionID)

        // The same fill with the exact price is the same identity.
        transport.on("GET /trades", json: "[\(Self.trade(asset: long, price: "0.54"))]")
        let exact = try #require(try await Self.feed(transport, handler: handler).fills(of: Fixture.leader, since: Self.since).first)
        #expect(exact.identity == fill.identity)
    }

    @Test func timestampsInMillisecondsAndNumbersAsStringsAreRead() async throws {
        let transport = RecordingTransport()
        transport.on("GET /trades", json: "[\(Self.trade(price: "\"0.430\"", timestamp: "1760000000123"))]")
        let fill = try #require(try await Self.feed(transport, handler: InMemoryLogHandler())
            .fills(of: Fixture.leader, since: Self.since).first)
        #expect(fill.fill.occurredAt == Timestamp(epochMilliseconds: 1_760_000_000_000))
        #expect(fill.fill.price == Price(baseUnits: 430_000))
    }

    @Test func rowsMissingOrMangledFieldsAreSkippedWithALogLineNeverTrusted() async throws {
        let transport = RecordingTransport()
        let handler = InMemoryLogHandler()
        let good = Self.trade()
        let broken = [
            good.replacingOccurrences(of: "\"asset\":\"\(Fixture.token.decimal)\",", with: ""),
            good.replacingOccurrences(of: "\"transactionHash\":\"\(Self.hash)\"", with: "\"transactionHash\":\"0x12\""),
            good.replacingOccurrences(of: "\"price\":0.54", with: "\"price\":null"),
            good.replacingOccurrences(of: "\"price\":0.54", with: "\"price\":1.5"),
            good.replacingOccurrences(of: "\"size\":12.5,", with: ""),
            good.replacingOccurrences(of: "\"conditionId\":\"\(Fixture.conditionID)\",", with: "\"conditionId\":\"\","),
            good.replacingOccurrences(of: "\"BUY\"", with: "\"HOLD\""),
            Self.trade(wallet: Fixture.otherWallet),
            good.replacingOccurrences(of: "\"proxyWallet\":\"\(Fixture.leader.lowercased)\",", with: ""),
        ]
        transport.on("GET /trades", json: "[" + (broken + [good]).joined(separator: ",") + "]")
        let fills = try await Self.feed(transport, handler: handler).fills(of: Fixture.leader, since: Self.since)
        #expect(fills.count == 1)
        let skips = handler.entries.filter { $0.message.description == "polymarket fill row skipped" }
        #expect(skips.count == broken.count)
        #expect(skips.allSatisfy { $0.level == .warning })
    }

    @Test func anErrorInAn200ReplyIsAnErrorNotAnEmptyPage() async throws {
        let transport = RecordingTransport()
        transport.on("GET /trades", json: #"{"error":"rate limit exceeded"}"#)
        await #expect(throws: VenueError.rateLimited(retryAfter: nil)) {
            _ = try await Self.feed(transport, handler: InMemoryLogHandler()).fills(of: Fixture.leader, since: Self.since)
        }
        transport.on("GET /trades", json: #"{"error":"user not found"}"#)
        await #expect(throws: VenueError.self) {
            _ = try await Self.feed(transport, handler: InMemoryLogHandler()).fills(of: Fixture.leader, since: Self.since)
        }
    }
}

@Suite struct PositionsTests {
    static func position(wallet: String = Fixture.leader.lowercased, asset: String = Fixture.token.decimal, size: String = "12.5",
                         redeemable: String = "false", negRisk: String? = "false", extra: String = "") -> String {
        """
        {"proxyWallet":"\(wallet)","asset":"\(asset)","conditionId":"\(Fixture.conditionID.uppercased().replacingOccurrences(of: "0X", with: "0x"))",\
        "size":\(size),"avgPrice":0.4100000001,"initialValue":5,"currentValue":6,"curPrice":0.48,\
        "redeemable":\(redeemable),"mergeable":false,"outcome":"Yes","outcomeIndex":0\(negRisk.map { ",\"negativeRisk\":\($0)" } ?? "")\(extra)}
        """
    }

    @Test func positionsMapEveryFieldAndSkipWhatCannotBeTrusted() async throws {
        let transport = RecordingTransport()
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "positions") { _ in handler }
        logger.logLevel = .trace
        transport.on("GET /positions", json: """
            [\(Self.position()),
             \(Self.position(asset: "1", size: "3", redeemable: "true", negRisk: "true")),
             \(Self.position(asset: "2", redeemable: "true", negRisk: nil)),
             \(Self.position(wallet: Fixture.otherWallet)),
             \(Self.position(asset: "")),
             \(Self.position(wallet: Fixture.leaderChecksummed, asset: "3", size: "0.000001"))]
            """)
        let positions = try await DataAPIFeedTests.feed(transport, logger: logger).positions(of: Fixture.leader)
        #expect(positions.map(\.tokenID.decimal) == [Fixture.token.decimal, "1", "3"])
        #expect(positions[0] == WalletPosition(
            tokenID: Fixture.token, conditionID: Fixture.conditionID, shares: Shares(baseUnits: 12_500_000),
            averagePrice: Price(baseUnits: 410_000), redeemable: false, negRisk: false))
        #expect(positions[1].redeemable && positions[1].negRisk && positions[1].shares == .whole(3))
        #expect(positions[2].shares == Shares(baseUnits: 1))
        #expect(handler.entries.filter { $0.message.description == "polymarket position row skipped" }.count == 3)

        let request = try #require(transport.requests("GET /positions").first)
        #expect(request.query.contains(.init("user", Fixture.leader.lowercased)))
        #expect(request.query.contains(.init("sizeThreshold", "0")))
    }

    @Test func positionsArePagedUntilAShortPage() async throws {
        let transport = RecordingTransport()
        transport.on("GET /positions") { request in
            let offset = request.query.first { $0.name == "offset" }.flatMap { Int($0.value) } ?? 0
            let count = offset == 0 ? 2 : 1
            let items = (0..<count).map { Self.position(asset: String(offset + $0 + 10)) }
            return HTTPResponse(status: 200, json: "[" + items.joined(separator: ",") + "]")
        }
        let positions = try await DataAPIFeedTests.feed(transport, pageSize: 2).positions(of: Fixture.leader)
        #expect(positions.map(\.tokenID.decimal) == ["10", "11", "12"])
        #expect(transport.requests("GET /positions").count == 2)
    }
}
