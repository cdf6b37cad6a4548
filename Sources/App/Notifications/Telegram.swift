import AsyncHTTPClient
import Crypto
import Foundation
import Kernel
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// `TELEGRAM_BOT_TOKEN` (a secret), `TELEGRAM_API_URL` and `PUBLIC_BASE_URL`: Telegram is on
/// only when the token is set.
struct TelegramSettings: Hashable, Sendable {
    var token: Secret
    var apiURL: URL
    /// Where the links in messages point (the web app).
    var publicBaseURL: URL

    /// An https `PUBLIC_BASE_URL`: Telegram pushes updates to `POST /telegram/updates` (setWebhook)
    /// instead of being long-polled, so every API instance can take them and no poller runs.
    var usesWebhook: Bool { self.publicBaseURL.scheme?.lowercased() == "https" }

    var webhookURL: String {
        self.publicBaseURL.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/telegram/updates"
    }

    /// The `secret_token` Telegram sends back on every pushed update: derived from the bot token,
    /// so every instance knows it with no extra setting, and no one without the token can forge it.
    var webhookSecret: String {
        let digest = HMAC<SHA256>.authenticationCode(for: Data("mirror/telegram-webhook".utf8),
                                                     using: SymmetricKey(data: Data(self.token.revealed.utf8)))
        return Data(digest).map { String(format: "%02x", $0) }.joined()
    }
}

/// One message a bot received (`getUpdates`): the chat and the text.
struct TelegramUpdate: Hashable, Sendable {
    var updateID: Int64
    var chatID: Int64?
    var text: String?
}

/// The outcome of one `sendMessage`.
enum TelegramSendResult: Hashable, Sendable {
    case sent
    /// 429: Telegram's `retry_after`, honoured before any further send.
    case retryAfter(seconds: Int)
    /// The chat cannot be written to (bot blocked, chat gone): no retry helps.
    case refused(String)
    case failed(String)
}

/// The Bot API over HTTP. The token is part of every URL (`/bot<token>/method`), so no error,
/// log line or result here ever carries a URL or an underlying error's text.
struct TelegramClient: Sendable {
    let settings: TelegramSettings
    let http: HTTPClient

    private func url(_ method: String) -> String {
        self.settings.apiURL.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            + "/bot\(self.settings.token.revealed)/\(method)"
    }

    private func call(_ method: String, _ body: [String: Any], timeout: Duration) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: self.url(method))
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await self.http.execute(request, timeout: .seconds(timeout.components.seconds))
            bytes = try await response.body.collect(upTo: 4_000_000)
        } catch {
            throw TelegramError.transport(method: method)
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), json)
    }

    /// Points Telegram's pushes at Mirror (`setWebhook` with the secret token).
    func setWebhook() async throws {
        let (status, json) = try await self.call("setWebhook", [
            "url": self.settings.webhookURL, "secret_token": self.settings.webhookSecret, "allowed_updates": ["message"],
        ], timeout: .seconds(15))
        guard status == 200, json["ok"] as? Bool == true else { throw TelegramError.refused(method: "setWebhook", status: status) }
    }

    /// One pushed or polled update object, as Telegram sends it.
    static func update(_ object: [String: Any]) -> TelegramUpdate? {
        guard let id = (object["update_id"] as? NSNumber)?.int64Value else { return nil }
        let message = object["message"] as? [String: Any]
        let chat = message?["chat"] as? [String: Any]
        return TelegramUpdate(updateID: id, chatID: (chat?["id"] as? NSNumber)?.int64Value, text: message?["text"] as? String)
    }

    /// Long-polls for new messages after `offset` (`timeout` seconds of Telegram's long poll).
    func getUpdates(offset: Int64?, timeout: Int) async throws -> [TelegramUpdate] {
        var body: [String: Any] = ["timeout": timeout, "allowed_updates": ["message"]]
        if let offset { body["offset"] = offset }
        let (status, json) = try await self.call("getUpdates", body, timeout: .seconds(timeout + 10))
        guard status == 200, json["ok"] as? Bool == true, let results = json["result"] as? [[String: Any]] else {
            throw TelegramError.refused(method: "getUpdates", status: status)
        }
        return results.compactMap(Self.update)
    }

    func sendMessage(chatID: Int64, text: String) async -> TelegramSendResult {
        do {
            let (status, json) = try await self.call("sendMessage", [
                "chat_id": chatID, "text": text, "disable_web_page_preview": true,
            ], timeout: .seconds(15))
            switch status {
            case 200: return .sent
            case 429:
                let parameters = json["parameters"] as? [String: Any]
                return .retryAfter(seconds: max(1, (parameters?["retry_after"] as? NSNumber)?.intValue ?? 5))
            case 400, 403: return .refused("Telegram answered \(status)")
            default: return .failed("Telegram answered \(status)")
            }
        } catch {
            return .failed("Telegram unreachable")
        }
    }
}

enum TelegramError: Error, CustomStringConvertible {
    case transport(method: String)
    case refused(method: String, status: Int)

    var description: String {
        switch self {
        case .transport(let method): "Telegram \(method): unreachable"
        case .refused(let method, let status): "Telegram \(method): answered \(status)"
        }
    }
}

/// The short plain-text message of an event, with a link to its page on the web app.
enum TelegramText {
    static func message(type: NotificationType, payload: String, baseURL: URL) -> String {
        let data = ((try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any])?["data"]
            as? [String: Any] ?? [:]
        func text(_ key: String) -> String { data[key].map { "\($0)" } ?? "?" }
        let (line, page): (String, String) = switch type {
        case .copyDigest: ("Copies since the last digest: \(text("copied")) done, \(text("skipped")) skipped, \(text("failed")) failed.", "/activity")
        case .followPaused: ("A follow was paused (by \(text("by"))).", "/follows")
        case .followResumed: ("A follow was resumed (by \(text("by"))).", "/follows")
        case .followStopped: ("A follow was stopped (by \(text("by"))).", "/follows")
        case .withdrawalAccepted: ("Withdrawal of \(text("amount")) pUSD to \(text("destination")) accepted.", "/withdrawals")
        case .withdrawalConfirmed: ("Withdrawal of \(text("amount")) pUSD confirmed.", "/withdrawals")
        case .withdrawalFailed: ("Withdrawal of \(text("amount")) pUSD FAILED.", "/withdrawals")
        case .withdrawalAddressAdded: ("Withdrawal address \(text("address")) added. Not you? Remove it now.", "/withdrawals")
        case .withdrawalAddressRemoved: ("Withdrawal address \(text("address")) removed.", "/withdrawals")
        case .claimPaid: ("Winnings claimed: \(text("amount")) pUSD.", "/claims")
        case .copyingDegraded: ("Copying is degraded (\(text("down")) down).", "/activity")
        case .copyingRecovered: ("Copying has recovered.", "/activity")
        case .webhookCircuitOpened: ("Your webhook \(text("url")) stopped answering; deliveries are held.", "/notifications")
        case .webhookTest: ("Mirror test message.", "/notifications")
        }
        return "Mirror: \(line)\n\(baseURL.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")))\(page)"
    }

    /// `/start CODE` (Telegram sends the deep link's parameter this way): the code, uppercased.
    static func linkCode(in text: String) -> String? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0] == "/start" || parts[0].hasPrefix("/start@") else { return nil }
        return parts[1].uppercased()
    }
}

/// Linking a chat: one-time codes in the cache (15 minutes, removed when used), and the poller's
/// handling of `/start CODE`.
struct TelegramLinking: Sendable {
    static let codeTTL: Duration = .seconds(900)
    static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    let store: any Store
    let cache: any Cache
    let wallClock: WallClock

    static func cacheKey(_ code: String) -> String { "telegram:link:\(code)" }

    /// A new code for `userID` (10 characters from 32: 50 bits).
    func newCode(for userID: UserID) async throws -> (code: String, expiresAt: Timestamp) {
        var generator = SystemRandomNumberGenerator()
        let code = String((0..<10).map { _ in Self.alphabet[Int.random(in: 0..<Self.alphabet.count, using: &generator)] })
        try await self.cache.set(userID.rawValue, forKey: Self.cacheKey(code), ttl: Self.codeTTL)
        return (code, self.wallClock.now() + Self.codeTTL)
    }

    /// Links the chat of `update` when it carries a live code; returns the user linked.
    func handle(_ update: TelegramUpdate) async throws -> UserID? {
        guard let chatID = update.chatID, let text = update.text, let code = TelegramText.linkCode(in: text),
              let user = try await self.cache.value(forKey: Self.cacheKey(code))
        else { return nil }
        try await self.cache.removeValue(forKey: Self.cacheKey(code))
        let userID = UserID(user)
        let now = self.wallClock.now()
        var link = try await self.store.telegramLink(userID: userID)
            ?? TelegramLink(userID: userID, chatID: chatID, createdAt: now, updatedAt: now)
        link.chatID = chatID
        link.updatedAt = now
        try await self.store.saveTelegramLink(link)
        return userID
    }
}

/// The Telegram poller's tick: one long poll (`getUpdates`) under the lease `lease:telegram` —
/// Telegram answers a second concurrent poller 409 — linking chats that send `/start CODE`.
struct TelegramPoller: Sendable {
    static let leaseName = "telegram"
    static let offsetKey = "telegram:update-offset"

    let client: TelegramClient
    let linking: TelegramLinking
    let cache: any Cache
    let holder: String
    let logger: Logger
    var longPollSeconds = 25

    /// One long poll; `false` when another process holds the lease (nothing done).
    @discardableResult
    func tick() async throws -> Bool {
        guard try await self.cache.acquireLease(Self.leaseName, holder: self.holder, ttl: .seconds(self.longPollSeconds + 30))
        else { return false }
        let offset = try await self.cache.value(forKey: Self.offsetKey).flatMap { Int64($0) }
        let updates = try await self.client.getUpdates(offset: offset, timeout: self.longPollSeconds)
        for update in updates {
            if let user = try await self.linking.handle(update), let chat = update.chatID {
                self.logger.info("telegram chat linked", metadata: ["user.id": "\(user.rawValue)"])
                _ = await self.client.sendMessage(chatID: chat, text: "Mirror: this chat is linked. Unlink it on the web app.")
            }
        }
        if let last = updates.map(\.updateID).max() {
            try await self.cache.set(String(last + 1), forKey: Self.offsetKey)
        }
        return true
    }
}

/// Sends due Telegram messages in order, holding digests in the user's quiet hours, and after a
/// 429 sends nothing more until Telegram's `retry_after` has passed.
struct TelegramSender: Sendable {
    let store: any Store
    let client: TelegramClient
    let wallClock: WallClock
    let owner: String
    let logger: Logger

    @discardableResult
    func sendDue() async throws -> Int {
        let now = self.wallClock.now()
        let claimed = try await self.store.claimTelegramMessages(owner: self.owner, now: now, leaseDuration: .seconds(60),
                                                                 limit: 20)
        var notBefore: Timestamp?
        for message in claimed {
            var finished = message
            finished.updatedAt = self.wallClock.now()
            guard let link = try await self.store.telegramLink(userID: message.userID) else { continue }
            if let wait = notBefore {
                finished.nextAttemptAt = wait
            } else if let until = link.heldUntil(message.type, now: finished.updatedAt) {
                finished.nextAttemptAt = until
            } else {
                let text = TelegramText.message(type: message.type, payload: message.payload,
                                                baseURL: self.client.settings.publicBaseURL)
                switch await self.client.sendMessage(chatID: message.chatID, text: text) {
                case .sent:
                    finished.status = .delivered
                    finished.attempts += 1
                    finished.lastError = nil
                case .retryAfter(let seconds):
                    // Not a failure of the message: it waits, and so does every later one.
                    let wait = finished.updatedAt + .seconds(seconds)
                    notBefore = wait
                    finished.nextAttemptAt = wait
                    finished.lastError = "Telegram asked to wait \(seconds) s (429)"
                case .refused(let reason):
                    finished.attempts += 1
                    finished.status = .failed
                    finished.lastError = reason
                case .failed(let reason):
                    finished.attempts += 1
                    finished.lastError = reason
                    if let retryAt = DeliveryPolicy.retryAt(afterAttempts: finished.attempts, now: finished.updatedAt) {
                        finished.nextAttemptAt = retryAt
                    } else {
                        finished.status = .failed
                    }
                }
            }
            if try await self.store.finishTelegramMessage(finished, owner: self.owner), finished.attempts > message.attempts {
                let outcome = finished.status == .delivered ? "delivered" : finished.status == .failed ? "failed" : "retry"
                Counter(label: "mirror_telegram_messages_total", dimensions: [("outcome", outcome)]).increment()
            }
        }
        return claimed.count
    }
}

/// Runs the poller's long polls back to back until graceful shutdown (issue #23), only when
/// Telegram is configured. A failed poll is logged and retried after a pause; it has no heartbeat
/// of its own (the notifications worker's says the process is alive).
struct TelegramPollerService: Service {
    let poller: TelegramPoller
    var pauseAfterFailure: Duration = .seconds(5)
    var pauseWhenNotHolder: Duration = .seconds(5)

    func run() async throws {
        if self.poller.client.settings.usesWebhook {
            // Pushes instead of polls: point Telegram at POST /telegram/updates until it accepts.
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                do {
                    try await self.poller.client.setWebhook()
                    self.poller.logger.info("telegram webhook set")
                    break
                } catch {
                    self.poller.logger.warning("telegram setWebhook failed", metadata: ["error": "\(String(describing: error))"])
                }
                let wait = self.pauseAfterFailure
                guard (try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }) != nil else { return }
            }
            try? await gracefulShutdown()
            return
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var pause = Duration.milliseconds(100)
            do {
                if !(try await cancelWhenGracefulShutdown { try await self.poller.tick() }) { pause = self.pauseWhenNotHolder }
            } catch is CancellationError {
                return
            } catch {
                self.poller.logger.warning("telegram poll failed", metadata: ["error": "\(String(describing: error))"])
                pause = self.pauseAfterFailure
            }
            let wait = pause
            guard (try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }) != nil else { return }
        }
    }
}
