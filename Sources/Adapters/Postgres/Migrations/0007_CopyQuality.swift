extension PostgresMigration {
    /// Copy quality (issue #22): what the drag arithmetic needs and nothing in the pipeline kept.
    /// - `copy_attempts.ideal_shares_units`: q*, the shares the sizing asked for at the leader's
    ///   price before caps, balance, minimums and step rounding (entries, when first decided);
    /// - `copy_attempts.decision_price_units`: p_d, the best price on the attempt's side of the
    ///   planner's book when first decided.
    /// - `copy_profiles.auto_pause_*`: the follow's auto-pause rule (drag limit in millionths of a
    ///   percent, slippage p90 limit in bps, window in copies; no window = no rule);
    ///   `paused_by_rule`: the rule broken when one paused the follow; `resumed_at`: the last move
    ///   to ENABLED, where an auto-pause window starts counting again; `twin_of`: the follow a
    ///   paper twin shadows (at most 3 per follow, checked under the parent row's lock).
    /// The attempt columns stay NULL on older rows: the quality read treats a missing q* as the filled shares and
    /// a missing p_d as the leader's price, so history never invents drag it cannot know.
    static let copyQuality = PostgresMigration(
        version: 7,
        name: "copy_quality",
        statements: [
            "ALTER TABLE copy_attempts ADD COLUMN ideal_shares_units BIGINT CHECK (ideal_shares_units >= 0)",
            "ALTER TABLE copy_attempts ADD COLUMN decision_price_units BIGINT CHECK (decision_price_units >= 0)",
            "ALTER TABLE copy_profiles ADD COLUMN auto_pause_max_drag_units BIGINT CHECK (auto_pause_max_drag_units >= 0)",
            "ALTER TABLE copy_profiles ADD COLUMN auto_pause_max_slippage_bps BIGINT",
            "ALTER TABLE copy_profiles ADD COLUMN auto_pause_window BIGINT CHECK (auto_pause_window > 0)",
            "ALTER TABLE copy_profiles ADD COLUMN paused_by_rule TEXT",
            "ALTER TABLE copy_profiles ADD COLUMN resumed_at TIMESTAMPTZ",
            "ALTER TABLE copy_profiles ADD COLUMN twin_of TEXT COLLATE \"C\" REFERENCES copy_profiles (id)",
            "CREATE INDEX copy_profiles_by_twin_of ON copy_profiles (twin_of) WHERE twin_of IS NOT NULL",
        ])
}
