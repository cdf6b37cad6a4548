import Kernel

/// The request families Polymarket limits separately (spec §7.4). A request counts against the
/// service's general family and its own.
public enum RouteFamily: String, Sendable, Hashable, CaseIterable, Comparable {
    /// Every CLOB request.
    case clob
    /// `/book`, `/price`, `/midpoint`.
    case marketData = "market-data"
    /// `/tick-size`.
    case tickSize = "tick-size"
    /// `/data/orders`, `/data/trades`, `/data/order/{id}`.
    case orderData = "order-data"
    /// `/auth/api-key`, `/auth/derive-api-key`.
    case apiKeys = "api-keys"
    /// `GET /balance-allowance`.
    case balance
    /// `GET /balance-allowance/update`.
    case balanceUpdate = "balance-update"
    /// `POST /order`.
    case postOrder = "post-order"
    /// `DELETE /order`.
    case cancelOrder = "cancel-order"
    /// Every Gamma request.
    case gamma
    /// Gamma `/markets`.
    case gammaMarkets = "gamma-markets"
    /// Every Data API request.
    case dataAPI = "data-api"
    /// Data API `/activity` and `/trades` (the leader feed's polling).
    case dataTrades = "data-trades"
    /// Data API `/positions`.
    case dataPositions = "data-positions"
    /// Every relayer request (no published figure; off unless `POLYMARKET_RATE_LIMITS` sets one).
    case relayer

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// At most `limit` requests in any `window`.
public struct RateLimitRule: Sendable, Hashable, CustomStringConvertible {
    public var limit: Int
    public var window: Duration

    public init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    public var description: String { "\(self.limit)/\(self.window.wholeMilliseconds)ms" }
}

/// The client-side budget per family.
///
/// Override format (`POLYMARKET_RATE_LIMITS`): entries separated by `,`; each entry is
/// `<family>=<rule>[+<rule>...]` or `<family>=off`, a rule is `<count>/<window>` and a window is
/// a whole number with unit `ms`, `s`, `m` or `h`. An entry replaces every published rule of its
/// family. Example: `post-order=3500/10s+36000/10m,market-data=100/1s,gamma=off`.
/// Families: see ``RouteFamily`` raw values.
public struct RateLimits: Sendable, Hashable {
    public var rules: [RouteFamily: [RateLimitRule]]

    public init(rules: [RouteFamily: [RateLimitRule]]) {
        self.rules = rules
    }

    /// The documented limits (spec §7.4; figures are indicative and differ between doc revisions).
    public static let published = RateLimits(rules: [
        .clob: [.init(limit: 9_000, window: .seconds(10))],
        .marketData: [.init(limit: 1_500, window: .seconds(10))],
        .tickSize: [.init(limit: 200, window: .seconds(10))],
        .orderData: [.init(limit: 500, window: .seconds(10))],
        .apiKeys: [.init(limit: 100, window: .seconds(10))],
        .balance: [.init(limit: 200, window: .seconds(10))],
        .balanceUpdate: [.init(limit: 50, window: .seconds(10))],
        .postOrder: [.init(limit: 3_500, window: .seconds(10)), .init(limit: 36_000, window: .seconds(600))],
        .cancelOrder: [.init(limit: 3_000, window: .seconds(10)), .init(limit: 30_000, window: .seconds(600))],
        .gamma: [.init(limit: 4_000, window: .seconds(10))],
        .gammaMarkets: [.init(limit: 300, window: .seconds(10))],
        .dataAPI: [.init(limit: 1_000, window: .seconds(10))],
        .dataTrades: [.init(limit: 200, window: .seconds(10))],
        .dataPositions: [.init(limit: 150, window: .seconds(10))],
    ])

    /// The published limits with `text`'s overrides applied; an empty text changes nothing.
    /// This process's share when `processes` processes call Polymarket from one address or key:
    /// every rule's count divided by `processes`, rounded down, windows unchanged, so together they
    /// never start more than a rule allows (`POLYMARKET_RATE_SHARE`). A rule of fewer requests
    /// than processes still lets each process one (none of the published rules is that small).
    public func shared(by processes: Int) -> RateLimits {
        guard processes > 1 else { return self }
        return RateLimits(rules: self.rules.mapValues { rules in
            rules.map { RateLimitRule(limit: max(1, $0.limit / processes), window: $0.window) }
        })
    }

    public static func parse(_ text: String, base: RateLimits = .published) throws(RateLimitsParseError) -> RateLimits {
        var limits = base
        for rawEntry in text.split(separator: ",") {
            let entry = rawEntry.trimmingCharacters(in: " \t\n")
            if entry.isEmpty { continue }
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw RateLimitsParseError(entry: entry, reason: "expected <family>=<rules>") }
            let name = parts[0].trimmingCharacters(in: " \t")
            guard let family = RouteFamily(rawValue: name) else {
                let known = RouteFamily.allCases.map(\.rawValue).joined(separator: ", ")
                throw RateLimitsParseError(entry: entry, reason: "unknown family '\(name)' (known: \(known))")
            }
            let value = parts[1].trimmingCharacters(in: " \t")
            if value == "off" {
                limits.rules[family] = []
                continue
            }
            limits.rules[family] = try value.split(separator: "+", omittingEmptySubsequences: false).map {
                (rule) throws(RateLimitsParseError) -> RateLimitRule in
                try Self.rule(rule.trimmingCharacters(in: " \t"), entry: entry)
            }
        }
        return limits
    }

    private static func rule(_ text: String, entry: String) throws(RateLimitsParseError) -> RateLimitRule {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let limit = Int(parts[0]), limit > 0 else {
            throw RateLimitsParseError(entry: entry, reason: "'\(text)' is not <positive count>/<window>")
        }
        let window = parts[1]
        let units: [(suffix: String, milliseconds: Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        for unit in units where window.hasSuffix(unit.suffix) {
            if let amount = Int64(window.dropLast(unit.suffix.count)), amount > 0 {
                return RateLimitRule(limit: limit, window: .milliseconds(amount * unit.milliseconds))
            }
        }
        throw RateLimitsParseError(entry: entry, reason: "window '\(window)' is not a positive number with ms, s, m or h")
    }
}

/// A `POLYMARKET_RATE_LIMITS` entry that could not be read; names the entry.
public struct RateLimitsParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public let entry: String
    public let reason: String
    public var description: String { "POLYMARKET_RATE_LIMITS entry '\(self.entry)': \(self.reason)" }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let isTrimmed: (Character) -> Bool = { set.contains($0) }
        return String(self.drop(while: isTrimmed).reversed().drop(while: isTrimmed).reversed())
    }
}
