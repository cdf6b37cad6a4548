extension PostgresMigration {
    /// Copy quality (issue #22): what the drag arithmetic needs and nothing in the pipeline kept.
    /// - `copy_attempts.ideal_shares_units`: q*, the shares the sizing asked for at the leader's
    ///   price before caps, balance, minimums and step rounding (entries, when first decided);
    /// - `copy_attempts.decision_price_units`: p_d, the best price on the attempt's side of the
    ///   planner's book when first decided.
    /// Both stay NULL on older rows: the quality read treats a missing q* as the filled shares and
    /// a missing p_d as the leader's price, so history never invents drag it cannot know.
    static let copyQuality = PostgresMigration(
        version: 7,
        name: "copy_quality",
        statements: [
            "ALTER TABLE copy_attempts ADD COLUMN ideal_shares_units BIGINT CHECK (ideal_shares_units >= 0)",
            "ALTER TABLE copy_attempts ADD COLUMN decision_price_units BIGINT CHECK (decision_price_units >= 0)",
        ])
}
