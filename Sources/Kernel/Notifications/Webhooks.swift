public typealias WebhookEndpointID = Identifier<WebhookEndpoint>

/// A user's registered webhook endpoint. Its signing secret is sealed (never stored or shown in
/// the clear after creation); a rotated-out secret keeps signing beside the new one until
/// `previousSecretUntil`, so receivers can switch without losing a delivery.
public struct WebhookEndpoint: Hashable, Sendable {
    public var id: WebhookEndpointID
    public var userID: UserID
    public var url: String
    /// The subscribed types; `nil` means every type.
    public var events: Set<NotificationType>?
    public var sealedSecret: SealedSecret
    public var previousSealedSecret: SealedSecret?
    public var previousSecretUntil: Timestamp?
    /// Failed deliveries in a row (the breaker's count); reset by a success.
    public var consecutiveFailures: Int
    /// While in the future, the breaker is open and nothing is sent to this endpoint.
    public var breakerOpenUntil: Timestamp?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: WebhookEndpointID, userID: UserID, url: String, events: Set<NotificationType>?,
                sealedSecret: SealedSecret, previousSealedSecret: SealedSecret? = nil, previousSecretUntil: Timestamp? = nil,
                consecutiveFailures: Int = 0, breakerOpenUntil: Timestamp? = nil, createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.userID = userID
        self.url = url
        self.events = events
        self.sealedSecret = sealedSecret
        self.previousSealedSecret = previousSealedSecret
        self.previousSecretUntil = previousSecretUntil
        self.consecutiveFailures = consecutiveFailures
        self.breakerOpenUntil = breakerOpenUntil
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether an outbox event of `type` aimed at `target` is delivered here.
    public func receives(_ type: NotificationType, target: OutboxTarget) -> Bool {
        switch target {
        case .only(let id): return id == self.id
        case .allBut(let id) where id == self.id: return false
        default: return type != .webhookTest && (self.events?.contains(type) ?? true)
        }
    }

    /// The subscribed types as stored: space-separated, `nil` for every type.
    public var eventsText: String? { Self.eventsText(self.events) }

    /// Subscribed types as stored: space-separated, sorted; `nil` for every type.
    public static func eventsText(_ events: Set<NotificationType>?) -> String? {
        events.map { $0.map(\.rawValue).sorted().joined(separator: " ") }
    }

    /// Parses stored or requested types; `nil` text means every type. Throws on an unknown name.
    public static func events(fromText text: String?) throws(UnknownNotificationType) -> Set<NotificationType>? {
        guard let text else { return nil }
        var types: Set<NotificationType> = []
        for name in text.split(separator: " ") {
            guard let type = NotificationType(rawValue: String(name)) else { throw UnknownNotificationType(name: String(name)) }
            types.insert(type)
        }
        return types
    }

    /// The seal binding of this endpoint's secret: a ciphertext copied to another row fails to open.
    public static func secretBinding(userID: UserID, endpointID: WebhookEndpointID) -> SealBinding {
        SealBinding(userID: userID, address: .zero, purpose: "webhook-secret/\(endpointID.rawValue)")
    }
}

public struct UnknownNotificationType: Error, Hashable, Sendable, CustomStringConvertible {
    public let name: String

    public init(name: String) { self.name = name }

    public var description: String {
        "unknown event type \"\(self.name)\"; expected one of: "
            + NotificationType.subscribable.map(\.rawValue).joined(separator: ", ")
    }
}

extension WalletAddress {
    /// `0x000…0`: the address slot of seal bindings that belong to no wallet.
    public static let zero: WalletAddress = {
        guard let address = try? WalletAddress("0x" + String(repeating: "0", count: 40)) else {
            preconditionFailure("the zero address parses")
        }
        return address
    }()
}

/// One outbox event on its way to one endpoint. Its `webhookID` is the same on every retry, so a
/// receiver dedupes on it.
public struct WebhookDelivery: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        case pending = "PENDING"
        case delivered = "DELIVERED"
        /// Gave up after the retry schedule; visible and retryable by the user.
        case failed = "FAILED"
    }

    public var id: Int64
    public var outboxID: Int64
    public var endpointID: WebhookEndpointID
    public var userID: UserID
    public var type: NotificationType
    public var payload: String
    public var status: Status
    /// Sends tried so far.
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    public var lastStatusCode: Int?
    /// Why the last send failed: a status code or a transport error kind, never a secret.
    public var lastError: String?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var deliveredAt: Timestamp?

    public init(id: Int64, outboxID: Int64, endpointID: WebhookEndpointID, userID: UserID, type: NotificationType,
                payload: String, status: Status, attempts: Int, nextAttemptAt: Timestamp, lastStatusCode: Int?,
                lastError: String?, createdAt: Timestamp, updatedAt: Timestamp, deliveredAt: Timestamp?) {
        self.id = id
        self.outboxID = outboxID
        self.endpointID = endpointID
        self.userID = userID
        self.type = type
        self.payload = payload
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deliveredAt = deliveredAt
    }

    /// The Standard Webhooks `webhook-id`: stable for the delivery's life.
    public var webhookID: String { "msg_\(self.outboxID)_\(self.id)" }
}

/// The retry schedule and the per-endpoint breaker: pure, so tests walk them without a clock.
public enum DeliveryPolicy {
    /// Waits after the 1st, 2nd, … failed send: seconds first, then longer, about a day in all
    /// (23 h 42 min over 11 sends); after the last the delivery is FAILED.
    public static let backoff: [Duration] = [
        .seconds(5), .seconds(30), .seconds(120), .seconds(600), .seconds(1800), .seconds(3600),
        .seconds(7200), .seconds(14_400), .seconds(28_800), .seconds(28_800),
    ]
    /// Consecutive failures that open an endpoint's breaker.
    public static let breakerThreshold = 5
    /// How long an open breaker holds deliveries back before one trial send.
    public static let breakerOpenFor: Duration = .seconds(300)

    /// After a failed send that made `attempts` sends in all: when to try again, or `nil` to give up.
    public static func retryAt(afterAttempts attempts: Int, now: Timestamp) -> Timestamp? {
        guard attempts >= 1, attempts <= self.backoff.count else { return nil }
        return now + self.backoff[attempts - 1]
    }

    /// The endpoint after one send's outcome: its new failure count, its breaker, and whether
    /// this failure is the one that opened it (the user is told once).
    public static func endpointAfter(success: Bool, consecutiveFailures: Int, now: Timestamp)
        -> (consecutiveFailures: Int, breakerOpenUntil: Timestamp?, opened: Bool) {
        guard !success else { return (0, nil, false) }
        let failures = consecutiveFailures + 1
        guard failures >= self.breakerThreshold else { return (failures, nil, false) }
        return (failures, now + self.breakerOpenFor, failures == self.breakerThreshold)
    }

    /// Whether a user's copy digest is due at `now`, and from when it counts: `nil` while the
    /// user's interval (or `defaultInterval`) has not passed since their last digest; a user
    /// never digested counts back one interval. Every store asks this one rule.
    public static func digestDue(lastDigestAt last: Timestamp?, interval: Duration?, defaultInterval: Duration,
                                 now: Timestamp) -> Timestamp? {
        let interval = interval ?? defaultInterval
        let since = last ?? (now - interval)
        return now.since(since) >= interval ? since : nil
    }

    /// How far back a digest looks for attempts by creation time (the stores' attempt index is by
    /// user and creation time): an attempt that ends more than a day after it was created is not
    /// counted in a digest.
    public static let digestCreationWindow: Duration = .seconds(86_400)

    /// Outbox rows older than this, delivered, are deleted.
    public static let retention: Duration = .seconds(30 * 86_400)
}

/// A user's Telegram chat, linked with a one-time code sent to the bot as `/start CODE`.
public struct TelegramLink: Hashable, Sendable {
    public var userID: UserID
    public var chatID: Int64
    /// The types sent to Telegram; `nil` means every type.
    public var events: Set<NotificationType>?
    /// Quiet hours, minutes after midnight UTC (`start` may be after `end`: overnight); both or neither.
    public var quietStartMinute: Int?
    public var quietEndMinute: Int?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(userID: UserID, chatID: Int64, events: Set<NotificationType>? = nil, quietStartMinute: Int? = nil,
                quietEndMinute: Int? = nil, createdAt: Timestamp, updatedAt: Timestamp) {
        self.userID = userID
        self.chatID = chatID
        self.events = events
        self.quietStartMinute = quietStartMinute
        self.quietEndMinute = quietEndMinute
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public func receives(_ type: NotificationType, target: OutboxTarget) -> Bool {
        guard target.only == nil, type != .webhookTest else { return false }
        return self.events?.contains(type) ?? true
    }

    /// When a message of `type` may go out, if quiet hours hold it at `now`: only digests are held
    /// (a pause, a withdrawal or an address change is an alarm and goes at once).
    public func heldUntil(_ type: NotificationType, now: Timestamp) -> Timestamp? {
        guard type == .copyDigest, let start = self.quietStartMinute, let end = self.quietEndMinute, start != end else {
            return nil
        }
        let dayMs: Int64 = 86_400_000
        let msOfDay = ((now.epochMilliseconds % dayMs) + dayMs) % dayMs
        let minute = Int(msOfDay / 60_000)
        let inside = start < end ? (minute >= start && minute < end) : (minute >= start || minute < end)
        guard inside else { return nil }
        let midnight = now.epochMilliseconds - msOfDay
        var until = midnight + Int64(end) * 60_000
        if until <= now.epochMilliseconds { until += dayMs }
        return Timestamp(epochMilliseconds: until)
    }
}

/// One outbox event on its way to a linked Telegram chat; retried like a webhook delivery.
public struct TelegramMessage: Hashable, Sendable {
    public var id: Int64
    public var outboxID: Int64
    public var userID: UserID
    public var chatID: Int64
    public var type: NotificationType
    public var payload: String
    public var status: WebhookDelivery.Status
    public var attempts: Int
    public var nextAttemptAt: Timestamp
    public var lastError: String?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: Int64, outboxID: Int64, userID: UserID, chatID: Int64, type: NotificationType, payload: String,
                status: WebhookDelivery.Status, attempts: Int, nextAttemptAt: Timestamp, lastError: String?,
                createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.outboxID = outboxID
        self.userID = userID
        self.chatID = chatID
        self.type = type
        self.payload = payload
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
