/// What a notification says happened; the raw value is the payload's `type` and what a user
/// subscribes to.
public enum NotificationType: String, Hashable, Sendable, Codable, CaseIterable {
    case copyDigest = "copy.digest"
    case followPaused = "follow.paused"
    case followResumed = "follow.resumed"
    case followStopped = "follow.stopped"
    case withdrawalAccepted = "withdrawal.accepted"
    case withdrawalConfirmed = "withdrawal.confirmed"
    case withdrawalFailed = "withdrawal.failed"
    case withdrawalAddressAdded = "withdrawal_address.added"
    case withdrawalAddressRemoved = "withdrawal_address.removed"
    case claimPaid = "claim.paid"
    case copyingDegraded = "copying.degraded"
    case copyingRecovered = "copying.recovered"
    /// One of the user's endpoints stopped answering: told on the user's other endpoints.
    case webhookCircuitOpened = "webhook.circuit_opened"
    /// `POST /webhooks/{id}/test`: reaches only that endpoint, whatever it subscribes to.
    case webhookTest = "webhook.test"

    /// The types a user may subscribe to (the test event is sent on request only).
    public static let subscribable: [NotificationType] = allCases.filter { $0 != .webhookTest }

    /// Money and address safeguards: the user's alarm when someone else acts in their name, so
    /// never held by quiet hours.
    public var isSafeguard: Bool {
        switch self {
        case .withdrawalAccepted, .withdrawalConfirmed, .withdrawalFailed, .withdrawalAddressAdded,
             .withdrawalAddressRemoved:
            true
        default:
            false
        }
    }
}

/// Which of the user's endpoints an outbox event goes to.
public enum OutboxTarget: Hashable, Sendable {
    /// Every endpoint subscribed to the type.
    case subscribers
    /// Only this endpoint (a test send).
    case only(WebhookEndpointID)
    /// Every subscriber but this one (the endpoint whose breaker opened cannot hear about it).
    case allBut(WebhookEndpointID)

    public var only: WebhookEndpointID? { if case .only(let id) = self { id } else { nil } }
    public var except: WebhookEndpointID? { if case .allBut(let id) = self { id } else { nil } }

    public init(only: WebhookEndpointID?, except: WebhookEndpointID?) {
        if let only { self = .only(only) } else if let except { self = .allBut(except) } else { self = .subscribers }
    }
}

/// One row of the notification outbox: written in the same transaction as the change it reports
/// (or by the notifications worker for changes made outside Mirror), so the event exists exactly
/// when the change does. The store numbers rows as it inserts them.
public struct OutboxEvent: Hashable, Sendable {
    public var userID: UserID
    public var type: NotificationType
    /// The exact bytes every channel sends: `{"type","timestamp","data"}`.
    public var payload: String
    public var createdAt: Timestamp
    public var target: OutboxTarget

    public init(userID: UserID, type: NotificationType, data: [(String, JSONScalar)], at time: Timestamp,
                target: OutboxTarget = .subscribers) {
        self.userID = userID
        self.type = type
        self.createdAt = time
        self.target = target
        self.payload = JSONScalar.object([
            ("type", .string(type.rawValue)), ("timestamp", .string(time.description)),
        ], data: data)
    }

    /// A stored row, payload as written.
    public init(userID: UserID, type: NotificationType, payload: String, createdAt: Timestamp, target: OutboxTarget) {
        self.userID = userID
        self.type = type
        self.payload = payload
        self.createdAt = createdAt
        self.target = target
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.userID == rhs.userID && lhs.type == rhs.type && lhs.payload == rhs.payload && lhs.createdAt == rhs.createdAt
            && lhs.target == rhs.target
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(self.payload) }
}

/// A JSON leaf: payloads are flat objects of these, written without Foundation.
public enum JSONScalar: Hashable, Sendable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case null

    public static func optional(_ text: String?) -> JSONScalar { text.map { .string($0) } ?? .null }

    var json: String {
        switch self {
        case .string(let text): Self.quoted(text)
        case .integer(let value): String(value)
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        }
    }

    /// `{"k":v,…,"data":{…}}` in the given order.
    static func object(_ fields: [(String, JSONScalar)], data: [(String, JSONScalar)]) -> String {
        let head = fields.map { "\(quoted($0.0)):\($0.1.json)" }
        let body = data.map { "\(quoted($0.0)):\($0.1.json)" }.joined(separator: ",")
        return "{" + (head + ["\"data\":{\(body)}"]).joined(separator: ",") + "}"
    }

    /// A JSON string literal (the one escaper the Kernel and adapters share for hand-written JSON).
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// The events of changes made through Mirror, built where the stores write the change: each is
/// `nil` when the change is not one a user is told about.
extension OutboxEvent {
    /// A follow's status moved from `from` to `to` (`by`: `user`, `operator`, `rule` or `system`).
    public static func followChanged(profileID: ProfileID, userID: UserID, leaderID: LeaderID, from: ProfileStatus,
                                     to: ProfileStatus, by: String, at time: Timestamp) -> OutboxEvent? {
        let type: NotificationType
        switch (from, to) {
        case (_, .stopped) where from != .stopped: type = .followStopped
        case (.enabled, .paused), (.enabled, .userPaused), (.exitOnly, .paused), (.exitOnly, .userPaused):
            type = .followPaused
        case (.paused, .enabled), (.userPaused, .enabled), (.paused, .exitOnly), (.userPaused, .exitOnly):
            type = .followResumed
        default: return nil
        }
        return OutboxEvent(userID: userID, type: type, data: [
            ("follow_id", .string(profileID.rawValue)), ("leader_id", .string(leaderID.rawValue)),
            ("status", .string(to.rawValue)), ("previous_status", .string(from.rawValue)), ("by", .string(by)),
        ], at: time)
    }

    /// Who changed a follow, from its audit row: a user pausing is the user, an admin the operator,
    /// a worker or rule (auto-pause) a rule; no audit row is the system.
    public static func actor(of audit: AuditEntry?, to next: ProfileStatus) -> String {
        // A copy-quality rule pauses into the user's own pause (USER_PAUSED), so its audit decides.
        if audit?.actor == "rule" { return "rule" }
        if next == .userPaused { return "user" }
        guard let actor = audit?.actor else { return "system" }
        if actor.hasPrefix("user:") { return "user" }
        if actor == "admin" || actor.hasPrefix("operator") { return "operator" }
        return "rule"
    }

    /// A withdrawal accepted (reserved).
    public static func withdrawalAccepted(_ tx: RelayerTx) -> OutboxEvent? {
        guard tx.kind == .withdraw else { return nil }
        return OutboxEvent(userID: tx.userID, type: .withdrawalAccepted, data: Self.relayerData(tx), at: tx.updatedAt)
    }

    /// A relayer transaction's status moved: withdrawals confirmed or failed, claims paid.
    public static func relayerTxChanged(_ tx: RelayerTx, from expected: RelayerTx.Status) -> OutboxEvent? {
        guard tx.status != expected else { return nil }
        let type: NotificationType
        switch (tx.kind, tx.status) {
        case (.withdraw, .confirmed): type = .withdrawalConfirmed
        case (.withdraw, .failed): type = .withdrawalFailed
        case (.withdraw, .pending) where expected == .failed: type = .withdrawalAccepted
        case (.redeem, .confirmed): type = .claimPaid
        default: return nil
        }
        return OutboxEvent(userID: tx.userID, type: type, data: Self.relayerData(tx), at: tx.updatedAt)
    }

    private static func relayerData(_ tx: RelayerTx) -> [(String, JSONScalar)] {
        [
            (tx.kind == .redeem ? "claim_id" : "withdrawal_id", .string(tx.id.rawValue)),
            ("amount", .optional(tx.amount?.description)), ("destination", .optional(tx.destination?.lowercased)),
            ("status", .string(tx.status.rawValue)), ("transaction_hash", .optional(tx.transactionHash)),
        ]
    }

    public static func addressAdded(_ entry: WithdrawalAddress) -> OutboxEvent {
        OutboxEvent(userID: entry.userID, type: .withdrawalAddressAdded, data: [
            ("address", .string(entry.address.lowercased)), ("label", .optional(entry.label)),
            ("usable_at", .string(entry.usableAt.description)),
        ], at: entry.createdAt)
    }

    public static func addressRemoved(userID: UserID, address: WalletAddress, at time: Timestamp) -> OutboxEvent {
        OutboxEvent(userID: userID, type: .withdrawalAddressRemoved, data: [("address", .string(address.lowercased))],
                    at: time)
    }

    /// Copies done and skipped since the last digest.
    public static func copyDigest(userID: UserID, counts: DigestCounts, since: Timestamp, until: Timestamp) -> OutboxEvent {
        OutboxEvent(userID: userID, type: .copyDigest, data: [
            ("copied", .integer(counts.done)), ("skipped", .integer(counts.skipped)), ("failed", .integer(counts.failed)),
            ("since", .string(since.description)), ("until", .string(until.description)),
        ], at: until)
    }

    /// Copying degraded or recovered (the health check's verdict changed); `down` names what is down.
    public static func copyingHealth(userID: UserID, degraded: Bool, down: [String], at time: Timestamp) -> OutboxEvent {
        OutboxEvent(userID: userID, type: degraded ? .copyingDegraded : .copyingRecovered, data: [
            ("status", .string(degraded ? "degraded" : "ok")), ("down", .string(down.joined(separator: ","))),
        ], at: time)
    }
}

/// A user's copies that ended in a digest window, by outcome.
public struct DigestCounts: Hashable, Sendable {
    public var done: Int64
    public var skipped: Int64
    public var failed: Int64

    public init(done: Int64 = 0, skipped: Int64 = 0, failed: Int64 = 0) {
        self.done = done
        self.skipped = skipped
        self.failed = failed
    }

    public var isEmpty: Bool { self.done == 0 && self.skipped == 0 && self.failed == 0 }

    /// Counts one attempt that reached `status` (non-terminal statuses count nothing).
    public mutating func count(_ status: CopyAttempt.Status, _ number: Int64 = 1) {
        switch status {
        case .done: self.done += number
        case .skipped: self.skipped += number
        case .failed: self.failed += number
        default: break
        }
    }
}
