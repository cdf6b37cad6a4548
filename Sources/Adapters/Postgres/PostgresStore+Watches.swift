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
}
