import Foundation
import Kernel
import KeyVaultAdapter
import Logging

extension AESKeyVault {
    /// The vault under `TRADING_KEY_ENCRYPTION_KEY` (and `…_PREVIOUS` while a rotation runs).
    /// In local mode only, a missing key is generated into the data folder with a loud warning.
    static func make(configuration: MirrorConfiguration, logger: Logger) throws -> AESKeyVault {
        let previous = try configuration.previousTradingKeyEncryptionKey.map {
            try MasterKey.parse($0, variable: .tradingKeyEncryptionKeyPrevious)
        }
        if let key = configuration.tradingKeyEncryptionKey {
            return AESKeyVault(current: try MasterKey.parse(key, variable: .tradingKeyEncryptionKey),
                               previous: previous.map { [$0] } ?? [])
        }
        guard configuration.mode == .local else {
            throw ConfigurationError(.tradingKeyEncryptionKey, "is required in production mode")
        }
        if case .memory = configuration.database {
            // Nothing outlives the process with an in-memory store, so neither need its key.
            logger.warning("TRADING_KEY_ENCRYPTION_KEY is not set: using a throwaway master key for the in-memory store")
            return AESKeyVault(current: try MasterKey(hex: MasterKey.generateHex()))
        }
        let path = configuration.dataFolder.appendingPathComponent("master.key").path
        let (key, created) = try MasterKey.loadOrCreate(at: path)
        logger.warning(
            """
            TRADING_KEY_ENCRYPTION_KEY is not set: \(created ? "generated a new" : "using the generated") local master \
            key at \(path). Local mode only — losing that file loses every trading key sealed with it.
            """)
        return AESKeyVault(current: key)
    }
}

extension MasterKey {
    static func parse(_ secret: Secret, variable: ConfigVariable) throws -> MasterKey {
        do {
            return try MasterKey(hex: secret.revealed, variable: variable.rawValue)
        } catch {
            throw ConfigurationError(variable, error.problem)
        }
    }
}

extension MirrorConfiguration {
    /// Where local files live: beside the SQLite database, else `./data`.
    var dataFolder: URL {
        switch self.database {
        case .sqlite(let path): URL(fileURLWithPath: path).deletingLastPathComponent()
        case .memory, .postgres: URL(fileURLWithPath: "data")
        }
    }
}
