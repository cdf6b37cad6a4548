/// Why a Redis cache call failed. Callers treat every case alike (the cache is down, carry on);
/// the cases exist for logs and metrics. No case ever carries the password or the raw URL.
public enum RedisCacheError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `REDIS_URL` is malformed; the reason never quotes the URL.
    case invalidURL(reason: String)
    /// No connection could be opened: refused, unreachable, connect timeout, or AUTH/SELECT refused.
    case connectFailed(endpoint: String, reason: String)
    /// An open connection broke mid-command.
    case connectionLost(endpoint: String, reason: String)
    /// The server did not answer within the command timeout.
    case timedOut(endpoint: String, after: Duration)
    /// Recent connection failures: calls fail at once until the next reconnect attempt is due.
    case unavailable(endpoint: String, retryIn: Duration)
    /// Every connection was busy for longer than the command timeout.
    case poolExhausted(endpoint: String, waited: Duration)
    /// Redis answered with an error reply (e.g. `WRONGTYPE …`).
    case serverError(String)
    /// A reply of a shape the command never returns, e.g. a heartbeat that is not a number.
    case unexpectedReply(command: String, reply: String)
    /// The cache was shut down.
    case shutDown

    public var description: String {
        switch self {
        case .invalidURL(let reason): "invalid REDIS_URL: \(reason)"
        case .connectFailed(let endpoint, let reason): "cannot connect to Redis at \(endpoint): \(reason)"
        case .connectionLost(let endpoint, let reason): "connection to Redis at \(endpoint) lost: \(reason)"
        case .timedOut(let endpoint, let after): "Redis at \(endpoint) did not answer within \(after)"
        case .unavailable(let endpoint, let retryIn):
            "Redis at \(endpoint) is unavailable after recent failures; next reconnect attempt in \(retryIn)"
        case .poolExhausted(let endpoint, let waited):
            "no Redis connection to \(endpoint) came free within \(waited)"
        case .serverError(let message): "Redis error: \(message)"
        case .unexpectedReply(let command, let reply): "unexpected Redis reply to \(command): \(reply)"
        case .shutDown: "the Redis cache is shut down"
        }
    }

    /// The `reason` dimension of the failure counter.
    var metricReason: String {
        switch self {
        case .invalidURL: "invalid_url"
        case .connectFailed: "connect_failed"
        case .connectionLost: "connection_lost"
        case .timedOut: "timed_out"
        case .unavailable: "unavailable"
        case .poolExhausted: "pool_exhausted"
        case .serverError: "server_error"
        case .unexpectedReply: "unexpected_reply"
        case .shutDown: "shut_down"
        }
    }

    /// Every ``metricReason``, so the counters can be made once.
    static let metricReasons = [
        "invalid_url", "connect_failed", "connection_lost", "timed_out", "unavailable", "pool_exhausted",
        "server_error", "unexpected_reply", "shut_down",
    ]

    /// Whether the failure says the server or the network is down (so the breaker should open),
    /// rather than a bad command or a call made after shutdown.
    var indicatesOutage: Bool {
        switch self {
        case .connectFailed, .connectionLost, .timedOut: true
        case .invalidURL, .unavailable, .poolExhausted, .serverError, .unexpectedReply, .shutDown: false
        }
    }
}
