package import Kernel

/// The statements of the account-wide event cap (issue #22), the same text on both SQL stores.
/// `users` is the condition on a user id each store splices in (`IN (?, …)` on SQLite,
/// `= ANY($1)` on PostgreSQL); `event` the one parameter of an event id.
package enum EventCapSQL {
    /// The caps of the users that have one.
    package static func caps(users: String) -> String {
        "SELECT id, max_event_exposure_units FROM users WHERE id \(users) AND max_event_exposure_units IS NOT NULL"
    }

    /// What the users' live follows have committed (``EventCommitment``): every position with a
    /// cost basis (`cost_units`) and every open live BUY (as ``OpenBuy`` reads it), with its user
    /// and token.
    package static func committed(users: String) -> String {
        """
        SELECT c.user_id, p.token_id, p.cost_basis_units AS cost_units, CAST(NULL AS TEXT) AS id,
            CAST(NULL AS BIGINT) AS limit_price_units, CAST(NULL AS BIGINT) AS shares_units,
            CAST(NULL AS BIGINT) AS filled_shares_units
        FROM positions p JOIN copy_profiles c ON c.id = p.profile_id
        WHERE c.user_id \(users) AND c.mode = 'LIVE' AND p.cost_basis_units > 0
        UNION ALL
        SELECT c.user_id, o.token_id, NULL, o.id, o.limit_price_units, o.shares_units, o.filled_shares_units
        FROM orders o JOIN copy_profiles c ON c.id = o.profile_id
        WHERE c.user_id \(users) AND c.mode = 'LIVE' AND o.side = 'BUY' AND NOT o.paper
            AND o.\(Order.Status.openCondition)
        """
    }

    /// One row of ``committed(users:)``: its user, token and share.
    package static func commitment(_ row: some StoredRow) throws -> (UserID, TokenID, Collateral) {
        let share = if let cost = try row.optionalUnits(Collateral.self, "cost_units") {
            cost
        } else {
            EventCommitment.of(try OpenBuy(row: row))
        }
        return (try row.id("user_id"), try row.tokenID("token_id"), share)
    }

    /// The rows of ``committed(users:)`` summed per user and token.
    package static func summed(_ rows: [(UserID, TokenID, Collateral)]) -> [UserID: [TokenID: Collateral]] {
        var committed: [UserID: [TokenID: Collateral]] = [:]
        for (user, token, share) in rows { committed[user, default: [:]][token, default: .zero] += share }
        return committed
    }

    /// The tokens recorded in an event.
    package static func recorded(event: String) -> String {
        "SELECT token_id FROM token_events WHERE event_id = \(event)"
    }

    /// Records a token's event (the latest step's word wins); parameters token, then event.
    package static func record(token: String, event: String) -> String {
        """
        INSERT INTO token_events (token_id, event_id) VALUES (\(token), \(event))
        ON CONFLICT (token_id) DO UPDATE SET event_id = excluded.event_id
        """
    }
}
