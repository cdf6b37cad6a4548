public import Kernel
import Synchronization

// Builders for every entity: deterministic ids, addresses and times derived from a small number
// `n`, and every field overridable. Times default to `Timestamp.fixture`, which has odd
// milliseconds so a store that drops or rounds them fails its round-trip contract.

extension Timestamp {
    /// 2025-11-29T01:30:00.123Z.
    public static let fixture = Timestamp(epochMilliseconds: 1_764_379_800_123)
}

/// A `WallClock` that moves only when a test says so. Thread-safe, so concurrent tasks and the
/// code under test may read it while the test advances it.
public final class ManualWallClock: Sendable {
    private let current: Mutex<Timestamp>

    public init(_ start: Timestamp = .fixture) {
        self.current = Mutex(start)
    }

    public func now() -> Timestamp { self.current.withLock { $0 } }

    public func advance(by duration: Duration) {
        self.current.withLock { $0 = $0 + duration }
    }

    public func set(to time: Timestamp) {
        self.current.withLock { $0 = time }
    }

    /// The clock as the Kernel's injected time source.
    public var wallClock: WallClock { WallClock { self.now() } }
}

/// Identifiers `<prefix>-0001`, `<prefix>-0002`, … from one thread-safe counter; zero-padded, so
/// text order is creation order.
public final class SequentialIDs: Sendable {
    private let prefix: String
    private let counter = Mutex(0)

    public init(prefix: String) {
        self.prefix = prefix
    }

    public func next<Entity>(_: Entity.Type = Entity.self) -> Identifier<Entity> {
        let number = self.counter.withLock { value in
            value += 1
            return value
        }
        return Identifier("\(self.prefix)-\(Fixtures.padded(number))")
    }

    /// A closure for `recordLeaderEvent(_:newAttemptID:)`.
    public var attemptIDs: @Sendable () -> AttemptID { { self.next() } }

    /// The Kernel's injected id source, drawing from this sequence.
    public var generator: IDGenerator { IDGenerator { self.next(String.self).rawValue } }
}

/// Shared helpers for building fixture values.
public enum Fixtures {
    /// `n` as at least four decimal digits, so ids sort as text in numeric order.
    public static func padded(_ n: Int, width: Int = 4) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// `n` in lowercase hex, zero-padded to `width` digits.
    public static func hex(_ n: Int, width: Int) -> String {
        let digits = String(UInt64(truncatingIfNeeded: n), radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension WalletAddress {
    /// `0x` followed by `n` in hex, zero-padded to 40 digits.
    public static func fixture(_ n: Int) -> WalletAddress {
        let text = "0x" + Fixtures.hex(n, width: 40)
        do { return try WalletAddress(text) } catch { preconditionFailure("fixture address \(text): \(error)") }
    }
}

extension TokenID {
    /// A 77-digit token id (the size of real outcome tokens) ending in `n`.
    public static func fixture(_ n: Int) -> TokenID {
        let text = "7132104567925221259462638553270691275033272857194253228963137931245558" + Fixtures.padded(n, width: 7)
        do { return try TokenID(text) } catch { preconditionFailure("fixture token id \(text): \(error)") }
    }

    /// A token id from literal decimal digits (for ordering tests).
    public static func fixture(decimal text: String) -> TokenID {
        do { return try TokenID(text) } catch { preconditionFailure("fixture token id \(text): \(error)") }
    }
}

extension OrderID {
    /// An order hash: `0x` followed by `n` in hex, zero-padded to 64 digits.
    public static func fixture(_ n: Int) -> OrderID {
        OrderID("0x" + Fixtures.hex(n, width: 64))
    }
}

extension SealedSecret {
    /// 44 bytes (nonce ‖ 16-byte ciphertext ‖ tag) derived from `seed`, including 0x00 and 0xff so
    /// a store that mangles binary data fails.
    public static func fixture(keyVersion: Int = 1, seed: Int = 1) -> SealedSecret {
        let bytes = (0..<44).map { index in UInt8(truncatingIfNeeded: seed &* 31 &+ index &* 7) }
        return SealedSecret(keyVersion: keyVersion, ciphertext: [0x00, 0xff] + bytes)
    }
}

extension User {
    public static func fixture(
        _ n: Int = 1, id: UserID? = nil, externalID: String? = nil,
        loginAddress: WalletAddress? = .fixture(0x1_0001), createdAt: Timestamp = .fixture
    ) -> User {
        User(
            id: id ?? UserID("user-\(Fixtures.padded(n))"),
            externalID: externalID ?? "dynamic|\(Fixtures.padded(n))",
            loginAddress: loginAddress,
            createdAt: createdAt)
    }
}

extension TradingWallet {
    public static func fixture(
        _ n: Int = 1, id: WalletID? = nil, userID: UserID? = nil, type: WalletType = .depositWallet,
        signerAddress: WalletAddress? = nil, funderAddress: WalletAddress? = nil, sealedKey: SealedSecret? = nil,
        onboarding: WalletOnboarding = .keyCreated, apiKey: String? = nil, sealedAPISecret: SealedSecret? = nil,
        sealedAPIPassphrase: SealedSecret? = nil, createdAt: Timestamp = .fixture, updatedAt: Timestamp? = nil
    ) -> TradingWallet {
        TradingWallet(
            id: id ?? WalletID("wallet-\(Fixtures.padded(n))"),
            userID: userID ?? User.fixture(n).id,
            type: type,
            signerAddress: signerAddress ?? .fixture(0x2_0000 + n),
            funderAddress: funderAddress ?? .fixture(0x3_0000 + n),
            sealedKey: sealedKey ?? .fixture(keyVersion: 1, seed: n),
            onboarding: onboarding,
            apiKey: apiKey,
            sealedAPISecret: sealedAPISecret,
            sealedAPIPassphrase: sealedAPIPassphrase,
            createdAt: createdAt,
            updatedAt: updatedAt ?? createdAt)
    }
}

extension Leader {
    public static func fixture(
        _ n: Int = 1, id: LeaderID? = nil, address: WalletAddress? = nil, label: String? = nil,
        positionsSeededAt: Timestamp? = nil, createdAt: Timestamp = .fixture
    ) -> Leader {
        Leader(
            id: id ?? LeaderID("leader-\(Fixtures.padded(n))"),
            address: address ?? .fixture(0x4_0000 + n),
            label: label,
            positionsSeededAt: positionsSeededAt,
            createdAt: createdAt)
    }
}

extension CopyProfile {
    public static func fixture(
        _ n: Int = 1, id: ProfileID? = nil, userID: UserID? = nil, leaderID: LeaderID? = nil,
        walletID: WalletID? = nil, status: ProfileStatus = .enabled, mode: TradingMode = .live,
        sizing: Sizing = .fixedUSD(.dollars(10)), limits: CopyLimits = CopyLimits(),
        stopBehavior: StopBehavior = .holdToResolution, createdAt: Timestamp = .fixture, updatedAt: Timestamp? = nil
    ) -> CopyProfile {
        CopyProfile(
            id: id ?? ProfileID("profile-\(Fixtures.padded(n))"),
            userID: userID ?? User.fixture(n).id,
            leaderID: leaderID ?? Leader.fixture(n).id,
            walletID: walletID ?? TradingWallet.fixture(n).id,
            status: status,
            mode: mode,
            sizing: sizing,
            limits: limits,
            stopBehavior: stopBehavior,
            createdAt: createdAt,
            updatedAt: updatedAt ?? createdAt)
    }
}

extension LeaderFill {
    public static func fixture(
        _ n: Int = 1, leaderAddress: WalletAddress? = nil, transactionHash: String? = nil, tokenID: TokenID? = nil,
        conditionID: String? = nil, marketSlug: String = "will-it-rain-tomorrow", outcome: String = "Yes",
        side: Side = .buy, size: Shares = Shares(baseUnits: 25_500_000), price: Price = Price(baseUnits: 530_000),
        occurredAt: Timestamp = .fixture, source: FeedSource = .dataAPI
    ) -> LeaderFill {
        LeaderFill(
            leaderAddress: leaderAddress ?? Leader.fixture(1).address,
            transactionHash: transactionHash ?? "0x" + Fixtures.hex(0xabc0_0000 + n, width: 64),
            tokenID: tokenID ?? .fixture(1),
            conditionID: conditionID ?? "0x" + Fixtures.hex(0xc0_0001, width: 64),
            marketSlug: marketSlug,
            outcome: outcome,
            side: side,
            size: size,
            price: price,
            occurredAt: occurredAt,
            source: source)
    }
}

extension LeaderEvent {
    /// An event of `leader` whose identity derives from its fill (occurrence 1), so events with
    /// different `n` have different identities.
    public static func fixture(
        _ n: Int = 1, id: LeaderEventID? = nil, leader: Leader = .fixture(), identity: String? = nil,
        fill: LeaderFill? = nil, side: Side = .buy, occurredAt: Timestamp = .fixture,
        leaderPositionBefore: Shares? = nil, detectedAt: Timestamp? = nil, createdAt: Timestamp? = nil
    ) -> LeaderEvent {
        let fill = fill ?? .fixture(n, leaderAddress: leader.address, side: side, occurredAt: occurredAt)
        let detectedAt = detectedAt ?? fill.occurredAt + .milliseconds(1_501)
        return LeaderEvent(
            id: id ?? LeaderEventID("event-\(Fixtures.padded(n))"),
            leaderID: leader.id,
            identity: identity ?? LeaderEvent.identity(of: fill, occurrence: 1),
            fill: fill,
            leaderPositionBefore: leaderPositionBefore,
            detectedAt: detectedAt,
            createdAt: createdAt ?? detectedAt + .milliseconds(7))
    }
}

extension CopyAttempt {
    /// An attempt as fan-out would create it for `profile` and `event`.
    public static func fixture(
        _ n: Int = 1, id: AttemptID? = nil, profile: CopyProfile = .fixture(), event: LeaderEvent = .fixture(),
        status: Status = .pending, dueAt: Timestamp? = nil
    ) -> CopyAttempt {
        CopyAttempt(
            id: id ?? AttemptID("attempt-\(Fixtures.padded(n))"),
            profileID: profile.id,
            userID: profile.userID,
            leaderEventID: event.id,
            kind: event.fill.side == .buy ? .entry : .exit,
            tokenID: event.fill.tokenID,
            conditionID: event.fill.conditionID,
            status: status,
            dueAt: dueAt ?? event.detectedAt,
            detectedAt: event.detectedAt,
            leaderPrice: event.fill.price,
            createdAt: event.createdAt,
            updatedAt: event.createdAt)
    }
}

extension Order {
    public static func fixture(
        _ n: Int = 1, id: OrderID? = nil, attemptID: AttemptID = AttemptID("attempt-0001"),
        profileID: ProfileID = ProfileID("profile-0001"), walletID: WalletID = WalletID("wallet-0001"),
        tokenID: TokenID = .fixture(1), side: Side = .buy, type: OrderType = .fok,
        limitPrice: Price = Price(baseUnits: 560_000), shares: Shares = Shares(baseUnits: 17_850_000),
        status: Status = .signed, filledShares: Shares = .zero, filledNotional: Collateral = .zero,
        fee: Collateral = .zero, paper: Bool = false, note: String? = nil, submittedAt: Timestamp? = nil,
        createdAt: Timestamp = .fixture, updatedAt: Timestamp? = nil
    ) -> Order {
        Order(
            id: id ?? .fixture(n),
            attemptID: attemptID,
            profileID: profileID,
            walletID: walletID,
            tokenID: tokenID,
            side: side,
            type: type,
            limitPrice: limitPrice,
            shares: shares,
            makerAmount: 9_996_000,
            takerAmount: 17_850_000,
            status: status,
            signedPayload: #"{"order":{"salt":"\#(n)","signature":"0x\#(Fixtures.hex(n, width: 130))"},"orderType":"FOK"}"#,
            filledShares: filledShares,
            filledNotional: filledNotional,
            fee: fee,
            paper: paper,
            note: note,
            submittedAt: submittedAt,
            createdAt: createdAt,
            updatedAt: updatedAt ?? createdAt)
    }
}

extension Position {
    public static func fixture(
        profileID: ProfileID = ProfileID("profile-0001"), tokenID: TokenID = .fixture(1),
        conditionID: String = "0x" + Fixtures.hex(0xc0_0001, width: 64), shares: Shares = Shares(baseUnits: 17_850_000),
        costBasis: Collateral = Collateral(baseUnits: 9_996_001), realizedPnL: Collateral = Collateral(baseUnits: -1_250_003),
        redeemable: Bool = false, updatedAt: Timestamp = .fixture
    ) -> Position {
        Position(
            profileID: profileID, tokenID: tokenID, conditionID: conditionID, shares: shares, costBasis: costBasis,
            realizedPnL: realizedPnL, redeemable: redeemable, updatedAt: updatedAt)
    }
}

extension RelayerTx {
    public static func fixture(
        _ n: Int = 1, id: RelayerTxID? = nil, userID: UserID = UserID("user-0001"),
        walletID: WalletID = WalletID("wallet-0001"), kind: Kind = .withdraw, idempotencyKey: String? = nil,
        status: Status = .pending, payload: String? = nil, relayerReference: String? = nil,
        transactionHash: String? = nil, amount: Collateral? = Collateral(baseUnits: 12_345_678),
        destination: WalletAddress? = .fixture(0x5_0000), submitCount: Int = 0, lastError: String? = nil,
        createdAt: Timestamp = .fixture, updatedAt: Timestamp? = nil
    ) -> RelayerTx {
        RelayerTx(
            id: id ?? RelayerTxID("relayer-\(Fixtures.padded(n))"),
            userID: userID,
            walletID: walletID,
            kind: kind,
            idempotencyKey: idempotencyKey ?? "\(kind.rawValue.lowercased()):\(Fixtures.padded(n))",
            status: status,
            payload: payload ?? #"{"to":"0x\#(Fixtures.hex(0x5_0000, width: 40))","amount":"12345678","n":\#(n)}"#,
            relayerReference: relayerReference,
            transactionHash: transactionHash,
            amount: amount,
            destination: destination,
            submitCount: submitCount,
            lastError: lastError,
            createdAt: createdAt,
            updatedAt: updatedAt ?? createdAt)
    }
}

extension AuditEntry {
    public static func fixture(
        _ n: Int = 1, id: AuditID? = nil, actor: String = "admin", action: String = "admin.retry_relayer",
        subjectType: String? = "relayer_tx", subjectID: String? = nil, details: String = "resubmitted after FAILED",
        createdAt: Timestamp = .fixture
    ) -> AuditEntry {
        AuditEntry(
            id: id ?? AuditID("audit-\(Fixtures.padded(n))"),
            actor: actor,
            action: action,
            subjectType: subjectType,
            subjectID: subjectID ?? "relayer-\(Fixtures.padded(n))",
            details: details,
            createdAt: createdAt)
    }
}
