public import Ethereum

/// Where the smart wallets of an EOA live: every Polymarket wallet is deployed with CREATE2, so
/// its address follows from the owner alone and can be known (and funded) before it exists
/// (spec §4.1).
public struct WalletDerivation: Sendable, Hashable {
    /// The two clone layouts a deposit wallet can have; both share one salt.
    public enum DepositWalletShape: Sendable, Hashable, CaseIterable {
        /// ERC-1967 beacon proxy: every wallet created since the factory upgrade.
        case beacon
        /// ERC-1967 UUPS proxy: wallets created before the upgrade.
        case uups
    }

    public let proxyFactory: Address
    /// keccak256 of the proxy wallet's init code; 32 bytes.
    public let proxyInitCodeHash: [UInt8]
    public let safeFactory: Address
    /// keccak256 of the Safe's init code; 32 bytes.
    public let safeInitCodeHash: [UInt8]
    public let depositWalletFactory: Address
    public let depositWalletImplementation: Address
    public let depositWalletBeacon: Address

    /// Polymarket's factories on Polygon (spec §2.1).
    public static let polygon = WalletDerivation(
        uncheckedProxyFactory: Contracts.proxyWalletFactory,
        proxyInitCodeHash: Self.constantHash("d21df8dc65880a8606f09fe0ce3df9b8869287ab0b058be05aa9e8af6330a00b"),
        safeFactory: Contracts.safeFactory,
        safeInitCodeHash: Self.constantHash("2bce2127ff07fb632d16c8347c4ebf501f4841168bed00d9e6ef715ddb6fcecf"),
        depositWalletFactory: Contracts.depositWalletFactory,
        depositWalletImplementation: Contracts.depositWalletImplementation,
        depositWalletBeacon: Contracts.depositWalletBeacon)

    /// Throws ``EthereumError/invalidLength(expected:actual:)`` unless both hashes have 32 bytes.
    public init(
        proxyFactory: Address, proxyInitCodeHash: [UInt8], safeFactory: Address, safeInitCodeHash: [UInt8],
        depositWalletFactory: Address, depositWalletImplementation: Address, depositWalletBeacon: Address
    ) throws {
        for hash in [proxyInitCodeHash, safeInitCodeHash] where hash.count != 32 {
            throw EthereumError.invalidLength(expected: 32, actual: hash.count)
        }
        self.init(
            uncheckedProxyFactory: proxyFactory, proxyInitCodeHash: proxyInitCodeHash, safeFactory: safeFactory,
            safeInitCodeHash: safeInitCodeHash, depositWalletFactory: depositWalletFactory,
            depositWalletImplementation: depositWalletImplementation, depositWalletBeacon: depositWalletBeacon)
    }

    private init(
        uncheckedProxyFactory proxyFactory: Address, proxyInitCodeHash: [UInt8], safeFactory: Address,
        safeInitCodeHash: [UInt8], depositWalletFactory: Address, depositWalletImplementation: Address,
        depositWalletBeacon: Address
    ) {
        self.proxyFactory = proxyFactory
        self.proxyInitCodeHash = proxyInitCodeHash
        self.safeFactory = safeFactory
        self.safeInitCodeHash = safeInitCodeHash
        self.depositWalletFactory = depositWalletFactory
        self.depositWalletImplementation = depositWalletImplementation
        self.depositWalletBeacon = depositWalletBeacon
    }

    // MARK: Proxy wallet and Safe

    /// keccak256 of the owner's 20 raw bytes (`abi.encodePacked(owner)`).
    public static func proxySalt(owner: Address) -> [UInt8] {
        Keccak256.hash(owner.bytes)
    }

    /// keccak256 of the owner left-padded to 32 bytes (`abi.encode(owner)`).
    public static func safeSalt(owner: Address) -> [UInt8] {
        Keccak256.hash(owner.word)
    }

    /// The Polymarket proxy wallet (signature type 1) of `owner`.
    public func proxyWallet(owner: Address) -> Address {
        Self.create2(deployer: self.proxyFactory, salt: Self.proxySalt(owner: owner), initCodeHash: self.proxyInitCodeHash)
    }

    /// The 1-of-1 Gnosis Safe (signature type 2) of `owner`.
    public func safe(owner: Address) -> Address {
        Self.create2(deployer: self.safeFactory, salt: Self.safeSalt(owner: owner), initCodeHash: self.safeInitCodeHash)
    }

    // MARK: Deposit wallet

    /// `abi.encode(address factory, bytes32 walletId)` with walletId = the owner left-padded:
    /// the 64 bytes appended to the clone's init code, and the preimage of its salt.
    public func depositWalletArguments(owner: Address) -> [UInt8] {
        self.depositWalletFactory.word + owner.word
    }

    public func depositWalletSalt(owner: Address) -> [UInt8] {
        Keccak256.hash(self.depositWalletArguments(owner: owner))
    }

    /// The clone's creation code: a 10-byte header carrying the arguments' length, the
    /// implementation or beacon address, the fixed ERC-1967 proxy code, then the arguments.
    public func depositWalletInitCode(owner: Address, shape: DepositWalletShape) -> [UInt8] {
        let arguments = self.depositWalletArguments(owner: owner)
        switch shape {
        case .beacon:
            return Self.cloneHeader(prefix: Self.beaconPrefix, argumentsLength: arguments.count)
                + self.depositWalletBeacon.bytes + Self.beaconCode + arguments
        case .uups:
            return Self.cloneHeader(prefix: Self.uupsPrefix, argumentsLength: arguments.count)
                + self.depositWalletImplementation.bytes + Self.uupsCode + arguments
        }
    }

    public func depositWalletInitCodeHash(owner: Address, shape: DepositWalletShape) -> [UInt8] {
        Keccak256.hash(self.depositWalletInitCode(owner: owner, shape: shape))
    }

    /// The deposit wallet (signature type 3) of `owner` in the given shape. Which shape an owner
    /// actually has depends on chain state (spec §4.1): new owners get ``DepositWalletShape/beacon``,
    /// unless the UUPS address already has code.
    public func depositWallet(owner: Address, shape: DepositWalletShape) -> Address {
        Self.create2(
            deployer: self.depositWalletFactory, salt: self.depositWalletSalt(owner: owner),
            initCodeHash: self.depositWalletInitCodeHash(owner: owner, shape: shape))
    }

    /// The wallet type of `wallet` for `owner`, by the SDK's rule: the owner itself is an EOA;
    /// then the deposit wallets, the proxy wallet and the Safe; any other wallet is assumed to be
    /// a deposit wallet operated by a session key.
    public func signatureType(owner: Address, wallet: Address) -> SignatureType {
        if wallet == owner { return .eoa }
        if DepositWalletShape.allCases.contains(where: { self.depositWallet(owner: owner, shape: $0) == wallet }) {
            return .poly1271
        }
        if wallet == self.proxyWallet(owner: owner) { return .polyProxy }
        if wallet == self.safe(owner: owner) { return .polyGnosisSafe }
        return .poly1271
    }

    // MARK: Clone code (solady's ERC-1967 clones with immutable arguments)

    private static let uupsPrefix: [UInt8] = [0x61, 0x00, 0x3D, 0x3D, 0x81, 0x60, 0x23, 0x3D, 0x39, 0x73]
    private static let uupsCode = Self.constantBytes(
        "6009"
            + "5155f3363d3d373d3d363d7f360894a13ba1a3210667c828492db98dca3e2076"
            + "cc3735a920a3ca505d382bbc545af43d6000803e6038573d6000fd5b3d6000f3")
    private static let beaconPrefix: [UInt8] = [0x61, 0x00, 0x52, 0x3D, 0x81, 0x60, 0x23, 0x3D, 0x39, 0x73]
    private static let beaconCode = Self.constantBytes(
        "60195155f3363d3d373d3d363d602036600436635c60da"
            + "1b60e01b36527fa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6c"
            + "b3582b35133d50545afa5036515af43d6000803e604d573d6000fd5b3d6000f3")

    /// `bytes10(prefix + (argumentsLength << 56))`: the length lands in bytes 1–2 of the header.
    private static func cloneHeader(prefix: [UInt8], argumentsLength: Int) -> [UInt8] {
        var header = prefix
        let low = Int(header[2]) + (argumentsLength & 0xff)
        header[2] = UInt8(truncatingIfNeeded: low)
        header[1] = UInt8(truncatingIfNeeded: Int(header[1]) + (argumentsLength >> 8) + (low >> 8))
        return header
    }

    private static func create2(deployer: Address, salt: [UInt8], initCodeHash: [UInt8]) -> Address {
        do {
            return try CREATE2.address(deployer: deployer, salt: salt, initCodeHash: initCodeHash)
        } catch {
            preconditionFailure("CREATE2 refused a 32-byte salt and hash: \(error)")
        }
    }

    private static func constantHash(_ hex: String) -> [UInt8] {
        let bytes = Self.constantBytes(hex)
        precondition(bytes.count == 32, "init code hash constant is not 32 bytes")
        return bytes
    }

    private static func constantBytes(_ hex: String) -> [UInt8] {
        do {
            return try Hex.decode(hex)
        } catch {
            preconditionFailure("hex constant \(hex) does not decode")
        }
    }
}
