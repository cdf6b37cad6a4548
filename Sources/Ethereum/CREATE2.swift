/// Addresses of contracts deployed with CREATE2, as wallet factories do (spec §4.1).
public enum CREATE2 {
    /// last20(keccak256(0xff ‖ deployer ‖ salt ‖ initCodeHash)); `salt` and `initCodeHash`
    /// must be 32 bytes each.
    public static func address(deployer: Address, salt: [UInt8], initCodeHash: [UInt8]) throws -> Address {
        guard salt.count == 32 else { throw EthereumError.invalidLength(expected: 32, actual: salt.count) }
        guard initCodeHash.count == 32 else {
            throw EthereumError.invalidLength(expected: 32, actual: initCodeHash.count)
        }
        let hash = Keccak256.hash([0xff] + deployer.bytes + salt + initCodeHash)
        return Address(uncheckedBytes: Array(hash.suffix(20)))
    }

    /// The same with the init code itself, hashed here.
    public static func address(deployer: Address, salt: [UInt8], initCode: [UInt8]) throws -> Address {
        try Self.address(deployer: deployer, salt: salt, initCodeHash: Keccak256.hash(initCode))
    }
}
