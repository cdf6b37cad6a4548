import Kernel
import KernelTesting
import PostgresAdapter
import Testing

/// Times are stored as `timestamptz` and must come back to the millisecond, whatever the value:
/// the Kernel compares them exactly (leases, due times, ordering).
@Suite(.enabled(if: TestDatabase.isEnabled, "set TEST_POSTGRES_URL (or REQUIRE_INTEGRATION=1) to run"))
struct PostgresTimestampTests {
    static let times: [Timestamp] = [
        .fixture,
        Timestamp(epochMilliseconds: 0),
        Timestamp(epochMilliseconds: 946_684_800_000),            // the server's own epoch, 2000-01-01
        Timestamp(epochMilliseconds: 946_684_799_999),            // one millisecond before it
        Timestamp(epochMilliseconds: -1),                         // before 1970
        Timestamp(epochMilliseconds: 1_764_379_800_999),          // .999 rounds nowhere
        Timestamp(epochMilliseconds: 1_764_379_800_001),
        Timestamp(epochMilliseconds: 4_102_444_799_999),          // 2099-12-31T23:59:59.999Z
    ]

    @Test(arguments: times)
    func aTimeRoundTripsExactly(_ time: Timestamp) async throws {
        try await TestDatabase.withStore { store in
            let entry = AuditEntry(id: "audit-1", actor: "system", action: "test.time", createdAt: time)
            try await store.appendAudit(entry)
            let stored = try await store.recentAudit(limit: 1)
            // The server sees the real instant: its own text form matches the Kernel's.
            let text = try await store.rows(sql: """
                SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS shown FROM audit_logs
                """)
            #expect(stored == [entry])
            #expect(text.first?["shown"] == .text(time.description))
        }
    }

    @Test func aTimeWrittenBySQLWithMicrosecondsReadsAsTheNearestMillisecond() async throws {
        try await TestDatabase.withStore { store in
            try await store.execute(sql: """
                INSERT INTO audit_logs (id, actor, action, details, created_at)
                VALUES ('audit-1', 'operator', 'test.by_hand', '', '2025-11-29 01:30:00.123600+00')
                """)
            let stored = try await store.recentAudit(limit: 1)
            #expect(stored.map(\.createdAt) == [try Timestamp(iso8601: "2025-11-29T01:30:00.124Z")])
        }
    }

    @Test func leaseTimesCompareExactlyAtTheMillisecond() async throws {
        try await TestDatabase.withStore { store in
            let leader = Leader.fixture(1)
            try await store.insertLeader(leader)
            let user = User.fixture(1)
            try await store.insertUser(user)
            let wallet = TradingWallet.fixture(1, userID: user.id)
            try await store.insertWallet(wallet)
            try await store.insertProfile(.fixture(1, userID: user.id, leaderID: leader.id, walletID: wallet.id))
            let event = LeaderEvent.fixture(1, leader: leader)
            _ = try await store.recordLeaderEvent(event, newAttemptID: SequentialIDs(prefix: "attempt").attemptIDs)
            let start = event.detectedAt
            let first = try await store.claimAttempts(owner: "a", now: start, leaseDuration: .milliseconds(1), limit: 1)
            let sameMillisecond = try await store.claimAttempts(
                owner: "b", now: start, leaseDuration: .seconds(1), limit: 1)
            let nextMillisecond = try await store.claimAttempts(
                owner: "b", now: start + .milliseconds(1), leaseDuration: .seconds(1), limit: 1)
            #expect(first.map(\.leaseExpiresAt) == [start + .milliseconds(1)])
            #expect(sameMillisecond.isEmpty)
            #expect(nextMillisecond.map(\.leaseOwner) == ["b"])
        }
    }
}
