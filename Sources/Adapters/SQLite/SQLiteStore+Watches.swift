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

    public func leaderInterests() async throws -> [LeaderID: LeaderInterest] {
        try await self.read { db in
            var interests: [LeaderID: LeaderInterest] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT l.id AS leader_id,
                       EXISTS (SELECT 1 FROM copy_profiles p WHERE p.leader_id = l.id AND p.status <> 'STOPPED') AS followed,
                       EXISTS (SELECT 1 FROM copy_profiles p JOIN positions pos ON pos.profile_id = p.id
                               WHERE p.leader_id = l.id AND pos.shares_units > 0) AS holding,
                       EXISTS (SELECT 1 FROM leader_watches w WHERE w.leader_id = l.id) AS watched
                FROM leaders l
                """) {
                let interest = LeaderInterest(followed: row["followed"], holding: row["holding"], watched: row["watched"])
                if interest != LeaderInterest() { interests[LeaderID(row["leader_id"] as String)] = interest }
            }
            return interests
        }
    }
}
