import Ethereum
import FakeExchangeAdapter
import Hummingbird
import PolymarketProtocol

/// Decodes the calldata of relayed wallet transactions into the calls the venue understands:
/// the Safe's MultiSend batch, the proxy factory's `proxy(calls)`, and the leaf calls the
/// product makes (spec §11.3, §11.5, §11.7, §11.8). Anything else is refused with a 400 rather
/// than guessed at.
enum RelayerCalldata {
    static let transfer = ABI.selector("transfer(address,uint256)")
    static let approve = ABI.selector("approve(address,uint256)")
    static let setApprovalForAll = ABI.selector("setApprovalForAll(address,bool)")
    static let redeemPositions = ABI.selector("redeemPositions(address,bytes32,bytes32,uint256[])")
    static let negRiskRedeemPositions = ABI.selector("redeemPositions(bytes32,uint256[])")
    static let multiSend = ABI.selector("multiSend(bytes)")
    static let proxy = ABI.selector(ProxyTransaction.proxySignature)

    /// One plain call from the wallet to `target`.
    static func call(to target: Address, data: [UInt8]) throws(WireError) -> FakeWalletCall {
        let arguments = try ABIWords(data, selector: Array(data.prefix(4)))
        switch Array(data.prefix(4)) {
        case Self.transfer:
            return .transfer(token: target, to: try arguments.address(0), amount: try arguments.uint(1))
        case Self.approve, Self.setApprovalForAll:
            _ = try arguments.address(0)
            return .approval(contract: target)
        case Self.redeemPositions:
            return .redeem(target: target, collateral: try arguments.address(0), conditionID: Hex.encode(try arguments.word(2)))
        case Self.negRiskRedeemPositions:
            let conditionID = Hex.encode(try arguments.word(0))
            // Sent anywhere but the NegRiskAdapter it is a call on positions nobody holds.
            return target == Contracts.negRiskAdapter
                ? .negRiskAdapterRedeem(conditionID: conditionID)
                : .redeem(target: target, collateral: .zero, conditionID: conditionID)
        default:
            throw WireError(.badRequest, "unsupported call \(Hex.encode(Array(data.prefix(4)))) to \(target.checksummed)")
        }
    }

    /// The calls packed into `multiSend(bytes)`: `uint8 operation ‖ address ‖ uint256 value ‖
    /// uint256 length ‖ data` each. Only plain calls may be bundled.
    static func multiSendCalls(_ data: [UInt8]) throws(WireError) -> [FakeWalletCall] {
        guard Array(data.prefix(4)) == Self.multiSend else {
            throw WireError(.badRequest, "a DELEGATECALL must go to MultiSend with multiSend(bytes)")
        }
        let packed = try ABIWords(data, selector: Self.multiSend).bytes(at: 0)
        var calls: [FakeWalletCall] = []
        var cursor = 0
        while cursor < packed.count {
            let headerLength = 1 + 20 + 32 + 32
            guard cursor + headerLength <= packed.count, packed[cursor] == 0 else {
                throw WireError(.badRequest, "a MultiSend batch holds plain calls only")
            }
            let to = try ABIWords.address(Array(packed[(cursor + 1)..<(cursor + 21)]))
            let length = try ABIWords.count(Array(packed[(cursor + 53)..<(cursor + 85)]), limit: packed.count)
            let start = cursor + headerLength
            guard start + length <= packed.count else { throw WireError(.badRequest, "a MultiSend call overruns the batch") }
            calls.append(try Self.call(to: to, data: Array(packed[start..<(start + length)])))
            cursor = start + length
        }
        guard !calls.isEmpty else { throw WireError(.badRequest, "an empty MultiSend batch") }
        return calls
    }

    /// The calls of `proxy((uint8 typeCode, address to, uint256 value, bytes data)[])`, as
    /// ``RelayerCall``s so the caller can re-encode and compare them with what was signed.
    static func proxyCalls(_ data: [UInt8]) throws(WireError) -> [RelayerCall] {
        guard Array(data.prefix(4)) == Self.proxy else {
            throw WireError(.badRequest, "a PROXY transaction's data is proxy((uint8,address,uint256,bytes)[])")
        }
        let arguments = try ABIWords(data, selector: Self.proxy)
        let array = try arguments.offset(0)
        let count = try arguments.count(at: array)
        let elements = array + 32
        return try (0..<count).map { (index: Int) throws(WireError) -> RelayerCall in
            let tuple = elements + (try arguments.count(at: elements + index * 32))
            guard try arguments.uint(atByte: tuple) == UInt256(1) else {
                throw WireError(.badRequest, "a proxy wallet call must be a plain CALL (type code 1)")
            }
            let to = try ABIWords.address(try arguments.word(atByte: tuple + 32))
            let value = try arguments.uint(atByte: tuple + 64)
            let bytes = try arguments.bytes(atByte: tuple + (try arguments.count(at: tuple + 96)))
            return RelayerCall(to: to, value: value, data: bytes)
        }
    }
}

/// The 32-byte words of ABI-encoded arguments after a 4-byte selector, read with bounds checks:
/// offsets and lengths from the wire never index past the data.
struct ABIWords {
    let body: [UInt8]

    init(_ data: [UInt8], selector: [UInt8]) throws(WireError) {
        guard data.count >= 4, Array(data.prefix(4)) == selector else { throw Self.malformed }
        self.body = Array(data.dropFirst(4))
    }

    static let malformed = WireError(.badRequest, "malformed calldata")

    func word(atByte offset: Int) throws(WireError) -> [UInt8] {
        guard offset >= 0, offset + 32 <= self.body.count else { throw Self.malformed }
        return Array(self.body[offset..<(offset + 32)])
    }

    func word(_ index: Int) throws(WireError) -> [UInt8] { try self.word(atByte: index * 32) }

    func uint(atByte offset: Int) throws(WireError) -> UInt256 {
        do { return try UInt256(bigEndianBytes: try self.word(atByte: offset)) } catch { throw Self.malformed }
    }

    func uint(_ index: Int) throws(WireError) -> UInt256 { try self.uint(atByte: index * 32) }

    func address(_ index: Int) throws(WireError) -> Address { try Self.address(try self.word(index)) }

    /// The head word `index` as an offset into the arguments.
    func offset(_ index: Int) throws(WireError) -> Int { try self.count(at: index * 32) }

    /// A length or offset word at `offset`, which must fit inside the arguments.
    func count(at offset: Int) throws(WireError) -> Int {
        try Self.count(try self.word(atByte: offset), limit: self.body.count)
    }

    /// The dynamic `bytes` whose offset is head word `index`.
    func bytes(at index: Int) throws(WireError) -> [UInt8] { try self.bytes(atByte: try self.offset(index)) }

    /// The `bytes` (length word, then data) starting at `offset`.
    func bytes(atByte offset: Int) throws(WireError) -> [UInt8] {
        let length = try self.count(at: offset)
        let start = offset + 32
        guard start + length <= self.body.count else { throw Self.malformed }
        return Array(self.body[start..<(start + length)])
    }

    /// A left-padded address word (or 20 raw bytes).
    static func address(_ bytes: [UInt8]) throws(WireError) -> Address {
        guard bytes.count == 20 || (bytes.count == 32 && bytes.prefix(12).allSatisfy({ $0 == 0 })) else {
            throw Self.malformed
        }
        do { return try Address(bytes: bytes.suffix(20)) } catch { throw Self.malformed }
    }

    /// A big-endian word that must be at most `limit`.
    static func count(_ bytes: [UInt8], limit: Int) throws(WireError) -> Int {
        guard let value = (try? UInt256(bigEndianBytes: bytes))?.uint64Value, value <= UInt64(limit) else {
            throw Self.malformed
        }
        return Int(value)
    }
}
