import Foundation
import Kernel
import KernelTesting
@testable import SQLiteAdapter
import Testing

/// What the contracts leave to each adapter: error details, decoding failures, SQLite quirks and
/// several processes on one file.
@Suite struct SQLiteStoreTests {
    @Test func aStatusWrittenByANewerBuildThrowsCorruptRowInsteadOfCrashing() async throws {
        try await withTemporaryStore { store in
            let leader = try await Given.leader(1, in: store)
            let user = try await Given.user(1, in: store)
            let wallet = try await Given.wallet(1, of: user, in: store)
            let profile = CopyProfile.fixture(1, userID: user.id, leaderID: leader.id, walletID: wallet.id)
            try await store.insertProfile(profile)
            // As if a newer build (with another CHECK) had written a status this one does not know.
            _ = try store.execute(sql: """
                PRAGMA ignore_check_constraints = ON;
                UPDATE copy_profiles SET status = 'HIBERNATING' WHERE id = '\(profile.id.rawValue)';
                PRAGMA ignore_check_constraints = OFF;
                """)

            await #expect(throws: StoreError.corruptRow(table: "copy_profiles", column: "status", value: "HIBERNATING")) {
                _ = try await store.profile(id: profile.id)
            }
            await #expect(throws: StoreError.corruptRow(table: "copy_profiles", column: "status", value: "HIBERNATING")) {
                _ = try await store.profiles(userID: user.id)
            }
        }
    }

    @Test func aMalformedTimestampThrowsCorruptRow() async throws {
        try await withTemporaryStore { store in
            try await store.appendAudit(.fixture(1))
            _ = try store.execute(sql: "UPDATE audit_logs SET created_at = 'last tuesday'")
            await #expect(throws: StoreError.corruptRow(table: "audit_logs", column: "created_at", value: "last tuesday")) {
                _ = try await store.recentAudit(limit: 1)
            }
        }
    }

    @Test func aDuplicateNamesTheTableAndTheValueThatClashed() async throws {
        try await withTemporaryStore { store in
            let user = try await Given.user(1, in: store)
            let wallet = try await Given.wallet(1, of: user, in: store)
            let tx = RelayerTx.fixture(1, userID: user.id, walletID: wallet.id)
            try await store.insertRelayerTx(tx)

            await #expect(throws: StoreError.duplicate(entity: "users", key: user.id.rawValue)) {
                try await store.insertUser(User.fixture(2, id: user.id))
            }
            await #expect(throws: StoreError.duplicate(entity: "users", key: user.externalID)) {
                try await store.insertUser(User.fixture(2, externalID: user.externalID))
            }
            await #expect(throws: StoreError.duplicate(entity: "trading_wallets", key: wallet.signerAddress.lowercased)) {
                try await store.insertWallet(TradingWallet.fixture(2, userID: user.id, signerAddress: wallet.signerAddress))
            }
            await #expect(throws: StoreError.duplicate(entity: "relayer_txs", key: tx.idempotencyKey)) {
                try await store.insertRelayerTx(.fixture(2, userID: user.id, walletID: wallet.id, idempotencyKey: tx.idempotencyKey))
            }
        }
    }

    /// SQLite reads `LIMIT -1` as "no limit"; the ports read a limit below one as "nothing".
    @Test func aLimitBelowOneReturnsNothingAndClaimsNothing() async throws {
        try await withTemporaryStore { store in
            let (attempt, _) = try await Given.attempt(in: store)
            try await store.appendAudit(.fixture(1))
            let claimed = try await store.claimAttempts(owner: "w", now: attempt.dueAt, leaseDuration: .seconds(30), limit: 0)
            let audit = try await store.recentAudit(limit: -1)
            let attempts = try await store.attempts(userID: attempt.userID, limit: -1)
            let stored = try await store.attempt(id: attempt.id)
            #expect(claimed.isEmpty)
            #expect(audit.isEmpty)
            #expect(attempts.isEmpty)
            #expect(stored == attempt, "not leased")
        }
    }

    @Test func amountsAreStoredExactlyAsTextDecimalsOrIntegerMillionths() async throws {
        try await withTemporaryStore { store in
            let (attempt, event) = try await Given.attempt(in: store)
            let eventRow = try #require(try store.rows(
                sql: "SELECT size, typeof(size) AS size_type, price, occurred_at FROM leader_events").first)
            let attemptRow = try #require(try store.rows(
                sql: "SELECT leader_price_units, filled_shares_units, fencing_token FROM copy_attempts").first)
            #expect(eventRow["size"] == .text("25.5"))
            #expect(eventRow["size_type"] == .text("text"))
            #expect(eventRow["price"] == .text("0.53"))
            #expect(eventRow["occurred_at"] == .text(event.fill.occurredAt.description))
            #expect(attemptRow["leader_price_units"] == .integer(try #require(attempt.leaderPrice).baseUnits))
            #expect(attemptRow["filled_shares_units"] == .integer(0))
            #expect(attemptRow["fencing_token"] == .integer(0))
        }
    }

    @Test func idsAndAddressesMustBeCanonicalLowercase() async throws {
        try await withTemporaryStore { store in
            #expect(throws: (any Error).self) {
                _ = try store.execute(sql: """
                    INSERT INTO audit_logs (id, actor, action, details, created_at)
                    VALUES ('Audit-1', 'admin', 'x', '', '2025-11-29T01:30:00.123Z')
                    """)
            }
            #expect(throws: (any Error).self) {
                _ = try store.execute(sql: """
                    INSERT INTO leaders (id, address, created_at)
                    VALUES ('leader-1', '0xABCDEF0000000000000000000000000000000000', '2025-11-29T01:30:00.123Z')
                    """)
            }
            let rows = try store.rows(sql: "SELECT count(*) AS n FROM audit_logs")
            #expect(rows.first?["n"] == .integer(0))
        }
    }

    /// Two worker processes on one database file: each has its own pool, and SQLite's write lock
    /// (waited for through the busy timeout) keeps their claims apart.
    @Test func twoStoresOnOneFileNeverClaimTheSameAttempt() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("shared.sqlite").path
            let first = try SQLiteStore.open(path: path, logger: .test)
            let second = try SQLiteStore.open(path: path, logger: .test)
            defer {
                try? first.close()
                try? second.close()
            }
            try first.migrate()
            let leader = try await Given.leader(1, in: first)
            for n in 1...12 {
                _ = try await Given.follower(n, of: leader, createdAt: .fixture + .seconds(Int64(n)), in: first)
            }
            let event = LeaderEvent.fixture(1, leader: leader)
            let attempts = try await Given.record(event, in: first, ids: SequentialIDs(prefix: "attempt"))

            let claims = try await withThrowingTaskGroup(of: [AttemptID].self) { group in
                for index in 0..<16 {
                    let store = index.isMultiple(of: 2) ? first : second
                    group.addTask {
                        try await store.claimAttempts(
                            owner: "worker-\(index)", now: event.detectedAt, leaseDuration: .seconds(30), limit: 1
                        ).map(\.id)
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(attempts.count == 12)
            #expect(claims.count == 12)
            #expect(Set(claims) == Set(attempts.map(\.id)))
            for id in claims {
                let stored = try await second.attempt(id: id)
                #expect(stored?.fencingToken == 1)
            }
        }
    }
}

/// Issue #21 item 5: the database, its `-wal` and `-shm` and their folder are private from creation.
@Suite struct SQLiteFileModeTests {
    func mode(_ path: String) throws -> Int {
        ((try FileManager.default.attributesOfItem(atPath: path))[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func theFolderIs0700AndTheDatabaseWALAndSHMAre0600() async throws {
        try await withTemporaryFolder { folder in
            let data = folder.appendingPathComponent("data")
            let path = data.appendingPathComponent("mirror.sqlite").path
            let store = try SQLiteStore.open(path: path, logger: .test)
            defer { try? store.close() }
            try store.migrate()
            try await store.insertUser(User.fixture(1))
            for file in [path, path + "-wal", path + "-shm"] {
                #expect(FileManager.default.fileExists(atPath: file), "\(file)")
                #expect(try self.mode(file) == 0o600, "\(file)")
            }
            #expect(try self.mode(data.path) == 0o700)
        }
    }

    @Test func anExistingWorldReadableDatabaseIsTightened() async throws {
        try await withTemporaryFolder { folder in
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
            let path = folder.appendingPathComponent("mirror.sqlite").path
            #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644]))
            let store = try SQLiteStore.open(path: path, logger: .test)
            try store.close()
            #expect(try self.mode(path) == 0o600)
            #expect(try self.mode(folder.path) == 0o700)
        }
    }
}
