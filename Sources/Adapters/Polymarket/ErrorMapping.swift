import Kernel

/// Turns a reply that is not a plain success into the port's error vocabulary, so the breaker
/// counts outages (5xx, 425, 429, timeouts, unreadable replies) and not refusals (other 4xx).
enum ErrorMapping {
    /// The longest venue message carried into an error or a log line.
    static let maximumMessageLength = 300

    /// The error for a non-2xx status, or for a 2xx whose body is `{"error": …}` (spec §13a.10).
    static func error(for response: HTTPResponse, now: Timestamp, redactor: Redactor) -> VenueError {
        let message = redactor.redact(Self.message(of: response))
        switch response.status {
        case 429:
            return .rateLimited(retryAfter: Self.retryAfter(response, now: now))
        case 408:
            return .timeout
        case 425:
            return .unavailable("matching engine restarting (425): \(message)")
        case 500...599:
            return .unavailable("HTTP \(response.status): \(message)")
        case 200...299 where message.lowercased().contains("rate limit"):
            return .rateLimited(retryAfter: Self.retryAfter(response, now: now))
        default:
            return .refused(status: response.status, message: message)
        }
    }

    /// The venue's own words: `error`, `errorMsg` or `message` of a JSON body, else the body text.
    static func message(of response: HTTPResponse) -> String {
        let json = JSONValue.parse(response.body)
        let text = json?["error"]?.nonEmptyText ?? json?["errorMsg"]?.nonEmptyText ?? json?["message"]?.nonEmptyText
            ?? String(decoding: response.body, as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: " \n\r\t")
        return trimmed.count > Self.maximumMessageLength
            ? String(trimmed.prefix(Self.maximumMessageLength)) + "…" : (trimmed.isEmpty ? "(no message)" : trimmed)
    }

    /// Whether a 2xx body is really an error (`{"error": "…"}` or `success: false`).
    static func isErrorInSuccess(_ json: JSONValue?) -> Bool {
        guard let json else { return false }
        if json["error"]?.nonEmptyText != nil { return true }
        return json["success"]?.bool == false
    }

    /// A 2xx body that is the Data API's style of rate-limit reply: `{"error": "…rate limit…"}`.
    static func isRateLimitInSuccess(_ json: JSONValue?) -> Bool {
        json?["error"]?.nonEmptyText?.lowercased().contains("rate limit") == true
    }

    /// `Retry-After` in seconds; failing that, the `Poly-RateLimit-Reset` unix seconds; else nil.
    static func retryAfter(_ response: HTTPResponse, now: Timestamp) -> Duration? {
        if let value = response.header("Retry-After")?.trimmingCharacters(in: " "), let seconds = Int64(value),
           seconds >= 0, seconds < 86_400 {
            return .seconds(seconds)
        }
        if let reset = response.header("Poly-RateLimit-Reset").flatMap({ Int64($0.trimmingCharacters(in: " ")) }) {
            let wait = reset * 1_000 - now.epochMilliseconds
            if wait > 0, wait < 86_400_000 { return .milliseconds(wait) }
        }
        return nil
    }
}

/// Removes known secret values (API secret, passphrase, request signatures) from text that may
/// reach a log or an error, in case a venue ever echoes a header back.
struct Redactor: Sendable {
    private let secrets: [String]

    init(_ secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 4 }
    }

    static let none = Redactor([])

    func redact(_ text: String) -> String {
        var output = text
        for secret in self.secrets where output.contains(secret) {
            output = output.replacing(secret, with: "<redacted>")
        }
        return output
    }
}
