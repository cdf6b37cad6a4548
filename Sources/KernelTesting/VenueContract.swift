public import Testing

/// One named case of a venue port's specification (Exchange, LeaderFeed, Relayer), run against
/// any venue through a ``VenueHarness`` — the FakeExchange today, a Polymarket-compatible server
/// later — so every venue is held to the same cases.
public struct VenueContract<Port>: Sendable, CustomTestStringConvertible {
    public let name: String
    private let body: @Sendable (VenueHarness) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (VenueHarness) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var testDescription: String { self.name }

    /// Runs this case against `harness`, whose venue must be fresh.
    public func run(on harness: VenueHarness) async throws { try await self.body(harness) }
}

/// The venue ports, as tags that tell the contracts apart.
public enum ExchangePort {}
public enum LeaderFeedPort {}
public enum RelayerPort {}

/// The Exchange port's specification, run against a Polymarket-compatible venue (the
/// FakeExchange, the fake's HTTP facade) through a ``VenueHarness``. Signatures are made by test
/// keys, exactly as the vault would make them over the prepared digest.
public typealias ExchangeContract = VenueContract<ExchangePort>

/// The LeaderFeed port's specification, run against a venue through a ``VenueHarness``: fill
/// identities (twins are two, a re-read is the same), backfill windows without gaps, live
/// delivery, and positions.
public typealias LeaderFeedContract = VenueContract<LeaderFeedPort>

/// The Relayer port's specification, run against a venue through a ``VenueHarness``: a
/// transaction reaches CONFIRMED (or, injected, FAILED) as the venue steps, a resubmission of the
/// same payload is the same transaction, and only the wallet owner's signature is accepted.
public typealias RelayerContract = VenueContract<RelayerPort>
