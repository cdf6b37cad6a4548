/// A person who signed in (through Dynamic.xyz in production, the dev sign-in locally).
public struct User: Hashable, Sendable, Codable {
    public var id: UserID
    /// The identity provider's subject (Dynamic user id), unique.
    public var externalID: String
    /// The wallet the user signed in with, if the provider gave one.
    public var loginAddress: WalletAddress?
    public var createdAt: Timestamp
    /// The account-wide event cap (issue #22): the most all the user's live follows together may
    /// have committed across every outcome market of one event; `nil`: none (`PATCH /me`).
    public var maxEventExposure: Collateral?

    public init(id: UserID, externalID: String, loginAddress: WalletAddress?, createdAt: Timestamp,
                maxEventExposure: Collateral? = nil) {
        self.id = id
        self.externalID = externalID
        self.loginAddress = loginAddress
        self.createdAt = createdAt
        self.maxEventExposure = maxEventExposure
    }
}

/// A value sealed by the key vault: ciphertext plus the version of the master key that sealed
/// it. Opaque to everything but the vault; its description never shows the bytes.
public struct SealedSecret: Hashable, Sendable, Codable, CustomStringConvertible {
    public var keyVersion: Int
    /// Nonce ‖ ciphertext ‖ tag, as the vault wrote them.
    public var ciphertext: [UInt8]

    public init(keyVersion: Int, ciphertext: [UInt8]) {
        self.keyVersion = keyVersion
        self.ciphertext = ciphertext
    }

    public var description: String { "SealedSecret(v\(self.keyVersion), \(self.ciphertext.count) bytes)" }
}

/// Polymarket's wallet kinds (spec §4): the signature type orders carry.
public enum WalletType: String, Hashable, Sendable, Codable, CaseIterable {
    case eoa = "EOA"
    case proxy = "PROXY"
    case safe = "SAFE"
    case depositWallet = "DEPOSIT_WALLET"

    /// The CLOB's `signatureType` field.
    public var signatureType: Int {
        switch self {
        case .eoa: 0
        case .proxy: 1
        case .safe: 2
        case .depositWallet: 3
        }
    }
}

/// Where a trading wallet is on its way to being usable; every step is idempotent.
public enum WalletOnboarding: String, Hashable, Sendable, Codable, CaseIterable {
    /// Key generated and sealed; funder address derived.
    case keyCreated = "KEY_CREATED"
    /// The wallet contract is deployed (not needed for EOA).
    case deployed = "DEPLOYED"
    /// Exchange approvals are set.
    case approved = "APPROVED"
    /// CLOB API credentials exist; the wallet can trade.
    case ready = "READY"
}

/// A custodial trading wallet: its sealed signing key, the signer (EOA) address and the funder
/// (the address that holds collateral — the deposit wallet, proxy or Safe; the EOA itself for EOA).
public struct TradingWallet: Hashable, Sendable, Codable {
    public var id: WalletID
    public var userID: UserID
    public var type: WalletType
    public var signerAddress: WalletAddress
    public var funderAddress: WalletAddress
    public var sealedKey: SealedSecret
    public var onboarding: WalletOnboarding
    /// CLOB L2 credentials: the key is an identifier, the secret and passphrase are sealed.
    public var apiKey: String?
    public var sealedAPISecret: SealedSecret?
    public var sealedAPIPassphrase: SealedSecret?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: WalletID, userID: UserID, type: WalletType = .depositWallet, signerAddress: WalletAddress,
        funderAddress: WalletAddress, sealedKey: SealedSecret, onboarding: WalletOnboarding = .keyCreated,
        apiKey: String? = nil, sealedAPISecret: SealedSecret? = nil, sealedAPIPassphrase: SealedSecret? = nil,
        createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.userID = userID
        self.type = type
        self.signerAddress = signerAddress
        self.funderAddress = funderAddress
        self.sealedKey = sealedKey
        self.onboarding = onboarding
        self.apiKey = apiKey
        self.sealedAPISecret = sealedAPISecret
        self.sealedAPIPassphrase = sealedAPIPassphrase
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A trader whose fills are copied.
public struct Leader: Hashable, Sendable, Codable {
    public var id: LeaderID
    public var address: WalletAddress
    public var label: String?
    /// Set once the leader's positions were seeded from one `/positions` snapshot.
    public var positionsSeededAt: Timestamp?
    public var createdAt: Timestamp

    public init(id: LeaderID, address: WalletAddress, label: String? = nil, positionsSeededAt: Timestamp? = nil,
                createdAt: Timestamp) {
        self.id = id
        self.address = address
        self.label = label
        self.positionsSeededAt = positionsSeededAt
        self.createdAt = createdAt
    }
}

/// One line of the operator-facing audit trail. `details` is plain text that must never hold a
/// secret.
public struct AuditEntry: Hashable, Sendable, Codable {
    public var id: AuditID
    /// Who acted: `admin`, `user:<id>`, `worker:<name>`, `system`.
    public var actor: String
    /// What happened, dotted: `admin.retry_relayer`, `profile.paused`, `ledger.mismatch`.
    public var action: String
    public var subjectType: String?
    public var subjectID: String?
    public var details: String
    public var createdAt: Timestamp

    public init(id: AuditID, actor: String, action: String, subjectType: String? = nil, subjectID: String? = nil,
                details: String = "", createdAt: Timestamp) {
        self.id = id
        self.actor = actor
        self.action = action
        self.subjectType = subjectType
        self.subjectID = subjectID
        self.details = details
        self.createdAt = createdAt
    }
}
