public import Kernel
import PostgresNIO
import StoreSupport

extension PostgresStore: WatchListStore {
    public func watchLeader(_ watch: LeaderWatch, limit: Int) async throws -> WatchOutcome {
        try await self.transaction { db in
            // The user's row lock orders concurrent additions of one user, so the count holds.
            _ = try await db.execute("SELECT 1 FROM users WHERE id = \(watch.userID.rawValue) FOR UPDATE", logger: self.logger)
            if let existing = try await db.fetchOne(
                "SELECT * FROM leader_watches WHERE user_id = \(watch.userID.rawValue) AND leader_id = \(watch.leaderID.rawValue)",
                table: "leader_watches", logger: self.logger, LeaderWatch.init(row:)) {
                return .existing(existing)
            }
            var binds = PostgresBindings()
            binds.append(watch.userID.rawValue)
            let count = try await db.fetchOne(
                PostgresQuery(unsafeSQL: FundsSQL.leadersOfUser("$1", "$1"), binds: binds), table: "leader_watches",
                logger: self.logger) { row in try row.integer("total") } ?? 0
            let followed = try await db.execute(
                """
                SELECT 1 FROM copy_profiles WHERE user_id = \(watch.userID.rawValue)
                    AND leader_id = \(watch.leaderID.rawValue) AND status <> 'STOPPED' LIMIT 1
                """, logger: self.logger) > 0
            guard followed || count < limit else { return .overLimit(limit: limit) }
            try await db.execute(
                """
                INSERT INTO leader_watches (user_id, leader_id, label, created_at)
                VALUES (\(watch.userID.rawValue), \(watch.leaderID.rawValue), \(watch.label), \(watch.createdAt.pg))
                """, logger: self.logger)
            return .added(watch)
        }
    }

    public func leaderWatches(userID: UserID) async throws -> [LeaderWatch] {
        try await self.read { db in
            try await db.fetch("SELECT * FROM leader_watches WHERE user_id = \(userID.rawValue) ORDER BY leader_id",
                               table: "leader_watches", logger: self.logger, LeaderWatch.init(row:))
        }
    }

    public func leaderInterests() async throws -> [LeaderID: LeaderInterest] {
        try await self.read { db in
            let rows = try await db.fetch("""
                SELECT l.id AS leader_id,
                       EXISTS (SELECT 1 FROM copy_profiles p WHERE p.leader_id = l.id AND p.status <> 'STOPPED') AS followed,
                       EXISTS (SELECT 1 FROM copy_profiles p JOIN positions pos ON pos.profile_id = p.id
                               WHERE p.leader_id = l.id AND pos.shares_units > 0) AS holding,
                       EXISTS (SELECT 1 FROM leader_watches w WHERE w.leader_id = l.id) AS watched
                FROM leaders l
                """, table: "leaders", logger: self.logger) { row in
                (LeaderID(try row.text("leader_id")),
                 LeaderInterest(followed: try row.bool("followed"), holding: try row.bool("holding"), watched: try row.bool("watched")))
            }
            return Dictionary(rows.filter { $0.1 != LeaderInterest() }, uniquingKeysWith: { first, _ in first })
        }
    }
}
