import Kernel
import Logging
import Synchronization
import Testing

/// The tag of ``LeaseStore``'s contract.
public enum LeaseStorePort {}
/// The specification of ``LeaseStore``, and of ``LeasedWork`` over it: a second holder is
/// refused until the lease expires, and a holder that lost its lease stops its work.
public typealias LeaseStoreContract = StoreContract<LeaseStorePort>

extension StoreContract where Port == LeaseStorePort {
    private static let name = "worker:auto-claim"

    public static var cases: [LeaseStoreContract] { [
        .init("a second holder is refused until the lease expires, then takes it with a greater token") { store async throws in
            let start = Timestamp.fixture
            let first = try #require(try await store.acquireLease(name, holder: "process-a", now: start, ttl: .seconds(30)))
            #expect(first.holder == "process-a")
            #expect(first.expiresAt == start + .seconds(30))
            #expect(try await store.acquireLease(name, holder: "process-b", now: start, ttl: .seconds(30)) == nil)
            #expect(try await store.acquireLease(name, holder: "process-b", now: start + .milliseconds(29_999),
                                                 ttl: .seconds(30)) == nil)
            // The holder renews: same token, later expiry.
            let renewed = try #require(try await store.acquireLease(name, holder: "process-a", now: start + .seconds(10),
                                                                    ttl: .seconds(30)))
            #expect(renewed.token == first.token)
            #expect(renewed.expiresAt == start + .seconds(40))
            #expect(try await store.acquireLease(name, holder: "process-b", now: start + .seconds(39), ttl: .seconds(30)) == nil)
            // Expired: another process takes it over with a greater token, and the former holder is refused.
            let taken = try #require(try await store.acquireLease(name, holder: "process-b", now: start + .seconds(40),
                                                                  ttl: .seconds(30)))
            #expect(taken.holder == "process-b")
            #expect(taken.token == first.token + 1)
            #expect(try await store.acquireLease(name, holder: "process-a", now: start + .seconds(41), ttl: .seconds(30)) == nil)
            // Leases are per name.
            let other = try await store.acquireLease("worker:health-check", holder: "process-a", now: start + .seconds(41),
                                                     ttl: .seconds(30))
            #expect(other?.holder == "process-a")
        },
        .init("a released lease is taken at once, with a greater token; a stale release changes nothing") { store async throws in
            let start = Timestamp.fixture
            let first = try #require(try await store.acquireLease(name, holder: "process-a", now: start, ttl: .seconds(30)))
            try await store.releaseLease(name, holder: "process-b", token: first.token)
            #expect(try await store.acquireLease(name, holder: "process-b", now: start, ttl: .seconds(30)) == nil)
            try await store.releaseLease(name, holder: "process-a", token: first.token)
            let next = try #require(try await store.acquireLease(name, holder: "process-b", now: start, ttl: .seconds(30)))
            #expect(next.token == first.token + 1)
            // The former holder's late release does not free the new holder's lease.
            try await store.releaseLease(name, holder: "process-a", token: first.token)
            #expect(try await store.acquireLease(name, holder: "process-c", now: start, ttl: .seconds(30)) == nil)
        },
        .init("a singleton's tick runs only in the process holding its lease") { store async throws in
            let wallClock = ManualWallClock()
            let ran = Mutex<[String]>([])
            func work(_ holder: String) -> LeasedWork<GatedClock> {
                LeasedWork(name: name, holder: holder, store: store, ttl: .seconds(60), clock: GatedClock(),
                           wallClock: wallClock.wallClock, logger: Logger(label: "lease-contract"))
            }
            let a = work("process-a")
            let b = work("process-b")
            #expect(try await a.tick { ran.withLock { $0.append("a") } } == .ran)
            #expect(try await b.tick { ran.withLock { $0.append("b") } } == .heldElsewhere)
            wallClock.advance(by: .seconds(30))
            #expect(try await a.tick { ran.withLock { $0.append("a") } } == .ran, "kept from tick to tick")
            #expect(try await b.tick { ran.withLock { $0.append("b") } } == .heldElsewhere)
            // The holder shuts down and gives the lease up: the other process takes over at its next tick.
            await a.release()
            #expect(try await b.tick { ran.withLock { $0.append("b") } } == .ran)
            #expect(try await a.tick { ran.withLock { $0.append("a") } } == .heldElsewhere)
            #expect(ran.withLock { $0 } == ["a", "a", "b"])
        },
        .init("a holder that loses its lease while working stops the work") { store async throws in
            let wallClock = ManualWallClock()
            let clock = GatedClock()
            let holder = LeasedWork(name: name, holder: "process-a", store: store, ttl: .seconds(30), clock: clock,
                                    wallClock: wallClock.wallClock, logger: Logger(label: "lease-contract"))
            let (started, starting) = AsyncStream.makeStream(of: Void.self)
            let (stops, stopping) = AsyncStream.makeStream(of: Bool.self)
            try await withThrowingTaskGroup(of: LeasedWork<GatedClock>.Outcome.self) { group in
                group.addTask {
                    try await holder.tick {
                        starting.yield()
                        // Works until stopped: waits on a stream nobody finishes.
                        let (never, _) = AsyncStream.makeStream(of: Void.self)
                        for await _ in never {}
                        stopping.yield(Task.isCancelled)
                        stopping.finish()
                        try Task.checkCancellation()
                    }
                }
                for await _ in started { break }
                await clock.untilSleeping(1)
                // The holder stalls past its lease (its renewal has not run); another process takes it over.
                #expect(try await store.acquireLease(name, holder: "process-b", now: wallClock.now() + .seconds(29),
                                                     ttl: .seconds(30)) == nil)
                wallClock.advance(by: .seconds(31))
                let taken = try await store.acquireLease(name, holder: "process-b", now: wallClock.now(), ttl: .seconds(30))
                #expect(taken?.holder == "process-b")
                // The holder's renewal finds the lease gone: its work is cancelled.
                clock.wake()
                let outcome = try await group.next()
                #expect(outcome == .lost)
            }
            var stoppedByCancellation: [Bool] = []
            for await cancelled in stops { stoppedByCancellation.append(cancelled) }
            #expect(stoppedByCancellation == [true], "the work ended because it was cancelled")
        },
    ] }
}
