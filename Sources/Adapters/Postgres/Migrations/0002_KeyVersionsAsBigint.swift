extension PostgresMigration {
    /// Master-key versions are 32-bit fingerprints (0 … 2³²−1), which do not fit PostgreSQL's
    /// signed INTEGER: half of all master keys could not seal a wallet. BIGINT holds them all.
    static let keyVersionsAsBigint = PostgresMigration(
        version: 2,
        name: "key_versions_as_bigint",
        statements: [
            """
            ALTER TABLE trading_wallets
                ALTER COLUMN trading_key_version TYPE BIGINT,
                ALTER COLUMN api_secret_key_version TYPE BIGINT,
                ALTER COLUMN api_passphrase_key_version TYPE BIGINT
            """,
        ])
}
