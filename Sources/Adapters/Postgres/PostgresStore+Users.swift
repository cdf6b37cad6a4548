public import Kernel
import PostgresNIO
import StoreSupport

extension PostgresStore: UserStore {
    public func insertUser(_ user: User) async throws {
        try await self.read { db in
            try await db.execute(
                """
                INSERT INTO users (id, external_id, login_address, created_at)
                VALUES (\(user.id.rawValue), \(user.externalID), \(user.loginAddress?.lowercased), \(user.createdAt.pg))
                """, logger: self.logger)
        }
    }

    public func user(id: UserID) async throws -> User? {
        try await self.read { db in
            try await db.fetchOne("SELECT * FROM users WHERE id = \(id.rawValue)", table: "users", logger: self.logger,
                                  User.init(row:))
        }
    }

    public func user(externalID: String) async throws -> User? {
        try await self.read { db in
            try await db.fetchOne("SELECT * FROM users WHERE external_id = \(externalID)", table: "users",
                                  logger: self.logger, User.init(row:))
        }
    }

    public func insertWallet(_ wallet: TradingWallet) async throws {
        try await self.read { db in
            try await db.execute(
                """
                INSERT INTO trading_wallets (
                    id, user_id, type, signer_address, funder_address, trading_key_sealed, trading_key_version,
                    onboarding, api_key, api_secret_sealed, api_secret_key_version, api_passphrase_sealed,
                    api_passphrase_key_version, created_at, updated_at)
                VALUES (
                    \(wallet.id.rawValue), \(wallet.userID.rawValue), \(wallet.type.rawValue),
                    \(wallet.signerAddress.lowercased), \(wallet.funderAddress.lowercased), \(wallet.sealedKey.pgBytes),
                    \(wallet.sealedKey.keyVersion), \(wallet.onboarding.rawValue), \(wallet.apiKey),
                    \(wallet.sealedAPISecret?.pgBytes), \(wallet.sealedAPISecret?.keyVersion),
                    \(wallet.sealedAPIPassphrase?.pgBytes), \(wallet.sealedAPIPassphrase?.keyVersion),
                    \(wallet.createdAt.pg), \(wallet.updatedAt.pg))
                """, logger: self.logger)
        }
    }

    public func wallet(id: WalletID) async throws -> TradingWallet? {
        try await self.read { db in
            try await db.fetchOne("SELECT * FROM trading_wallets WHERE id = \(id.rawValue)", table: "trading_wallets",
                                  logger: self.logger, TradingWallet.init(row:))
        }
    }

    public func wallets(userID: UserID) async throws -> [TradingWallet] {
        try await self.read { db in
            try await db.fetch(
                "SELECT * FROM trading_wallets WHERE user_id = \(userID.rawValue) ORDER BY created_at, id",
                table: "trading_wallets", logger: self.logger, TradingWallet.init(row:))
        }
    }

    public func wallets(after: WalletID?, limit: Int) async throws -> [TradingWallet] {
        try await self.read { db in
            try await db.fetch(
                "SELECT * FROM trading_wallets WHERE id > \(after?.rawValue ?? "") ORDER BY id LIMIT \(max(limit, 0))",
                table: "trading_wallets", logger: self.logger, TradingWallet.init(row:))
        }
    }

    public func walletsToOnboard(limit: Int) async throws -> [TradingWallet] {
        try await self.read { db in
            try await db.fetch(
                "SELECT * FROM trading_wallets WHERE onboarding <> 'READY' ORDER BY created_at, id LIMIT \(max(limit, 0))",
                table: "trading_wallets", logger: self.logger, TradingWallet.init(row:))
        }
    }

    public func advanceOnboarding(walletID: WalletID, from expected: WalletOnboarding, to next: WalletOnboarding,
                                  at time: Timestamp) async throws -> Bool {
        try await self.read { db in
            try await db.execute(
                """
                UPDATE trading_wallets SET onboarding = \(next.rawValue), updated_at = \(time.pg)
                WHERE id = \(walletID.rawValue) AND onboarding = \(expected.rawValue)
                RETURNING 1
                """, logger: self.logger) > 0
        }
    }

    public func setAPICredentials(walletID: WalletID, apiKey: String, sealedSecret: SealedSecret,
                                  sealedPassphrase: SealedSecret, at time: Timestamp) async throws {
        let updated = try await self.read { db in
            try await db.execute(
                """
                UPDATE trading_wallets
                SET api_key = \(apiKey), api_secret_sealed = \(sealedSecret.pgBytes),
                    api_secret_key_version = \(sealedSecret.keyVersion),
                    api_passphrase_sealed = \(sealedPassphrase.pgBytes),
                    api_passphrase_key_version = \(sealedPassphrase.keyVersion), updated_at = \(time.pg)
                WHERE id = \(walletID.rawValue)
                RETURNING 1
                """, logger: self.logger) > 0
        }
        guard updated else { throw StoreError.notFound(entity: "trading_wallets", key: walletID.rawValue) }
    }

    public func wallets(sealedUnderOtherThan keyVersion: Int, limit: Int) async throws -> [TradingWallet] {
        try await self.read { db in
            try await db.fetch(
                """
                SELECT * FROM trading_wallets
                WHERE trading_key_version <> \(keyVersion) OR api_secret_key_version <> \(keyVersion)
                   OR api_passphrase_key_version <> \(keyVersion)
                ORDER BY created_at, id
                LIMIT \(max(limit, 0))
                """, table: "trading_wallets", logger: self.logger, TradingWallet.init(row:))
        }
    }

    public func resealWallet(walletID: WalletID, expected: SealedSecret, sealedKey: SealedSecret,
                             sealedAPISecret: SealedSecret?, sealedAPIPassphrase: SealedSecret?,
                             at time: Timestamp) async throws -> Bool {
        // A nil API seal leaves the stored one as it is.
        try await self.read { db in
            try await db.execute(
                """
                UPDATE trading_wallets
                SET trading_key_sealed = \(sealedKey.pgBytes), trading_key_version = \(sealedKey.keyVersion),
                    api_secret_sealed = coalesce(\(sealedAPISecret?.pgBytes), api_secret_sealed),
                    api_secret_key_version = coalesce(\(sealedAPISecret?.keyVersion), api_secret_key_version),
                    api_passphrase_sealed = coalesce(\(sealedAPIPassphrase?.pgBytes), api_passphrase_sealed),
                    api_passphrase_key_version = coalesce(\(sealedAPIPassphrase?.keyVersion), api_passphrase_key_version),
                    updated_at = \(time.pg)
                WHERE id = \(walletID.rawValue) AND trading_key_sealed = \(expected.pgBytes)
                  AND trading_key_version = \(expected.keyVersion)
                RETURNING 1
                """, logger: self.logger) > 0
        }
    }
}
