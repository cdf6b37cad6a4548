extension SQLiteMigration {
    /// The batch copy pipeline (issue #18):
    /// - `copy_attempts.condition_id`: the attempt's market, recorded once when it is created
    ///   (from its leader event, or the position a close-out sells), filled in here for existing
    ///   rows the same way;
    /// - `copy_attempts.fanout_place`: the attempt's place in its fan-out's shuffled order, the
    ///   order in which followers of one fill were sized against the shared book.
    static let copyPipeline = SQLiteMigration(
        version: 4,
        name: "copy_pipeline",
        statements: [
            "ALTER TABLE copy_attempts ADD COLUMN condition_id TEXT",
            "ALTER TABLE copy_attempts ADD COLUMN fanout_place INTEGER CHECK (fanout_place >= 0)",
            """
            UPDATE copy_attempts SET condition_id = (
                SELECT condition_id FROM leader_events WHERE leader_events.id = copy_attempts.leader_event_id)
            WHERE leader_event_id IS NOT NULL
            """,
            """
            UPDATE copy_attempts SET condition_id = (
                SELECT condition_id FROM positions
                WHERE positions.profile_id = copy_attempts.profile_id AND positions.token_id = copy_attempts.token_id)
            WHERE leader_event_id IS NULL
            """,
        ])
}
