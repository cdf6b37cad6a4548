import Ethereum
import PolymarketProtocol
import Testing

/// Orders and auth (spec §5, §6, §11.1): every expected field rebuilt from `input` and compared
/// byte for byte. The `legacy_float_*` amounts document a float bug and are deliberately not
/// reproduced; `implementations_agree` is informational.
extension VectorChecks {
    static func orderAmounts(_ vector: VectorCase) throws {
        let input = vector.input
        let expected = vector.expected
        let tick = try #require(TickSize(parsing: try input.string("tick_size")))
        let rounding = try input.object("rounding_config")
        #expect(tick.priceDecimals == (try rounding.int("price_decimals")), "\(vector.id) price decimals")
        #expect(tick.sizeDecimals == (try rounding.int("size_decimals")), "\(vector.id) size decimals")
        #expect(tick.amountDecimals == (try rounding.int("amount_decimals")), "\(vector.id) amount decimals")

        let side = try #require(OrderSide(rawValue: try input.string("side")))
        let price = try decimal(input, "price")
        let amount = try decimal(input, "amount")
        let unit = try input.string("amount_unit")
        let amounts: OrderAmounts
        switch try input.string("order_kind") {
        case "limit":
            #expect(unit == "shares", "\(vector.id): a limit order is sized in shares")
            amounts = try OrderAmounts.limit(side: side, price: price, size: amount, tick: tick)
        case "market":
            #expect(unit == (side == .buy ? "usdc" : "shares"), "\(vector.id): market amount unit")
            amounts = try OrderAmounts.market(side: side, worstPrice: price, amount: amount, tick: tick)
        case let other:
            throw VectorError.malformed("order_kind \(other)")
        }
        #expect(String(amounts.makerAmount) == (try expected.string("maker_amount")), "\(vector.id) maker_amount")
        #expect(String(amounts.takerAmount) == (try expected.string("taker_amount")), "\(vector.id) taker_amount")
    }

    static func orderV2(_ vector: VectorCase) throws {
        let input = vector.input
        let expected = vector.expected
        let key = try PrivateKey(hex: try input.string("private_key"))
        let eoa = try Address(hex: try input.string("eoa"))
        #expect(key.address == eoa, "\(vector.id): eoa is the key's address")
        let signatureType = try #require(SignatureType(rawValue: UInt8(try input.int("signature_type"))))
        let side = try #require(OrderSide(rawValue: try input.string("side")))
        let tick = try #require(TickSize(parsing: try input.string("tick_size")))
        let amounts: OrderAmounts
        switch try input.string("order_kind") {
        case "limit":
            amounts = try OrderAmounts.limit(side: side, price: decimal(input, "price"), size: decimal(input, "size"), tick: tick)
        case "market":
            let amount = side == .buy ? try decimal(input, "usdc_amount") : try decimal(input, "size")
            amounts = try OrderAmounts.market(side: side, worstPrice: decimal(input, "price"), amount: amount, tick: tick)
        case let other:
            throw VectorError.malformed("order_kind \(other)")
        }
        let tokenID = try UInt256(decimal: try input.string("token_id"))
        let domain = OrderDomain.forOrder(
            tokenID: tokenID, negRisk: try input.bool("neg_risk"), chainID: UInt64(try input.int("chain_id")))
        let order = try Order(
            salt: try #require(UInt64(try input.string("salt"))), eoa: eoa,
            funder: try Address(hex: try input.string("funder")), signatureType: signatureType,
            tokenID: tokenID, side: side, amounts: amounts,
            timestamp: try #require(UInt64(try input.string("timestamp_ms"))),
            metadata: try Hex.decode(try input.string("metadata")), builder: try Hex.decode(try input.string("builder")))
        let signed = try order.signed(in: domain, with: key.sign(digest: order.signingDigest(in: domain)))

        let id = vector.id
        #expect(order.maker.checksummed == (try expected.string("funder_maker")), "\(id) funder_maker")
        #expect(order.signer.checksummed == (try expected.string("signer_field")), "\(id) signer_field")
        #expect(domain.verifyingContract.checksummed == (try expected.string("verifying_contract")), "\(id) verifying_contract")
        #expect(String(order.makerAmount) == (try expected.string("maker_amount")), "\(id) maker_amount")
        #expect(String(order.takerAmount) == (try expected.string("taker_amount")), "\(id) taker_amount")
        #expect(String(order.salt) == (try expected.string("salt")), "\(id) salt")
        #expect(String(order.timestamp) == (try expected.string("timestamp")), "\(id) timestamp")
        #expect(Int(order.side.code) == (try expected.int("side_uint8")), "\(id) side_uint8")
        try checkDomain(domain, against: try expected.object("domain"), id)
        #expect(Hex.encode(Order.typeHash) == (try expected.string("order_type_hash")), "\(id) order_type_hash")
        #expect(Hex.encode(domain.separator) == (try expected.string("domain_separator")), "\(id) domain_separator")
        #expect(Hex.encode(order.structHash) == (try expected.string("order_struct_hash")), "\(id) order_struct_hash")
        #expect(signed.orderID == (try expected.string("order_hash_digest")), "\(id) order_hash_digest")
        #expect(Hex.encode(signed.signature) == (try expected.string("signature")), "\(id) signature")

        if signatureType == .poly1271 {
            let poly = try expected.object("poly1271")
            let wallet = order.signer
            #expect(DepositWalletSignature.typedDataSignTypeString == (try poly.string("typed_data_sign_type_string")), "\(id) TDS type")
            let walletDomain = DepositWalletSignature.walletDomain(wallet: wallet, chainID: domain.chainID)
            let expectedWalletDomain = try poly.object("wallet_domain")
            #expect(walletDomain.name == (try expectedWalletDomain.string("name")), "\(id) wallet domain name")
            #expect(walletDomain.version == (try expectedWalletDomain.string("version")), "\(id) wallet domain version")
            #expect(walletDomain.chainId?.decimalString == (try expectedWalletDomain.string("chainId")), "\(id) wallet chainId")
            #expect(walletDomain.verifyingContract?.checksummed == (try expectedWalletDomain.string("verifyingContract")), "\(id) wallet")
            #expect(walletDomain.salt.map { Hex.encode($0) } == (try expectedWalletDomain.string("salt")), "\(id) wallet salt")
            let tdsHash = DepositWalletSignature.typedDataSignStructHash(
                orderStructHash: order.structHash, wallet: wallet, chainID: domain.chainID)
            #expect(Hex.encode(tdsHash) == (try poly.string("typed_data_sign_struct_hash")), "\(id) TDS struct hash")
            #expect(Hex.encode(order.signingDigest(in: domain)) == (try poly.string("signed_digest")), "\(id) signed digest")
            #expect(Hex.encode(signed.signature.prefix(65)) == (try poly.string("inner_ecdsa_signature")), "\(id) inner signature")
            let inner = try Signature(bytes: signed.signature.prefix(65))
            try checkSignatureParts(inner, against: try poly.object("inner_signature_parts"), id)
            #expect(Order.typeString.utf8.count == (try poly.int("contents_type_length")), "\(id) contents type length")
            #expect(signed.signature.count == (try expected.int("signature_length_bytes")), "\(id) signature length")
        } else {
            try checkSignatureParts(try Signature(bytes: signed.signature), against: try expected.object("signature_parts"), id)
        }

        let post = try expected.object("post_order")
        let request = try PostOrderRequest(
            order: signed, owner: try input.string("api_key"),
            orderType: try #require(OrderType(rawValue: try input.string("order_type"))),
            expiration: try #require(UInt64(try input.string("expiration"))))
        let credentials = try APICredentials(
            apiKey: try input.string("api_key"), secret: try input.string("api_secret"),
            passphrase: try input.string("api_passphrase"))
        let l2Timestamp = Int64(try input.int("l2_timestamp"))
        #expect(PostOrderRequest.method == (try post.string("method")), "\(id) method")
        #expect(PostOrderRequest.path == (try post.string("path")), "\(id) path")
        #expect(request.body(.pyClobClientV2) == (try post.string("body_py_clob_client_v2")), "\(id) py-clob-client-v2 body")
        #expect(request.body(.polymarketClient) == (try post.string("body_polymarket_client")), "\(id) polymarket-client body")
        let headers = request.l2Headers(address: eoa, credentials: credentials, timestamp: l2Timestamp, layout: .pyClobClientV2)
        #expect(headerMap(headers.fields) == (try stringMap(try post.object("l2_headers"))), "\(id) l2_headers")
        let polymarketClientHeaders = request.l2Headers(
            address: eoa, credentials: credentials, timestamp: l2Timestamp, layout: .polymarketClient)
        #expect(polymarketClientHeaders.signature == (try post.string("l2_signature_for_body_polymarket_client")),
                "\(id) l2 signature for the polymarket-client body")
    }

    static func orderV1Legacy(_ vector: VectorCase) throws {
        let input = vector.input
        let expected = vector.expected
        let id = vector.id
        let key = try PrivateKey(hex: try input.string("private_key"))
        let eoa = try Address(hex: try input.string("eoa"))
        #expect(key.address == eoa, "\(id): eoa is the key's address")
        let side = try #require(OrderSide(rawValue: try input.string("side")))
        let tick = try #require(TickSize(parsing: try input.string("tick_size")))
        let amounts = try OrderAmounts.limit(side: side, price: decimal(input, "price"), size: decimal(input, "size"), tick: tick)
        let domain = OrderDomain.legacyV1(negRisk: try input.bool("neg_risk"), chainID: UInt64(try input.int("chain_id")))
        let order = LegacyOrderV1(
            salt: try UInt256(decimal: try input.string("salt")),
            maker: try Address(hex: try input.string("funder")), signer: eoa,
            taker: try Address(hex: try input.string("taker")),
            tokenID: try UInt256(decimal: try input.string("token_id")),
            makerAmount: amounts.makerAmount, takerAmount: amounts.takerAmount,
            expiration: try #require(UInt64(try input.string("expiration"))),
            nonce: try UInt256(decimal: try input.string("nonce")),
            feeRateBps: try #require(UInt64(try input.string("fee_rate_bps"))),
            side: side, signatureType: try #require(SignatureType(rawValue: UInt8(try input.int("signature_type")))))
        let hash = order.hash(in: domain)
        let signature = try key.sign(digest: hash)

        #expect(domain.verifyingContract.checksummed == (try expected.string("verifying_contract")), "\(id) verifying_contract")
        try checkDomain(domain, against: try expected.object("domain"), id)
        #expect(Hex.encode(LegacyOrderV1.typeHash) == (try expected.string("order_type_hash")), "\(id) order_type_hash")
        #expect(String(order.makerAmount) == (try expected.string("maker_amount")), "\(id) maker_amount")
        #expect(String(order.takerAmount) == (try expected.string("taker_amount")), "\(id) taker_amount")
        #expect(Hex.encode(domain.separator) == (try expected.string("domain_separator")), "\(id) domain_separator")
        #expect(Hex.encode(order.structHash) == (try expected.string("order_struct_hash")), "\(id) order_struct_hash")
        #expect(Hex.encode(hash) == (try expected.string("order_hash_digest")), "\(id) order_hash_digest")
        #expect(signature.hex == (try expected.string("signature")), "\(id) signature")
        try checkSignatureParts(signature, against: try expected.object("signature_parts"), id)
    }

    static func clobAuthL1(_ vector: VectorCase) throws {
        let input = vector.input
        let expected = vector.expected
        let id = vector.id
        let key = try PrivateKey(hex: try input.string("private_key"))
        let auth = ClobAuth(
            address: key.address, timestamp: Int64(try input.int("timestamp")),
            nonce: UInt64(try input.int("nonce")), chainID: UInt64(try input.int("chain_id")),
            message: try input.string("message"))
        let signature = try key.sign(digest: auth.digest)
        let headers = try auth.headers(signature: signature)

        #expect(auth.address.checksummed == (try expected.string("address")), "\(id) address")
        let domain = try expected.object("domain")
        #expect(auth.domain.name == (try domain.string("name")), "\(id) domain name")
        #expect(auth.domain.version == (try domain.string("version")), "\(id) domain version")
        #expect(auth.domain.chainId?.decimalString == (try domain.string("chainId")), "\(id) domain chainId")
        #expect(auth.domain.verifyingContract == nil && domain["verifyingContract"] == nil, "\(id) no verifying contract")
        #expect(auth.domain.typeString == (try expected.string("domain_type_string")), "\(id) domain type string")
        #expect(ClobAuth.typeString == (try expected.string("clob_auth_type_string")), "\(id) ClobAuth type string")
        #expect(Hex.encode(EIP712.typeHash(ClobAuth.typeString)) == (try expected.string("clob_auth_type_hash")), "\(id) type hash")
        #expect(Hex.encode(auth.domain.separator) == (try expected.string("domain_separator")), "\(id) domain_separator")
        #expect(Hex.encode(auth.structHash) == (try expected.string("struct_hash")), "\(id) struct_hash")
        #expect(Hex.encode(auth.digest) == (try expected.string("digest")), "\(id) digest")
        #expect(signature.hex == (try expected.string("signature")), "\(id) signature")
        try checkSignatureParts(signature, against: try expected.object("signature_parts"), id)
        #expect(headerMap(headers.fields) == (try stringMap(try expected.object("headers"))), "\(id) headers")
    }

    static func hmacL2(_ vector: VectorCase) throws {
        let input = vector.input
        let expected = vector.expected
        let id = vector.id
        let address = try PrivateKey(hex: try input.string("private_key")).address
        let credentials = try APICredentials(
            apiKey: try input.string("api_key"), secret: try input.string("secret"), passphrase: try input.string("passphrase"))
        let timestamp = Int64(try input.int("timestamp"))
        let method = try input.string("method")
        let path = try input.string("request_path")
        let body = try optionalString(input, "body")
        let prehash = HMACAuth.prehash(timestamp: timestamp, method: method, requestPath: path, body: body)
        let headers = HMACAuth.l2Headers(
            address: address, credentials: credentials, timestamp: timestamp, method: method, requestPath: path, body: body)

        #expect(prehash == (try expected.string("prehash_message")), "\(id) prehash")
        #expect(HMACAuth.signature(prehash: prehash, credentials: credentials) == (try expected.string("signature")), "\(id) signature")
        #expect(headerMap(headers.fields) == (try stringMap(try expected.object("headers"))), "\(id) headers")
    }

    static func builderHMAC(_ vector: VectorCase) throws {
        let input = vector.input
        let expected = vector.expected
        let id = vector.id
        let credentials = try APICredentials(
            apiKey: try input.string("key"), secret: try input.string("secret"), passphrase: try input.string("passphrase"))
        let timestamp = Int64(try input.int("timestamp"))
        let method = try input.string("method")
        let path = try input.string("request_path")
        let body = try optionalString(input, "body")
        let headers = HMACAuth.builderHeaders(
            credentials: credentials, timestamp: timestamp, method: method, requestPath: path, body: body)

        #expect(HMACAuth.prehash(timestamp: timestamp, method: method, requestPath: path, body: body)
                == (try expected.string("prehash_message")), "\(id) prehash")
        #expect(headerMap(headers.fields) == (try stringMap(try expected.object("headers"))), "\(id) headers")
    }

    // MARK: Helpers

    private static func decimal(_ object: JSONValue, _ key: String) throws -> ExactDecimal {
        guard let value = ExactDecimal(try object.string(key)) else { throw VectorError.malformed(key) }
        return value
    }

    private static func optionalString(_ object: JSONValue, _ key: String) throws -> String? {
        switch object[key] {
        case .string(let text)?: return text
        case .null?, nil: return nil
        default: throw VectorError.malformed(key)
        }
    }

    private static func stringMap(_ object: JSONValue) throws -> [String: String] {
        guard case .object(let members) = object else { throw VectorError.malformed("object") }
        return try members.mapValues { value in
            switch value {
            case .string(let text), .number(let text): return text
            default: throw VectorError.malformed("header value")
            }
        }
    }

    private static func headerMap(_ fields: [HTTPHeader]) -> [String: String] {
        Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    private static func checkDomain(_ domain: OrderDomain, against expected: JSONValue, _ id: String) throws {
        #expect(OrderDomain.name == (try expected.string("name")), "\(id) domain name")
        #expect(domain.version == (try expected.string("version")), "\(id) domain version")
        #expect(String(domain.chainID) == (try expected.string("chainId")), "\(id) domain chainId")
        #expect(domain.verifyingContract.checksummed == (try expected.string("verifyingContract")), "\(id) domain verifyingContract")
    }

    private static func checkSignatureParts(_ signature: Signature, against parts: JSONValue, _ id: String) throws {
        #expect(Hex.encode(signature.r) == (try parts.string("r")), "\(id) r")
        #expect(Hex.encode(signature.s) == (try parts.string("s")), "\(id) s")
        #expect(Int(signature.v) == (try parts.int("v")), "\(id) v")
    }
}
