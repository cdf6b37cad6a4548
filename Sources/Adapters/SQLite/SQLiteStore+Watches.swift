import GRDB
public import Kernel
import StoreSupport

extension SQLiteStore: WatchListStore {
    public func watchLeader(_ watch: LeaderWatch, limit: Int) async throws -> WatchOutcome {
        try await self.write { db in
            if let existing = try db.fetchOne("SELECT * FROM leader_watches WHERE user_id = ? AND leader_id = ?",
                                              [watch.userID.rawValue, watch.leaderID.rawValue], table: "leader_watches",
                                              LeaderWatch.init(row:)) {
                return .existing(existing)
            }
            let count = try Int.fetchOne(db, sql: FundsSQL.leadersOfUser("?", "?"),
                                         arguments: [watch.userID.rawValue, watch.userID.rawValue]) ?? 0
            let followed = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM copy_profiles WHERE user_id = ? AND leader_id = ? AND status <> 'STOPPED'",
                arguments: [watch.userID.rawValue, watch.leaderID.rawValue]) ?? false
            // A leader the user already follows is already counted.
            guard followed || count < limit else { return .overLimit(limit: limit) }
            try db.insert(
                into: "leader_watches",
                sql: "INSERT INTO leader_watches (user_id, leader_id, label, created_at) VALUES (?, ?, ?, ?)",
                arguments: [watch.userID.rawValue, watch.leaderID.rawValue, watch.label, watch.createdAt.sql],
                keys: ["leader_id": watch.leaderID.rawValue])
            return .added(watch)
        }
    }

    public func leaderWatches(userID: UserID) async throws -> [LeaderWatch] {
        try await self.read { db in
            try db.fetch("SELECT * FROM leader_watches WHERE user_id = ? ORDER BY leader_id", [userID.rawValue],
                         table: "leader_watches", LeaderWatch.init(row:))
        }
    }
}
