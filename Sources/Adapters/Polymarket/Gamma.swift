import Kernel

/// What Gamma says about one market (spec §9), read defensively: every field may be missing on
/// older records (§13a.9), and a missing field stays `nil` — unknown, never false or zero.
struct GammaMarket: Sendable, Hashable {
    var conditionID: String?
    var slug: String?
    /// Outcome names and their token ids, index for index (both arrive as JSON in a string).
    var outcomes: [String]
    var tokenIDs: [TokenID]
    var closed: Bool?
    var umaResolutionStatus: String?
    var acceptingOrders: Bool?
    var negRisk: Bool?
    var tickSize: Price?
    var minOrderSize: Shares?
    var endsAt: Timestamp?
    /// `"v1"` or `"v2"` (Protocol-V2 markets, spec §5.8).
    var version: String?
    var positionIDs: [TokenID]
    /// The slug of the event the market belongs to (Gamma lists it under `events`).
    var eventSlug: String?

    init(_ json: JSONValue) {
        self.conditionID = json["conditionId"]?.nonEmptyText
        self.slug = json["slug"]?.nonEmptyText
        self.outcomes = json["outcomes"]?.embeddedArray?.compactMap(\.text) ?? []
        self.tokenIDs = Self.tokens(json["clobTokenIds"])
        self.closed = json["closed"]?.bool
        self.umaResolutionStatus = json["umaResolutionStatus"]?.nonEmptyText
        self.acceptingOrders = json["acceptingOrders"]?.bool
        self.negRisk = json["negRisk"]?.bool
        self.tickSize = json["orderPriceMinTickSize"]?.nonEmptyText.flatMap { try? Price(decimal: $0) }
        self.minOrderSize = json["orderMinSize"]?.nonEmptyText.flatMap { try? Shares(decimal: $0) }
        self.endsAt = (json["endDate"]?.nonEmptyText ?? json["endDateIso"]?.nonEmptyText).flatMap(GammaDate.parse)
        self.version = json["version"]?.nonEmptyText?.lowercased()
        self.positionIDs = Self.tokens(json["positionIds"])
        self.eventSlug = json["events"]?.array?.first?["slug"]?.nonEmptyText
    }

    /// Resolved = closed AND the oracle's status is `resolved` (there is no `resolved` field).
    /// `false` as soon as either part is known to fail; `nil` while a needed part is missing.
    var resolved: Bool? {
        let umaResolved = self.umaResolutionStatus.map { $0.lowercased() == "resolved" }
        if self.closed == false || umaResolved == false { return false }
        guard let closed = self.closed, let umaResolved else { return nil }
        return closed && umaResolved
    }

    var isProtocolV2: Bool { self.version == "v2" }

    /// The outcome name of `tokenID`, if Gamma lists it.
    func outcome(of tokenID: TokenID) -> String? {
        guard let index = self.tokenIDs.firstIndex(of: tokenID), index < self.outcomes.count else { return nil }
        return self.outcomes[index]
    }

    private static func tokens(_ value: JSONValue?) -> [TokenID] {
        value?.embeddedArray?.compactMap { $0.nonEmptyText.flatMap { try? TokenID($0) } } ?? []
    }
}

/// Gamma's dates: `2026-11-30T12:00:00Z`, with or without fractional seconds, with `Z` or
/// `+00:00`, or a bare `2026-11-30`. Anything else is unknown (nil).
enum GammaDate {
    static func parse(_ text: String) -> Timestamp? {
        var body = text.trimmingCharacters(in: " ")
        if body.count == 10 { body += "T00:00:00Z" }
        if body.hasSuffix("+00:00") { body = String(body.dropLast(6)) + "Z" }
        if body.hasSuffix("+00") { body = String(body.dropLast(3)) + "Z" }
        guard body.hasSuffix("Z"), body.count >= 20 else { return nil }
        body.removeLast()
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.allSatisfy(\.isNumber) else { return nil }
        fraction = String((fraction + "000").prefix(3))
        return try? Timestamp(iso8601: String(parts[0]) + "." + fraction + "Z")
    }
}

extension PolymarketExchange {
    /// The Gamma market listing `tokenID` among its `clobTokenIds` (or `positionIds`), nil when
    /// Gamma has none.
    func gammaMarket(tokenID: TokenID) async throws -> GammaMarket? {
        let json = try await self.http.json(Endpoint(
            service: .gamma, method: "GET", path: "/markets", query: [.init("clob_token_ids", tokenID.decimal)],
            family: .gammaMarkets))
        guard let records = json.array ?? json["data"]?.array else {
            throw VenueError.malformedResponse("Gamma /markets did not answer with a list")
        }
        let markets = records.map(GammaMarket.init)
        return markets.first { $0.tokenIDs.contains(tokenID) || $0.positionIDs.contains(tokenID) } ?? markets.first
    }
}
