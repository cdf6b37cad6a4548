import Kernel
import Synchronization

/// Hands leader fills to live subscribers. Registration is synchronous (a mutex, not the actor),
/// so a stream returned by `liveFills` sees every fill published after the call returned.
final class LiveFillHub: Sendable {
    private struct Subscriber: Sendable {
        /// nil: every wallet's fills (the RTDS firehose).
        var leaders: Set<WalletAddress>?
        var continuation: AsyncThrowingStream<ObservedFill, any Error>.Continuation
    }

    private struct Registry: Sendable {
        var nextID = 0
        var subscribers: [Int: Subscriber] = [:]
    }

    private let registry = Mutex(Registry())

    func subscribe(to leaders: Set<WalletAddress>?) -> AsyncThrowingStream<ObservedFill, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: ObservedFill.self, throwing: (any Error).self, bufferingPolicy: .unbounded)
        let id = self.registry.withLock { registry in
            registry.nextID += 1
            registry.subscribers[registry.nextID] = Subscriber(leaders: leaders, continuation: continuation)
            return registry.nextID
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.registry.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// How many live streams are open.
    var subscriberCount: Int {
        self.registry.withLock { $0.subscribers.count }
    }

    /// Delivers `fills` in order to every subscriber watching their leaders.
    func publish(_ fills: [ObservedFill]) {
        let subscribers = self.registry.withLock { Array($0.subscribers.values) }
        for fill in fills {
            for subscriber in subscribers where subscriber.leaders?.contains(fill.fill.leaderAddress) ?? true {
                subscriber.continuation.yield(fill)
            }
        }
    }

    /// Ends every live stream, with `error` (a dropped connection) or normally.
    func finishAll(throwing error: (any Error)?) {
        let subscribers = self.registry.withLock { registry in
            defer { registry.subscribers.removeAll() }
            return Array(registry.subscribers.values)
        }
        for subscriber in subscribers { subscriber.continuation.finish(throwing: error) }
    }
}
