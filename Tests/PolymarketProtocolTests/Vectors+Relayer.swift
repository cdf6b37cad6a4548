import Ethereum
import Foundation
import PolymarketProtocol
import Testing

extension VectorChecks {
    static func walletDerivation(_ vector: VectorCase) throws {
        let input = vector.input, expected = vector.expected
        let owner = try Address(hex: try input.string("eoa"))
        let derivation = try WalletDerivation(
            proxyFactory: try Address(hex: try input.string("proxy_factory")),
            proxyInitCodeHash: try Hex.decode(try input.string("proxy_init_code_hash")),
            safeFactory: try Address(hex: try input.string("safe_factory")),
            safeInitCodeHash: try Hex.decode(try input.string("safe_init_code_hash")),
            depositWalletFactory: try Address(hex: try input.string("deposit_wallet_factory")),
            depositWalletImplementation: try Address(hex: try input.string("deposit_wallet_implementation")),
            depositWalletBeacon: try Address(hex: try input.string("deposit_wallet_beacon")))
        // The input's factories and hashes are Polymarket's own, so the built-in set must agree.
        #expect(derivation == WalletDerivation.polygon)

        #expect(Hex.encode(WalletDerivation.proxySalt(owner: owner)) == (try input.string("proxy_salt")))
        #expect(Hex.encode(WalletDerivation.safeSalt(owner: owner)) == (try input.string("safe_salt")))
        #expect(derivation.proxyWallet(owner: owner).checksummed == (try expected.string("proxy_wallet")))
        #expect(derivation.safe(owner: owner).checksummed == (try expected.string("safe_wallet")))

        #expect(Hex.encode(derivation.depositWalletArguments(owner: owner))
            == (try expected.string("deposit_wallet_create2_args")))
        #expect(Hex.encode(derivation.depositWalletSalt(owner: owner)) == (try expected.string("deposit_wallet_salt")))
        #expect(Hex.encode(derivation.depositWalletInitCodeHash(owner: owner, shape: .uups))
            == (try expected.string("deposit_wallet_uups_init_code_hash")))
        #expect(Hex.encode(derivation.depositWalletInitCodeHash(owner: owner, shape: .beacon))
            == (try expected.string("deposit_wallet_beacon_init_code_hash")))
        #expect(derivation.depositWallet(owner: owner, shape: .uups).checksummed
            == (try expected.string("deposit_wallet_uups")))
        #expect(derivation.depositWallet(owner: owner, shape: .beacon).checksummed
            == (try expected.string("deposit_wallet_beacon")))
    }

    static func safeRelayerTx(_ vector: VectorCase) throws {
        let input = vector.input, expected = vector.expected
        let key = try PrivateKey(hex: try input.string("private_key"))
        let owner = try Address(hex: try input.string("eoa"))
        #expect(key.address == owner)
        let transaction = try SafeTransaction(
            owner: owner, calls: try RelayerVectorInput.calls(input, targetKey: "to"),
            nonce: try UInt256(decimal: try input.string("safe_nonce")),
            chainID: UInt64(try input.int("chain_id")),
            multiSend: try Address(hex: try input.string("safe_multisend")))

        #expect(transaction.safe.checksummed == (try expected.string("safe_address")))
        let safeTx = try expected.object("safe_tx")
        #expect(transaction.to.checksummed == (try safeTx.string("to")))
        #expect(transaction.value.decimalString == (try safeTx.string("value")))
        #expect(Hex.encode(transaction.data) == (try safeTx.string("data")))
        #expect(Int(transaction.operation.rawValue) == (try safeTx.int("operation")))
        #expect(transaction.safeTxGas.decimalString == (try safeTx.string("safeTxGas")))
        #expect(transaction.baseGas.decimalString == (try safeTx.string("baseGas")))
        #expect(transaction.gasPrice.decimalString == (try safeTx.string("gasPrice")))
        #expect(transaction.gasToken.checksummed == (try safeTx.string("gasToken")))
        #expect(transaction.refundReceiver.checksummed == (try safeTx.string("refundReceiver")))
        #expect(transaction.nonce.decimalString == (try safeTx.string("nonce")))

        let domain = try expected.object("safe_domain")
        #expect(transaction.domain.chainId?.decimalString == (try domain.string("chainId")))
        #expect(transaction.domain.verifyingContract?.checksummed == (try domain.string("verifyingContract")))
        #expect(transaction.domain.name == nil && transaction.domain.version == nil)
        #expect(Hex.encode(transaction.domainSeparator) == (try expected.string("domain_separator")))
        #expect(Hex.encode(transaction.structHash) == (try expected.string("safe_tx_struct_hash")))
        #expect(Hex.encode(transaction.safeTxHash) == (try expected.string("safe_tx_hash")))
        #expect(Hex.encode(transaction.ethSignedMessageHash) == (try expected.string("eth_signed_message_hash")))

        let signed = try SignedSafeTransaction(
            transaction: transaction, signature: try key.sign(digest: transaction.ethSignedMessageHash),
            metadata: try input.string("metadata"))
        #expect(signed.signature.hex == (try expected.string("raw_signature")))
        #expect(Hex.encode(signed.packedSignature) == (try expected.string("packed_signature")))
        try RelayerVectorInput.expectParts(
            r: signed.packedSignature[0..<32], s: signed.packedSignature[32..<64], v: signed.packedSignature[64],
            in: try expected.object("packed_signature_parts"))
        try RelayerVectorInput.expectBody(signed.submission, type: .safe, from: owner, caseID: vector.id, expected: expected)
    }

    static func proxyRelayerTx(_ vector: VectorCase) throws {
        let input = vector.input, expected = vector.expected
        let key = try PrivateKey(hex: try input.string("private_key"))
        let owner = try Address(hex: try input.string("eoa"))
        let factory = try Address(hex: try input.string("proxy_factory"))
        #expect(factory == WalletDerivation.polygon.proxyFactory)
        let transaction = try ProxyTransaction(
            owner: owner, calls: try RelayerVectorInput.calls(input, targetKey: "to"),
            relay: try Address(hex: try input.string("relay_address")),
            nonce: try UInt256(decimal: try input.string("relay_nonce")),
            gasLimit: try UInt256(decimal: try input.string("gas_limit")),
            gasPrice: try UInt256(decimal: try input.string("gas_price")),
            relayerFee: try UInt256(decimal: try input.string("relayer_fee")),
            relayHub: try Address(hex: try input.string("relay_hub")))

        #expect(transaction.proxyFactory == factory)
        #expect(transaction.proxyWallet.checksummed == (try expected.string("proxy_wallet")))
        #expect(Hex.encode(transaction.data) == (try expected.string("proxy_call_data")))
        #expect(Hex.encode(transaction.relayHash) == (try expected.string("relay_hash")))
        #expect(Hex.encode(transaction.ethSignedMessageHash) == (try expected.string("eth_signed_message_hash")))

        let signed = try SignedProxyTransaction(
            transaction: transaction, signature: try key.sign(digest: transaction.ethSignedMessageHash),
            metadata: try input.string("metadata"))
        #expect(signed.signature.hex == (try expected.string("signature")))
        try RelayerVectorInput.expectParts(
            r: signed.signature.r, s: signed.signature.s, v: signed.signature.v,
            in: try expected.object("signature_parts"))
        try RelayerVectorInput.expectBody(signed.submission, type: .proxy, from: owner, caseID: vector.id, expected: expected)
    }

    static func safeCreateRelayerTx(_ vector: VectorCase) throws {
        let input = vector.input, expected = vector.expected
        let key = try PrivateKey(hex: try input.string("private_key"))
        let owner = try Address(hex: try input.string("eoa"))
        let polygon = WalletDerivation.polygon
        let derivation = try WalletDerivation(
            proxyFactory: polygon.proxyFactory, proxyInitCodeHash: polygon.proxyInitCodeHash,
            safeFactory: try Address(hex: try input.string("safe_factory")), safeInitCodeHash: polygon.safeInitCodeHash,
            depositWalletFactory: polygon.depositWalletFactory,
            depositWalletImplementation: polygon.depositWalletImplementation,
            depositWalletBeacon: polygon.depositWalletBeacon)
        let creation = SafeCreation(
            owner: owner, derivation: derivation, chainID: UInt64(try input.int("chain_id")),
            paymentToken: try Address(hex: try input.string("payment_token")),
            payment: try UInt256(decimal: try input.string("payment")),
            paymentReceiver: try Address(hex: try input.string("payment_receiver")))

        let domain = try expected.object("domain")
        #expect(creation.domain.name == (try domain.string("name")))
        #expect(creation.domain.version == nil)
        #expect(creation.domain.chainId?.decimalString == (try domain.string("chainId")))
        #expect(creation.domain.verifyingContract?.checksummed == (try domain.string("verifyingContract")))
        #expect(SafeCreation.typeString == (try expected.string("type_string")))
        #expect(Hex.encode(creation.digest) == (try expected.string("digest")))

        let signed = try SignedSafeCreation(creation: creation, signature: try key.sign(digest: creation.digest))
        #expect(signed.signature.hex == (try expected.string("signature")))
        try RelayerVectorInput.expectParts(
            r: signed.signature.r, s: signed.signature.s, v: signed.signature.v,
            in: try expected.object("signature_parts"))
        try RelayerVectorInput.expectBody(
            signed.submission, type: .safeCreate, from: owner, caseID: vector.id, expected: expected)
    }

    static func depositWalletBatch(_ vector: VectorCase) throws {
        let input = vector.input, expected = vector.expected
        let key = try PrivateKey(hex: try input.string("private_key"))
        let owner = try Address(hex: try input.string("eoa"))
        let batch = try DepositWalletBatch(
            owner: owner, wallet: try Address(hex: try input.string("deposit_wallet")),
            calls: try RelayerVectorInput.calls(input, targetKey: "target"),
            nonce: try UInt256(decimal: try input.string("nonce")),
            deadline: try UInt256(decimal: try input.string("deadline")),
            chainID: UInt64(try input.int("chain_id")))

        let domain = try expected.object("domain")
        #expect(batch.domain.name == (try domain.string("name")))
        #expect(batch.domain.version == (try domain.string("version")))
        #expect(batch.domain.chainId?.decimalString == (try domain.string("chainId")))
        #expect(batch.domain.verifyingContract?.checksummed == (try domain.string("verifyingContract")))
        let typeStrings = try expected.object("type_strings")
        #expect(DepositWalletBatch.batchTypeString == (try typeStrings.string("Batch")))
        #expect(DepositWalletBatch.callTypeString == (try typeStrings.string("Call")))
        #expect(Hex.encode(batch.domainSeparator) == (try expected.string("domain_separator")))
        #expect(Hex.encode(batch.structHash) == (try expected.string("struct_hash")))
        #expect(Hex.encode(batch.digest) == (try expected.string("digest")))

        let signed = try SignedDepositWalletBatch(
            batch: batch, signature: try key.sign(digest: batch.digest),
            metadata: (try? input.string("metadata")) ?? "")
        #expect(signed.signature.hex == (try expected.string("signature")))
        try RelayerVectorInput.expectParts(
            r: signed.signature.r, s: signed.signature.s, v: signed.signature.v,
            in: try expected.object("signature_parts"))
        try RelayerVectorInput.expectBody(signed.submission, type: .wallet, from: owner, caseID: vector.id, expected: expected)
    }
}

/// Reading the relayer cases' shared input shapes, and comparing request bodies byte for byte.
enum RelayerVectorInput {
    /// `calls[]` with the target under `targetKey` (`to` for SAFE/PROXY, `target` for WALLET).
    static func calls(_ input: JSONValue, targetKey: String) throws -> [RelayerCall] {
        try input.array("calls").map { call in
            RelayerCall(
                to: try Address(hex: try call.string(targetKey)),
                value: try UInt256(decimal: try call.string("value")),
                data: try Hex.decode(try call.string("data")))
        }
    }

    static func expectParts(r: some Collection<UInt8>, s: some Collection<UInt8>, v: UInt8, in parts: JSONValue) throws {
        #expect(Hex.encode(r) == (try parts.string("r")))
        #expect(Hex.encode(s) == (try parts.string("s")))
        #expect(Int(v) == (try parts.int("v")))
    }

    /// The body must equal the vector's `submit_body` byte for byte once that is written
    /// compactly in its file order, and must also parse to the same JSON value.
    static func expectBody(
        _ submission: RelayerSubmission, type: RelayerTransactionType, from owner: Address, caseID: String,
        expected: JSONValue
    ) throws {
        #expect(submission.type == type)
        #expect(submission.from == owner)
        let parsed = try JSONDecoder().decode(JSONValue.self, from: Data(submission.body.utf8))
        #expect(parsed == expected["submit_body"])
        let compact = try #require(try RawVectorText.compactMember("submit_body", ofCase: caseID))
        #expect(submission.body == compact)
    }
}

/// The vectors file as text, for the one comparison that needs key order: `JSONValue` forgets
/// it, so a member's raw text is cut out and stripped of the whitespace between tokens.
enum RawVectorText {
    static let text: String? = {
        let path = ProcessInfo.processInfo.environment["POLYMARKET_VECTORS"]
            ?? URL(fileURLWithPath: #filePath)
                .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
                .appendingPathComponent("shared/vectors/polymarket-public.json").path
        return FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }()

    /// The object value of the first `"key":` after the case's `"id"`, compacted; nil if absent.
    static func compactMember(_ key: String, ofCase id: String) throws -> String? {
        guard let text = Self.text,
              let caseStart = text.range(of: "\"id\": \"\(id)\"") ?? text.range(of: "\"id\":\"\(id)\""),
              let keyRange = text.range(of: "\"\(key)\":", range: caseStart.upperBound..<text.endIndex),
              let open = text[keyRange.upperBound...].firstIndex(of: "{")
        else { return nil }
        var output = String.UnicodeScalarView()
        var depth = 0
        var inString = false
        var escaped = false
        for character in text[open...].unicodeScalars {
            if inString {
                output.append(character)
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                continue
            }
            switch character {
            case "\"": inString = true
            case "{", "[": depth += 1
            case "}", "]": depth -= 1
            case " ", "\n", "\r", "\t": continue
            default: break
            }
            output.append(character)
            if depth == 0 { return String(output) }
        }
        throw VectorError.malformed("\(key) of \(id)")
    }
}
