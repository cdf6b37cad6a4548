import Kernel

/// One fill row of the Data API (`/activity`, `/trades`) or of an RTDS `activity` payload, read
/// defensively (spec §13a): a row that is not a trade, names another wallet, or lacks a field a
/// fill needs is skipped with its reason — never guessed into a fill.
struct FillRow: Sendable, Hashable {
    var fill: LeaderFill
    /// The row's time in whole seconds, the unit the Data API pages by.
    var second: Int64

    /// Why a row did not become a fill; logged, never thrown.
    enum Skip: Error, Hashable, Sendable, CustomStringConvertible {
        /// A REWARD, REDEEM, rebate, … row (§13a.3).
        case notATrade(String)
        /// `proxyWallet` names someone else.
        case otherWallet
        case missing(String)
        case malformed(String)

        var description: String {
            switch self {
            case .notATrade(let type): "not a trade (\(type))"
            case .otherWallet: "another wallet's row"
            case .missing(let field): "missing \(field)"
            case .malformed(let field): "malformed \(field)"
            }
        }
    }

    /// The outcome index non-trade rows carry (§13a.3).
    static let unknownOutcomeIndex = "999"

    /// Reads `row`. `leader` is the wallet asked about (Data API) or nil when any wallet may
    /// appear (RTDS); the row's `proxyWallet` is compared case-insensitively (§13a.6).
    static func parse(_ row: JSONValue, leader: WalletAddress?, source: FeedSource) throws(Skip) -> FillRow {
        if let type = row["type"]?.text, type.uppercased() != "TRADE" { throw .notATrade(type) }
        if row["outcomeIndex"]?.text == Self.unknownOutcomeIndex { throw .notATrade("outcomeIndex 999") }
        guard let walletText = row["proxyWallet"]?.nonEmptyText else { throw .missing("proxyWallet") }
        guard let wallet = try? WalletAddress(walletText) else { throw .malformed("proxyWallet") }
        if let leader, wallet != leader { throw .otherWallet }
        guard let assetText = row["asset"]?.nonEmptyText else { throw .missing("asset") }
        guard let tokenID = try? TokenID(assetText) else { throw .malformed("asset") }
        guard let sideText = row["side"]?.nonEmptyText else { throw .missing("side") }
        guard let side = Side(rawValue: sideText.uppercased()) else { throw .malformed("side") }
        guard let sizeText = row["size"]?.nonEmptyText else { throw .missing("size") }
        guard let size = try? Shares(decimal: sizeText), size > .zero else { throw .malformed("size") }
        guard let priceText = row["price"]?.nonEmptyText else { throw .missing("price") }
        // Snapped to six decimals, so a float artefact such as 0.5400000017208633 (§13a.5) and
        // the exact 0.54 from another source are one price, hence one identity.
        guard let price = try? Price(decimal: priceText), price > .zero, price <= .one else { throw .malformed("price") }
        guard let hash = row["transactionHash"]?.nonEmptyText else { throw .missing("transactionHash") }
        guard Self.isTransactionHash(hash) else { throw .malformed("transactionHash") }
        guard let conditionID = row["conditionId"]?.nonEmptyText else { throw .missing("conditionId") }
        guard let timeText = row["timestamp"]?.text else { throw .missing("timestamp") }
        guard let second = Self.seconds(timeText) else { throw .malformed("timestamp") }
        let fill = LeaderFill(
            leaderAddress: wallet, transactionHash: hash, tokenID: tokenID, conditionID: conditionID,
            marketSlug: row["slug"]?.text ?? "", outcome: row["outcome"]?.text ?? "", side: side, size: size,
            price: price, occurredAt: Timestamp(epochMilliseconds: second * 1_000), source: source)
        return FillRow(fill: fill, second: second)
    }

    /// Unix seconds from a number or string; a value in milliseconds (§13a.7) is scaled down.
    static func seconds(_ text: String) -> Int64? {
        let whole = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
        guard let value = Int64(whole), value > 0 else { return nil }
        return value >= 100_000_000_000 ? value / 1_000 : value
    }

    static func isTransactionHash(_ text: String) -> Bool {
        let utf8 = Array(text.lowercased().utf8)
        return utf8.count == 66 && text.hasPrefix("0x")
            && utf8.dropFirst(2).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
