import Ethereum
import FakeExchangeAdapter
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Kernel
import Synchronization

/// The RTDS activity stream (spec §10.3) over the venue's live fills: once a client subscribes
/// to topic `activity` (type `trades`, `orders_matched` or `*`, optionally filtered by event or
/// market slug), every wallet's fills go out as activity messages — the firehose has no wallet
/// filter. `ping`/`PING` is answered `pong`/`PONG`. The venue's feed faults (silence, double or
/// reversed delivery) act on the fills before they get here.
struct RTDSRoutes: Sendable {
    let venue: FakeVenue

    func register(on group: RouterGroup<FakePolymarketContext>) {
        group.ws { inbound, outbound, _ in
            try await RTDSConnection(venue: self.venue, outbound: outbound).run(inbound)
        }
    }
}

/// One client connection: its subscriptions and the task that delivers fills to it.
final class RTDSConnection: Sendable {
    let venue: FakeVenue
    let outbound: WebSocketOutboundWriter
    private let subscriptions = Mutex<[RTDSSubscription]>([])
    private let id = String(UInt64.random(in: 1...UInt64.max), radix: 16)

    init(venue: FakeVenue, outbound: WebSocketOutboundWriter) {
        self.venue = venue
        self.outbound = outbound
    }

    /// Reads commands until the client goes; fills flow from the first subscription on.
    func run(_ inbound: WebSocketInboundStream) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var delivering = false
            for try await message in inbound.messages(maxSize: 1 << 16) {
                guard case .text(let text) = message else { continue }
                switch text.trimmingCharacters(in: .whitespacesAndNewlines) {
                case "ping": try await self.outbound.write(.text("pong"))
                case "PING": try await self.outbound.write(.text("PONG"))
                default: self.apply(text)
                }
                if !delivering, !self.subscriptions.withLock(\.isEmpty) {
                    delivering = true
                    // Subscribed before this message is answered, so no later fill is missed.
                    let fills = self.venue.allLiveFills()
                    group.addTask { try await self.deliver(fills) }
                }
            }
            group.cancelAll()
        }
    }

    /// A subscribe or unsubscribe command; anything else is ignored, as RTDS ignores it.
    private func apply(_ text: String) {
        guard let command = try? JSONDecoder().decode(RTDSCommand.self, from: Data(text.utf8)) else { return }
        let named = (command.subscriptions ?? []).filter { $0.topic == "activity" }
        self.subscriptions.withLock { current in
            switch command.action {
            case "subscribe": current += named.filter { !current.contains($0) }
            case "unsubscribe": current.removeAll { named.contains($0) }
            default: break
            }
        }
    }

    private func deliver(_ fills: AsyncThrowingStream<ObservedFill, any Error>) async throws {
        for try await observed in fills {
            let types = self.subscriptions.withLock { current in
                Set(current.filter { $0.matches(observed.fill) }.map(\.messageType))
            }
            for type in types.sorted() {
                try await self.outbound.write(.text(self.message(observed, type: type).text))
            }
        }
    }

    /// `{topic, type, timestamp (ms), payload, connection_id}`; the payload is the Data API's
    /// trade row with the wallet in EIP-55 case, as RTDS spells it (spec §13a.6).
    private func message(_ observed: ObservedFill, type: String) -> WireJSON {
        var payload = DataAPIRoutes.row(observed, activity: false)
        if case .object(var members) = payload, let index = members.firstIndex(where: { $0.0 == "proxyWallet" }) {
            members[index].1 = .string(observed.fill.leaderAddress.asAddress.checksummed)
            payload = .object(members)
        }
        return .object([
            ("topic", "activity"), ("type", .string(type)),
            ("timestamp", .integer(self.venue.wallClock.now().epochMilliseconds)), ("payload", payload),
            ("connection_id", .string(self.id)),
        ])
    }
}

/// `{"action": "subscribe" | "unsubscribe", "subscriptions": [...]}`.
struct RTDSCommand: Decodable {
    var action: String
    var subscriptions: [RTDSSubscription]?
}

/// One subscription; `filters` is itself JSON text such as `{"event_slug":"…"}`.
struct RTDSSubscription: Decodable, Hashable, Sendable {
    var topic: String
    var type: String?
    var filters: String?

    /// The type a message for this subscription carries: `*` (or none) gets `trades`.
    var messageType: String {
        self.type == "orders_matched" ? "orders_matched" : "trades"
    }

    func matches(_ fill: LeaderFill) -> Bool {
        guard [nil, "*", "trades", "orders_matched"].contains(self.type) else { return false }
        guard let filters, !filters.isEmpty else { return true }
        guard let slugs = try? JSONDecoder().decode([String: String].self, from: Data(filters.utf8)) else { return false }
        // The venue's markets are their own events, so either slug names the market.
        return slugs.values.allSatisfy { $0 == fill.marketSlug }
    }
}
