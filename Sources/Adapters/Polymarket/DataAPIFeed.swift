import Kernel
import Logging

/// How the leader feed pages, polls and judges the RTDS stream alive.
public struct LeaderFeedSettings: Sendable, Hashable {
    /// Rows per Data API page (`/trades` and `/activity` accept 500).
    public var pageSize: Int
    /// More pages than this for one window is refused rather than returned with a gap.
    public var maximumPages: Int
    /// A stream connection silent this long is dropped (a half-open socket never closes by
    /// itself); the consumer connects again and its polling covers the gap.
    public var reconnectAfterSilence: Duration

    public init(pageSize: Int = 500, maximumPages: Int = 200, reconnectAfterSilence: Duration = .seconds(60)) {
        self.pageSize = pageSize
        self.maximumPages = maximumPages
        self.reconnectAfterSilence = reconnectAfterSilence
    }
}

/// The Data API routes the leader feed reads (spec §8): a leader's fills and a wallet's positions.
struct DataAPI: Sendable {
    let http: VenueHTTP
    let settings: LeaderFeedSettings

    var logger: Logger { self.http.logger }

    /// Every fill of `leader` at or after `since`, oldest first, with occurrence numbers.
    ///
    /// The first page is `/trades?takerOnly=false` (maker fills included, ARCHITECTURE §3), newest
    /// first. A full page may have cut its oldest second short, so only the seconds above its
    /// oldest are taken from it; older ones come from `/activity` time windows that end at that
    /// second (`end` is inclusive), so fills arriving meanwhile cannot shift them. A second with
    /// more fills than a page is read with offsets inside its one-second window, which lies in
    /// the past and no longer moves. Every second is thus read whole, and one transaction's
    /// identical fills are numbered the same whatever the window.
    func fills(of leader: WalletAddress, since: Timestamp) async throws -> [ObservedFill] {
        let sinceSecond = Self.floorSeconds(since)
        var complete: [Int64: [FillRow]] = [:]
        var page = try await self.page(Endpoint(
            service: .dataAPI, method: "GET", path: "/trades",
            query: [.init("user", leader.lowercased), .init("takerOnly", "false"),
                    .init("limit", String(self.settings.pageSize))],
            family: .dataTrades), leader: leader, source: .dataAPI)
        var pages = 1
        while true {
            let full = page.rawCount >= self.settings.pageSize
            let oldest = page.rows.map(\.second).min()
            for (second, rows) in Self.bySecond(page.rows) where complete[second] == nil {
                if !full || (oldest.map { second > $0 } ?? true) { complete[second] = rows }
            }
            guard full, let boundary = oldest ?? page.oldestRawSecond, boundary >= sinceSecond else { break }
            guard pages < self.settings.maximumPages else {
                throw VenueError.malformedResponse(
                    "more than \(self.settings.maximumPages) pages of fills since \(since) for \(leader)")
            }
            if complete[boundary] == nil, page.rows.allSatisfy({ $0.second == boundary }) {
                // One second holds more fills than a page: read it whole by offset.
                complete[boundary] = try await self.wholeSecond(boundary, leader: leader, pages: &pages)
                guard boundary - 1 >= sinceSecond else { break }
                page = try await self.activityPage(leader: leader, start: sinceSecond, end: boundary - 1, offset: 0)
            } else {
                page = try await self.activityPage(leader: leader, start: sinceSecond, end: boundary, offset: 0)
            }
            pages += 1
        }
        // Pages list newest first; a second's rows reversed are in the order they happened.
        let ordered = complete.keys.sorted().flatMap { second in complete[second]!.reversed() }
        return ordered.map(\.fill).filter { $0.occurredAt >= since }.countingOccurrences()
    }

    private func wholeSecond(_ second: Int64, leader: WalletAddress, pages: inout Int) async throws -> [FillRow] {
        var rows: [FillRow] = []
        var offset = 0
        while true {
            let page = try await self.activityPage(leader: leader, start: second, end: second, offset: offset)
            pages += 1
            rows += page.rows.filter { $0.second == second }
            if page.rawCount < self.settings.pageSize { return rows }
            guard pages < self.settings.maximumPages else {
                throw VenueError.malformedResponse("more than \(self.settings.maximumPages) pages of fills in one second")
            }
            offset += self.settings.pageSize
        }
    }

    private func activityPage(leader: WalletAddress, start: Int64, end: Int64, offset: Int) async throws -> Page {
        var query: [HTTPRequest.QueryItem] = [
            .init("user", leader.lowercased), .init("type", "TRADE"), .init("limit", String(self.settings.pageSize)),
            .init("sortBy", "TIMESTAMP"), .init("sortDirection", "DESC"), .init("start", String(start)),
            .init("end", String(end)),
        ]
        if offset > 0 { query.append(.init("offset", String(offset))) }
        return try await self.page(
            Endpoint(service: .dataAPI, method: "GET", path: "/activity", query: query, family: .dataTrades),
            leader: leader, source: .backfill)
    }

    /// One page's fill rows; `rawCount` counts every row (skipped ones too) so a page full of
    /// rewards still reads as full.
    struct Page {
        var rows: [FillRow]
        var rawCount: Int
        /// The oldest second of any row, fills or not, for paging past a page without fills.
        var oldestRawSecond: Int64?
    }

    private func page(_ endpoint: Endpoint, leader: WalletAddress, source: FeedSource) async throws -> Page {
        let json = try await self.http.json(endpoint)
        guard let items = json.array else {
            throw VenueError.malformedResponse("\(endpoint.path): expected an array of fills")
        }
        var rows: [FillRow] = []
        for item in items {
            do {
                rows.append(try FillRow.parse(item, leader: leader, source: source))
            } catch {
                self.logSkip(error, path: endpoint.path, leader: leader)
            }
        }
        let oldestRaw = items.compactMap { $0["timestamp"]?.text.flatMap(FillRow.seconds) }.min()
        return Page(rows: rows, rawCount: items.count, oldestRawSecond: oldestRaw)
    }

    private func logSkip(_ skip: FillRow.Skip, path: String, leader: WalletAddress) {
        // Non-trade rows are expected in activity; anything else is worth a look.
        let level: Logger.Level = if case .notATrade = skip { .trace } else { .warning }
        self.logger.log(level: level, "polymarket fill row skipped", metadata: [
            "path": "\(path)", "leader.address": "\(leader)", "reason": "\(skip)",
        ])
    }

    static func bySecond(_ rows: [FillRow]) -> [Int64: [FillRow]] {
        Dictionary(grouping: rows, by: \.second)
    }

    static func floorSeconds(_ time: Timestamp) -> Int64 {
        let milliseconds = time.epochMilliseconds
        return milliseconds >= 0 ? milliseconds / 1_000 : (milliseconds - 999) / 1_000
    }

    // MARK: Positions

    /// `/positions?user=` for `wallet`, every page, every size (`sizeThreshold=0`, so small
    /// redeemable remainders are not hidden).
    func positions(of wallet: WalletAddress) async throws -> [WalletPosition] {
        var positions: [WalletPosition] = []
        var offset = 0
        let limit = min(self.settings.pageSize, 500)
        for _ in 0..<self.settings.maximumPages {
            var query: [HTTPRequest.QueryItem] = [
                .init("user", wallet.lowercased), .init("sizeThreshold", "0"), .init("limit", String(limit)),
            ]
            if offset > 0 { query.append(.init("offset", String(offset))) }
            let json = try await self.http.json(Endpoint(
                service: .dataAPI, method: "GET", path: "/positions", query: query, family: .dataPositions))
            guard let items = json.array else {
                throw VenueError.malformedResponse("/positions: expected an array of positions")
            }
            for item in items {
                do {
                    positions.append(try Self.position(item, wallet: wallet))
                } catch {
                    self.logger.warning("polymarket position row skipped", metadata: [
                        "wallet.address": "\(wallet)", "reason": "\(error)",
                    ])
                }
            }
            if items.count < limit { return positions }
            offset += limit
        }
        throw VenueError.malformedResponse("more than \(self.settings.maximumPages) pages of positions for \(wallet)")
    }

    /// One `/positions` item. The neg-risk flag decides which collateral adapter redeems, so a
    /// redeemable position without it is skipped rather than redeemed through the wrong one.
    static func position(_ item: JSONValue, wallet: WalletAddress) throws(FillRow.Skip) -> WalletPosition {
        guard let walletText = item["proxyWallet"]?.nonEmptyText else { throw .missing("proxyWallet") }
        guard let owner = try? WalletAddress(walletText) else { throw .malformed("proxyWallet") }
        guard owner == wallet else { throw .otherWallet }
        guard let assetText = item["asset"]?.nonEmptyText else { throw .missing("asset") }
        guard let tokenID = try? TokenID(assetText) else { throw .malformed("asset") }
        guard let conditionID = item["conditionId"]?.nonEmptyText else { throw .missing("conditionId") }
        guard let sizeText = item["size"]?.nonEmptyText else { throw .missing("size") }
        guard let shares = try? Shares(decimal: sizeText), shares >= .zero else { throw .malformed("size") }
        let averagePrice = item["avgPrice"]?.nonEmptyText.flatMap { try? Price(decimal: $0) }
        let redeemable = item["redeemable"]?.bool ?? false
        let negRisk = item["negativeRisk"]?.bool ?? item["negRisk"]?.bool
        if redeemable, negRisk == nil { throw .missing("negativeRisk of a redeemable position") }
        // A redeemable position's `curPrice` is what a share pays out (1 won, 0 lost); anything
        // outside [0, 1] is not trusted. Before resolution the price is only a quote: not used.
        let resolvedPrice = redeemable
            ? item["curPrice"]?.nonEmptyText.flatMap { try? Price(decimal: $0) }.flatMap { $0 >= .zero && $0 <= .one ? $0 : nil }
            : nil
        return WalletPosition(
            tokenID: tokenID, conditionID: conditionID.lowercased(), shares: shares, averagePrice: averagePrice,
            redeemable: redeemable, negRisk: negRisk ?? false, resolvedPrice: resolvedPrice)
    }
}
