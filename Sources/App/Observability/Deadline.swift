/// Thrown by ``withDeadline(_:clock:_:)`` when the work did not finish in time.
struct DeadlineExceeded: Error, CustomStringConvertible {
    let limit: Duration
    var description: String { "no answer within \(self.limit)" }
}

/// Runs `work`, giving up after `limit` on `clock`: a probe of a server that stopped answering
/// must report it down promptly instead of waiting for the driver's own (much longer) timeouts.
/// The work is cancelled when the deadline wins.
func withDeadline<T: Sendable, C: Clock<Duration>>(
    _ limit: Duration, clock: C, _ work: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await work() }
        group.addTask {
            try await clock.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw DeadlineExceeded(limit: limit) }
        return value
    }
}
