import Kernel

/// Reads the CLOB's answers about orders into the port's snapshots (spec §7.2). Pure functions,
/// so every documented shape is tested without a venue.
enum OrderReplies {
    /// What the submitted body says about the order, for judging a placement reply.
    struct Submitted: Sendable, Hashable {
        var side: Side
        var orderType: OrderType
        /// Shares the order buys at least (BUY) or sells (SELL), in base units.
        var shares: Shares

        init(payload: String) throws(VenueError) {
            let order = JSONValue.parse(payload)?["order"]
            let typeText = JSONValue.parse(payload)?["orderType"]?.text ?? ""
            guard let sideText = order?["side"]?.text, let side = Side(rawValue: sideText),
                  let type = OrderType(rawValue: typeText),
                  let amount = (side == .buy ? order?["takerAmount"] : order?["makerAmount"])?.text.flatMap({ Int64($0) })
            else { throw .refused(status: 400, message: "not a POST /order body") }
            self.side = side
            self.orderType = type
            self.shares = Shares(baseUnits: amount)
        }
    }

    /// The snapshot for a `POST /order` reply, or nil when the reply says nothing about the order
    /// (transport-level failures: the caller throws them, the outcome being unknown).
    static func placement(_ reply: Reply, orderID: OrderID, submitted: Submitted) throws(VenueError) -> OrderSnapshot? {
        let json = reply.json
        switch reply.status {
        case 200...299:
            guard let json else { throw .malformedResponse("POST /order answered a body that is not JSON") }
            if ErrorMapping.isErrorInSuccess(json) {
                return self.refusal(message: ErrorMapping.message(of: reply.response), code: json["code"]?.text,
                                    orderID: orderID, redactor: reply.redactor)
            }
            return try self.accepted(json, orderID: orderID, submitted: submitted)
        case 400, 409, 422:
            // A kill arrives as `400 {"error": …, "orderID": …}`; other 4xx bodies are rejections.
            return self.refusal(message: ErrorMapping.message(of: reply.response), code: json?["code"]?.text,
                                orderID: orderID, redactor: reply.redactor)
        default:
            return nil
        }
    }

    /// A `success: true` body: `status` live / matched / delayed / unmatched with the amounts
    /// (whole units, `""` when nothing filled).
    static func accepted(_ json: JSONValue, orderID: OrderID, submitted: Submitted) throws(VenueError) -> OrderSnapshot {
        let making = try self.wholeUnits(json["makingAmount"], "makingAmount")
        let taking = try self.wholeUnits(json["takingAmount"], "takingAmount")
        let filledShares = Shares(baseUnits: submitted.side == .buy ? taking : making)
        let notional = Collateral(baseUnits: submitted.side == .buy ? making : taking)
        let complete = filledShares >= submitted.shares
        let status = (json["status"]?.text ?? "").lowercased()
        let state: OrderSnapshot.State
        switch status {
        case "matched":
            switch submitted.orderType {
            case .fok: state = .filled
            case .fak: state = complete ? .filled : (filledShares.baseUnits > 0 ? .partiallyFilled : .killed)
            case .gtc, .gtd: state = complete ? .filled : .live
            }
        case "live", "delayed":
            state = .live
        case "unmatched":
            state = .killed
        default:
            throw .malformedResponse("POST /order answered status '\(status)'")
        }
        return OrderSnapshot(orderID: orderID, state: state, filledShares: filledShares, filledNotional: notional)
    }

    /// A refusal of the order: a kill when the text says FOK/FAK could not fill, else a rejection
    /// carrying the CLOB's code (documented codes first, then the texts the SDK matches).
    static func refusal(message: String, code: String?, orderID: OrderID, redactor: Redactor) -> OrderSnapshot {
        let text = redactor.redact(message)
        let lower = text.lowercased()
        let killed = lower.contains("fok_order_not_filled") || lower.contains("fully filled or killed")
            || lower.contains("couldn't be fully filled") || lower.contains("no orders found to match")
            || lower.contains("partially filled or killed")
        if killed { return OrderSnapshot(orderID: orderID, state: .killed) }
        return OrderSnapshot(orderID: orderID, state: .rejected(code: self.code(lower, given: code), message: text))
    }

    static let documentedCodes = [
        "INVALID_ORDER_MIN_TICK_SIZE", "INVALID_ORDER_MIN_SIZE", "INVALID_ORDER_DUPLICATED",
        "INVALID_ORDER_NOT_ENOUGH_BALANCE", "INVALID_ORDER_EXPIRATION", "INVALID_POST_ONLY_ORDER_TYPE",
        "INVALID_POST_ONLY_ORDER", "INVALID_ORDER_ERROR", "EXECUTION_ERROR", "ORDER_DELAYED", "DELAYING_ORDER_ERROR",
        "FOK_ORDER_NOT_FILLED_ERROR", "MARKET_NOT_READY",
    ]

    private static func code(_ lower: String, given: String?) -> String {
        if let code = self.documentedCodes.first(where: { lower.contains($0.lowercased()) }) { return code }
        if let given, !given.isEmpty { return given.uppercased() }
        if lower.contains("not enough balance") || lower.contains("allowance") { return "INVALID_ORDER_NOT_ENOUGH_BALANCE" }
        if lower.contains("post-only") { return "INVALID_POST_ONLY_ORDER" }
        if lower.contains("not yet ready") { return "MARKET_NOT_READY" }
        if lower.contains("order_version_mismatch") { return "ORDER_VERSION_MISMATCH" }
        if lower.contains("address of the api key") { return "API_KEY_NOT_ORDER_SIGNER" }
        if lower.contains("tick size") { return "INVALID_ORDER_MIN_TICK_SIZE" }
        if lower.contains("duplicate") { return "INVALID_ORDER_DUPLICATED" }
        if lower.contains("expir") { return "INVALID_ORDER_EXPIRATION" }
        return "INVALID_ORDER_ERROR"
    }

    /// An OpenOrder (`GET /data/order/{id}`) as a snapshot. Statuses arrive with or without the
    /// `ORDER_STATUS_` prefix and in either case. The notional is `size_matched × price`, the
    /// order's limit (the trades hold the exact fill prices).
    static func openOrder(_ json: JSONValue, orderID: OrderID) throws(VenueError) -> OrderSnapshot {
        let matched = try self.decimal(json["size_matched"], "size_matched", Shares.self) ?? .zero
        let original = try self.decimal(json["original_size"], "original_size", Shares.self)
        let price = try self.decimal(json["price"], "price", Price.self) ?? .zero
        var status = (json["status"]?.text ?? "").uppercased()
        if status.hasPrefix("ORDER_STATUS_") { status.removeFirst("ORDER_STATUS_".count) }
        let type = json["order_type"]?.text.flatMap { OrderType(rawValue: $0.uppercased()) }
        let complete = original.map { matched >= $0 } ?? false
        let state: OrderSnapshot.State
        switch status {
        case "LIVE", "DELAYED":
            state = .live
        case "MATCHED":
            state = complete || type == .fok || original == nil ? .filled : .partiallyFilled
        case "CANCELED", "CANCELLED", "CANCELED_MARKET_RESOLVED":
            state = matched.baseUnits > 0 ? .partiallyFilled : .canceled
        case "UNMATCHED":
            state = matched.baseUnits > 0 ? .partiallyFilled : .killed
        case "INVALID":
            state = .rejected(code: "INVALID_ORDER_ERROR", message: "the CLOB marked the order invalid")
        default:
            throw .malformedResponse("order status '\(status)'")
        }
        return OrderSnapshot(orderID: orderID, state: state, filledShares: matched,
                             filledNotional: matched.value(at: price))
    }

    /// A decimal amount in whole units (`"1.519999"`) as base units; `""` or missing is zero.
    static func wholeUnits(_ value: JSONValue?, _ field: String) throws(VenueError) -> Int64 {
        guard let text = value?.nonEmptyText else { return 0 }
        guard let units = try? Shares(decimal: text) else { throw .malformedResponse("\(field) '\(text)' is not a decimal") }
        return units.baseUnits
    }

    static func decimal<Q: SixDecimalQuantity>(_ value: JSONValue?, _ field: String, _: Q.Type) throws(VenueError) -> Q? {
        guard let text = value?.nonEmptyText else { return nil }
        guard let quantity = try? Q(decimal: text) else { throw .malformedResponse("\(field) '\(text)' is not a decimal") }
        return quantity
    }
}
