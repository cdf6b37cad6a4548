import AsyncHTTPClient
import Ethereum
import FakeExchangeAdapter
import FakePolymarket
import FakePolymarketTesting
import Foundation
import Kernel
import KernelTesting
import PolymarketAdapter
import Testing

/// The facade's RTDS socket as the adapter's stream reads it: the activity firehose of every
/// wallet's fills, the venue's feed faults on it, and the leader feed yielding the leader's rows
/// from it. Nothing waits on the wall clock: a `pong` proves a subscription is in place, and
/// adapter time moves only when the test moves it.
@Suite(.timeLimit(.minutes(2))) struct RTDSStreamTests {
    static let leader = WalletAddress.fixture(0x7_0001)
    static let other = WalletAddress.fixture(0x7_0002)
    static let subscribe = #"{"action":"subscribe","subscriptions":[{"topic":"activity","type":"trades"}]}"#

    @Test func activityMessagesCarryEveryWalletsFillsAndTheFeedFaults() async throws {
        try await FakePolymarketHarness.run { harness in
            let token = try await harness.rtdsMarket("rtds-raw")
            let socket = RTDSProbe(url: harness.configuration.rtdsURL, subscribe: Self.subscribe)
            try await socket.waitForPong()

            try await harness.venue.leaderTrade(Self.other, legs: [try FakeLeg.rtds(token, "12.5", "0.48")])
            let first = try await socket.nextActivity()
            #expect(first["topic"] as? String == "activity" && first["type"] as? String == "trades")
            #expect((first["timestamp"] as? NSNumber)?.int64Value == FakePolymarketHarness.start.epochMilliseconds)
            let payload = try #require(first["payload"] as? [String: Any])
            #expect(payload["proxyWallet"] as? String == Self.other.relayerTestAddress.checksummed, "EIP-55, as RTDS spells it")
            #expect(payload["asset"] as? String == token.decimal && payload["side"] as? String == "BUY")
            #expect((payload["size"] as? NSNumber)?.stringValue == "12.5" && (payload["price"] as? NSNumber)?.stringValue == "0.48")
            #expect((payload["timestamp"] as? NSNumber)?.int64Value == FakePolymarketHarness.start.epochMilliseconds / 1_000)

            await harness.venue.inject(.feedDeliversTwice, times: 1)
            let twice = try await harness.venue.leaderTrade(Self.leader, legs: [try FakeLeg.rtds(token, "3", "0.5")])
            for _ in 0..<2 { #expect(try await socket.nextPayload()["transactionHash"] as? String == twice[0].transactionHash) }

            await harness.venue.inject(.feedDeliversOutOfOrder, times: 1)
            _ = try await harness.venue.leaderTrade(Self.leader, legs: [
                try FakeLeg.rtds(token, "1", "0.5"), try FakeLeg.rtds(token, "2", "0.51"),
            ])
            #expect((try await socket.nextPayload()["size"] as? NSNumber)?.stringValue == "2")
            #expect((try await socket.nextPayload()["size"] as? NSNumber)?.stringValue == "1")
        }
    }

    @Test func aSlugFilterKeepsOtherMarketsOff() async throws {
        try await FakePolymarketHarness.run { harness in
            let quiet = try await harness.rtdsMarket("rtds-quiet")
            let watched = try await harness.rtdsMarket("rtds-watched")
            let filtered = #"{"action":"subscribe","subscriptions":[{"topic":"activity","type":"trades","filters":"{\"market_slug\":\"rtds-watched\"}"}]}"#
            let socket = RTDSProbe(url: harness.configuration.rtdsURL, subscribe: filtered)
            try await socket.waitForPong()
            try await harness.venue.leaderTrade(Self.leader, legs: [try FakeLeg.rtds(quiet, "5", "0.5")])
            try await harness.venue.leaderTrade(Self.leader, legs: [try FakeLeg.rtds(watched, "6", "0.5")])
            #expect(try await socket.nextPayload()["slug"] as? String == "rtds-watched")
        }
    }

    @Test func theLeaderFeedYieldsTheLeadersStreamRowsAsTheyCome() async throws {
        try await FakePolymarketHarness.run { harness in
            let token = try await harness.rtdsMarket("rtds-feed")
            let feed = PolymarketLeaderFeed(
                configuration: harness.configuration, transport: AsyncHTTPClientTransport(client: .shared),
                stream: WebSocketStreamTransport(pingInterval: .milliseconds(20)), clock: ManualAdapterClock(harness.clock))
            var fills = feed.liveFills(of: [Self.leader]).makeAsyncIterator()
            // The facade opens its live stream when the subscription arrives: from then on no
            // fill is missed (the connection is real, so this waits on the socket, boundedly).
            for _ in 0..<5_000 where harness.venue.liveStreamCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
            #expect(harness.venue.liveStreamCount == 1)

            // Another wallet's trade is not the leader's; the leader's comes from the stream.
            try await harness.venue.leaderTrade(Self.other, legs: [try FakeLeg.rtds(token, "9", "0.5")])
            let a = try await harness.venue.leaderTrade(Self.leader, legs: [try FakeLeg.rtds(token, "10", "0.5")])
            let first = try #require(try await fills.next())
            #expect(first.fill.transactionHash == a[0].transactionHash && first.fill.source == .rtds)

            // A message delivered twice comes out twice, each as occurrence 0: the ingestor's
            // rule (confirmed by its own polling) decides it is one fill.
            await harness.venue.inject(.feedDeliversTwice, times: 1)
            let b = try await harness.venue.leaderTrade(Self.leader, legs: [try FakeLeg.rtds(token, "11", "0.5")])
            let second = try #require(try await fills.next())
            let third = try #require(try await fills.next())
            #expect([second, third].map(\.fill.transactionHash) == [b[0].transactionHash, b[0].transactionHash])
            #expect([first, second, third].allSatisfy { $0.occurrence == 0 })
            let polled = try await feed.fills(of: Self.leader, since: FakePolymarketHarness.start)
            #expect(polled.map(\.identity) == [first.identity, second.identity], "the same identities as polling")
        }
    }
}

/// A raw RTDS connection through the adapter's own WebSocket transport, pinging often so a
/// `pong` soon proves the server has read the subscription sent before the ping.
final class RTDSProbe {
    private var messages: AsyncThrowingStream<String, any Error>.AsyncIterator

    init(url: String, subscribe: String) {
        let stream = WebSocketStreamTransport(pingInterval: .milliseconds(20)).messages(url: url, subscribe: subscribe)
        self.messages = stream.makeAsyncIterator()
    }

    func next() async throws -> String {
        guard let text = try await self.messages.next() else { throw VenueError.unavailable("the RTDS socket closed") }
        return text
    }

    func waitForPong() async throws {
        while try await self.next() != "pong" {}
    }

    /// The next activity message, skipping pongs.
    func nextActivity() async throws -> [String: Any] {
        while true {
            let text = try await self.next()
            if text != "pong", let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
                return json
            }
        }
    }

    func nextPayload() async throws -> [String: Any] {
        try #require(try await self.nextActivity()["payload"] as? [String: Any])
    }

}

extension FakeLeg {
    static func rtds(_ token: TokenID, _ size: String, _ price: String) throws -> FakeLeg {
        FakeLeg(tokenID: token, side: .buy, size: try Shares(decimal: size), price: try Price(decimal: price))
    }
}

extension FakePolymarketHarness {
    /// A binary market; returns its first outcome's token.
    func rtdsMarket(_ slug: String) async throws -> TokenID {
        try await self.venue.listMarket(FakeMarketSpec(slug: slug)).tokenIDs[0]
    }
}
