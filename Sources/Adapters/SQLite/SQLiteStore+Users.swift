import GRDB
public import Kernel
import StoreSupport

extension SQLiteStore: UserStore {
    public func insertUser(_ user: User) async throws {
        try await self.write { db in
            try db.insert(
                into: "users",
                sql: "INSERT INTO users (id, external_id, login_address, created_at) VALUES (?, ?, ?, ?)",
                arguments: [user.id.rawValue, user.externalID, user.loginAddress?.lowercased, user.createdAt.sql],
                keys: ["id": user.id.rawValue, "external_id": user.externalID])
        }
    }

    public func user(id: UserID) async throws -> User? {
        try await self.read { db in
            try db.fetchOne("SELECT * FROM users WHERE id = ?", [id.rawValue], table: "users", User.init(row:))
        }
    }

    public func user(externalID: String) async throws -> User? {
        try await self.read { db in
            try db.fetchOne("SELECT * FROM users WHERE external_id = ?", [externalID], table: "users", User.init(row:))
        }
    }

    public func insertWallet(_ wallet: TradingWallet) async throws {
        try await self.write { db in
            try db.insert(
                into: "trading_wallets",
                sql: """
                    INSERT INTO trading_wallets (
                        id, user_id, type, signer_address, funder_address, trading_key_sealed, trading_key_version,
                        onboarding, api_key, api_secret_sealed, api_secret_key_version, api_passphrase_sealed,
                        api_passphrase_key_version, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    wallet.id.rawValue, wallet.userID.rawValue, wallet.type.rawValue, wallet.signerAddress.lowercased,
                    wallet.funderAddress.lowercased, wallet.sealedKey.sqlBytes, wallet.sealedKey.keyVersion,
                    wallet.onboarding.rawValue, wallet.apiKey, wallet.sealedAPISecret?.sqlBytes,
                    wallet.sealedAPISecret?.keyVersion, wallet.sealedAPIPassphrase?.sqlBytes,
                    wallet.sealedAPIPassphrase?.keyVersion, wallet.createdAt.sql, wallet.updatedAt.sql,
                ],
                keys: ["id": wallet.id.rawValue, "signer_address": wallet.signerAddress.lowercased])
        }
    }

    public func wallet(id: WalletID) async throws -> TradingWallet? {
        try await self.read { db in
            try db.fetchOne("SELECT * FROM trading_wallets WHERE id = ?", [id.rawValue], table: "trading_wallets",
                            TradingWallet.init(row:))
        }
    }

    public func wallets(userID: UserID) async throws -> [TradingWallet] {
        try await self.read { db in
            try db.fetch(
                "SELECT * FROM trading_wallets WHERE user_id = ? ORDER BY created_at, id", [userID.rawValue],
                table: "trading_wallets", TradingWallet.init(row:))
        }
    }

    public func wallets(after: WalletID?, limit: Int) async throws -> [TradingWallet] {
        try await self.read { db in
            try db.fetch("SELECT * FROM trading_wallets WHERE id > ? ORDER BY id LIMIT ?", [after?.rawValue ?? "", max(limit, 0)],
                         table: "trading_wallets", TradingWallet.init(row:))
        }
    }

    public func walletsToOnboard(limit: Int) async throws -> [TradingWallet] {
        try await self.read { db in
            try db.fetch("SELECT * FROM trading_wallets WHERE onboarding <> 'READY' ORDER BY created_at, id LIMIT ?",
                         [max(limit, 0)], table: "trading_wallets", TradingWallet.init(row:))
        }
    }

    public func advanceOnboarding(walletID: WalletID, from expected: WalletOnboarding, to next: WalletOnboarding,
                                  at time: Timestamp) async throws -> Bool {
        try await self.write { db in
            try db.update(
                sql: "UPDATE trading_wallets SET onboarding = ?, updated_at = ? WHERE id = ? AND onboarding = ?",
                arguments: [next.rawValue, time.sql, walletID.rawValue, expected.rawValue])
        }
    }

    public func setAPICredentials(walletID: WalletID, apiKey: String, sealedSecret: SealedSecret,
                                  sealedPassphrase: SealedSecret, at time: Timestamp) async throws {
        let updated = try await self.write { db in
            try db.update(
                sql: """
                    UPDATE trading_wallets
                    SET api_key = ?, api_secret_sealed = ?, api_secret_key_version = ?, api_passphrase_sealed = ?,
                        api_passphrase_key_version = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    apiKey, sealedSecret.sqlBytes, sealedSecret.keyVersion, sealedPassphrase.sqlBytes,
                    sealedPassphrase.keyVersion, time.sql, walletID.rawValue,
                ])
        }
        guard updated else { throw StoreError.notFound(entity: "trading_wallets", key: walletID.rawValue) }
    }

    public func wallets(sealedUnderOtherThan keyVersion: Int, limit: Int) async throws -> [TradingWallet] {
        try await self.read { db in
            try db.fetch(
                """
                SELECT * FROM trading_wallets
                WHERE trading_key_version <> ?1 OR api_secret_key_version <> ?1 OR api_passphrase_key_version <> ?1
                ORDER BY created_at, id
                LIMIT ?2
                """,
                [keyVersion, max(limit, 0)], table: "trading_wallets", TradingWallet.init(row:))
        }
    }

    public func resealWallet(walletID: WalletID, expected: SealedSecret, sealedKey: SealedSecret,
                             sealedAPISecret: SealedSecret?, sealedAPIPassphrase: SealedSecret?,
                             at time: Timestamp) async throws -> Bool {
        // A nil API seal leaves the stored one as it is.
        try await self.write { db in
            try db.update(
                sql: """
                    UPDATE trading_wallets
                    SET trading_key_sealed = ?, trading_key_version = ?,
                        api_secret_sealed = coalesce(?, api_secret_sealed),
                        api_secret_key_version = coalesce(?, api_secret_key_version),
                        api_passphrase_sealed = coalesce(?, api_passphrase_sealed),
                        api_passphrase_key_version = coalesce(?, api_passphrase_key_version),
                        updated_at = ?
                    WHERE id = ? AND trading_key_sealed = ? AND trading_key_version = ?
                    """,
                arguments: [
                    sealedKey.sqlBytes, sealedKey.keyVersion, sealedAPISecret?.sqlBytes, sealedAPISecret?.keyVersion,
                    sealedAPIPassphrase?.sqlBytes, sealedAPIPassphrase?.keyVersion, time.sql, walletID.rawValue,
                    expected.sqlBytes, expected.keyVersion,
                ])
        }
    }
}
