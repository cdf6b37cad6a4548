import Foundation
import Hummingbird
import Kernel
import ServiceLifecycle

/// `GET /app/events`: Server-Sent Events telling the user's pages that something changed — a new
/// copy attempt, an attempt's status, a withdrawal's or claim's status. Each event's id is the
/// newest change time seen (epoch milliseconds); a browser that reconnects sends it back as
/// `Last-Event-ID` and gets every change since. A comment line keeps idle connections open.
enum LiveEvents {
    static let keepAliveEvery: Duration = .seconds(10)
    static let pollEvery: Duration = .seconds(1)
    /// Streams end after this long; the browser reconnects on its own, with Last-Event-ID.
    static let streamLifetime: Duration = .seconds(300)

    /// What changed since `since` (epoch ms, inclusive) in the user's attempts and relayer txs, as
    /// the newest change time; `nil` when nothing did.
    static func newestChange(store: any Store, userID: UserID, since: Int64) async throws -> Int64? {
        let attempts = try await store.attempts(userID: userID, limit: 100).map(\.updatedAt.epochMilliseconds)
        let txs = try await store.relayerTxs(userID: userID, limit: 100).map(\.updatedAt.epochMilliseconds)
        return (attempts + txs).filter { $0 >= since }.max()
    }

    /// One SSE frame: `id` and a `change` event.
    static func frame(id: Int64) -> String { "id: \(id)\nevent: change\ndata: {\"at\":\(id)}\n\n" }

    static func stream(request: Request, context: AppRequestContext, store: any Store, wallClock: WallClock) throws -> Response {
        let user = try context.requireUser()
        let resumeFrom = request.headers[.lastEventID].flatMap { Int64($0) }
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 3000\n\n"))
                // Without Last-Event-ID the page was just rendered: only later changes matter.
                var seen = resumeFrom ?? wallClock.now().epochMilliseconds
                var strictlyAfter = resumeFrom != nil
                let started = wallClock.now()
                var lastWrite = started
                while wallClock.now().since(started) < Self.streamLifetime, !Task.isShuttingDownGracefully {
                    let since = strictlyAfter ? seen + 1 : seen
                    if let newest = try await Self.newestChange(store: store, userID: user.id, since: since) {
                        try await writer.write(ByteBuffer(string: Self.frame(id: newest)))
                        seen = newest
                        strictlyAfter = true
                        lastWrite = wallClock.now()
                    } else if wallClock.now().since(lastWrite) >= Self.keepAliveEvery {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        lastWrite = wallClock.now()
                    }
                    try await Task.sleep(for: Self.pollEvery)
                }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"],
                        body: body)
    }
}
