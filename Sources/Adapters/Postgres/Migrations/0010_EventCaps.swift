extension PostgresMigration {
    /// Event-level exposure caps (issue #22):
    /// - `copy_profiles.max_per_event_units`: the most a follow may have committed (cost basis plus
    ///   open buys) across every outcome market of one event, in USDC base units; NULL: no cap.
    /// - `copy_attempts.skip_reason` may be `EVENT_CAP_REACHED`: the check is replaced NOT VALID
    ///   and then validated, so the scan of existing rows does not block writes.
    static let eventCaps = PostgresMigration(
        version: 10,
        name: "event_caps",
        statements: [
            "ALTER TABLE copy_profiles ADD COLUMN max_per_event_units BIGINT CHECK (max_per_event_units >= 0)",
            """
            ALTER TABLE copy_attempts DROP CONSTRAINT copy_attempts_skip_reason_check,
                ADD CONSTRAINT copy_attempts_skip_reason_check CHECK (skip_reason IN (
                    'PROFILE_NOT_ACTIVE', 'FILL_TOO_OLD', 'LEADER_NOTIONAL_TOO_SMALL', 'MARKET_CLOSED',
                    'MARKET_RESOLVING_SOON', 'UNSUPPORTED_MARKET', 'PRICE_OUT_OF_BAND', 'SLIPPAGE_TOO_HIGH',
                    'INSUFFICIENT_DEPTH', 'CAP_REACHED', 'EVENT_CAP_REACHED', 'INSUFFICIENT_BALANCE',
                    'BELOW_EXCHANGE_MINIMUM', 'NOTHING_TO_SELL')) NOT VALID
            """,
            "ALTER TABLE copy_attempts VALIDATE CONSTRAINT copy_attempts_skip_reason_check",
        ])
}
