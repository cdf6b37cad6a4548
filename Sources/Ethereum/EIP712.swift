/// EIP-712 typed-data hashing (spec §3.5). Callers supply canonical type strings (primary
/// type first, referenced struct types after it sorted by name) and the field values in the
/// order of the type string.
public enum EIP712 {
    /// keccak256 of the type string.
    public static func typeHash(_ typeString: String) -> [UInt8] {
        Keccak256.hash(utf8: typeString)
    }

    /// One field of `encodeData` as a 32-byte word: atomic values as their ABI word,
    /// `bytes`/`string` as keccak256 of their contents, an array as keccak256 of its
    /// elements' words. A nested struct is passed as `.fixedBytes(hashStruct(…))`, which
    /// is also how an array of structs is built: `.array(structHashes.map(ABIValue.bytes32))`.
    public static func encodeField(_ value: ABIValue) throws -> [UInt8] {
        if let word = try value.staticWord() { return word }
        switch value {
        case .bytes(let bytes):
            return Keccak256.hash(bytes)
        case .string(let text):
            return Keccak256.hash(utf8: text)
        case .array(let elements):
            var words: [UInt8] = []
            words.reserveCapacity(32 * elements.count)
            for element in elements { words += try Self.encodeField(element) }
            return Keccak256.hash(words)
        case .tuple:
            throw EthereumError.invalidABIValue("a nested struct is encoded as .fixedBytes(hashStruct(…))")
        case .uint, .address, .bool, .fixedBytes:
            preconditionFailure("static values are encoded by staticWord()")
        }
    }

    /// hashStruct = keccak256(typeHash ‖ encodeData(fields)).
    public static func hashStruct(typeHash: [UInt8], fields: [ABIValue]) throws -> [UInt8] {
        var data = typeHash
        data.reserveCapacity(32 * (fields.count + 1))
        for field in fields { data += try Self.encodeField(field) }
        return Keccak256.hash(data)
    }

    /// hashStruct with the type hash computed from `typeString`.
    public static func hashStruct(typeString: String, fields: [ABIValue]) throws -> [UInt8] {
        try Self.hashStruct(typeHash: Self.typeHash(typeString), fields: fields)
    }

    /// keccak256(0x19 0x01 ‖ domainSeparator ‖ structHash): the digest that gets signed.
    public static func digest(domainSeparator: [UInt8], structHash: [UInt8]) -> [UInt8] {
        Keccak256.hash([0x19, 0x01] + domainSeparator + structHash)
    }

    public static func digest(domain: Domain, structHash: [UInt8]) -> [UInt8] {
        Self.digest(domainSeparator: domain.separator, structHash: structHash)
    }

    /// An `EIP712Domain` with only the fields that are present; its type string lists them in
    /// the canonical order name, version, chainId, verifyingContract, salt.
    public struct Domain: Sendable, Hashable {
        public var name: String?
        public var version: String?
        public var chainId: UInt256?
        public var verifyingContract: Address?
        /// 32 bytes when present.
        public private(set) var salt: [UInt8]?

        public init(name: String? = nil, version: String? = nil, chainId: UInt256? = nil,
                    verifyingContract: Address? = nil) {
            self.name = name
            self.version = version
            self.chainId = chainId
            self.verifyingContract = verifyingContract
        }

        /// With a `bytes32 salt`; throws unless `salt` has 32 bytes.
        public init(name: String? = nil, version: String? = nil, chainId: UInt256? = nil,
                    verifyingContract: Address? = nil, salt: [UInt8]) throws {
            guard salt.count == 32 else { throw EthereumError.invalidLength(expected: 32, actual: salt.count) }
            self.init(name: name, version: version, chainId: chainId, verifyingContract: verifyingContract)
            self.salt = salt
        }

        /// The present fields in canonical order, each with its encodeData word.
        private var members: [(declaration: String, word: [UInt8])] {
            var members: [(String, [UInt8])] = []
            if let name { members.append(("string name", Keccak256.hash(utf8: name))) }
            if let version { members.append(("string version", Keccak256.hash(utf8: version))) }
            if let chainId { members.append(("uint256 chainId", chainId.bigEndianBytes)) }
            if let verifyingContract { members.append(("address verifyingContract", verifyingContract.word)) }
            if let salt { members.append(("bytes32 salt", salt)) }
            return members
        }

        /// For example `EIP712Domain(string name,uint256 chainId)`.
        public var typeString: String {
            "EIP712Domain(" + self.members.map(\.declaration).joined(separator: ",") + ")"
        }

        /// hashStruct of the domain.
        public var separator: [UInt8] {
            let members = self.members
            let typeString = "EIP712Domain(" + members.map(\.declaration).joined(separator: ",") + ")"
            return Keccak256.hash(members.reduce(EIP712.typeHash(typeString)) { $0 + $1.word })
        }
    }
}
