import Kernel

/// The starting points a new copy profile can take; settings can be edited after.
enum ProfilePreset: String, CaseIterable, Sendable {
    /// Small fixed copies with tight caps: for trying a leader out.
    case conservative = "CONSERVATIVE"
    /// Larger fixed copies with room to build positions.
    case balanced = "BALANCED"
    /// A tenth of what the leader spends, capped per trade and per day.
    case proportional = "PROPORTIONAL"

    var sizing: Sizing {
        switch self {
        case .conservative: .fixedUSD(.dollars(5))
        case .balanced: .fixedUSD(.dollars(25))
        case .proportional: .proportional(Ratio(baseUnits: 100_000))
        }
    }

    var limits: CopyLimits {
        switch self {
        case .conservative:
            CopyLimits(maxSlippage: Price(baseUnits: 20_000), maxPerTrade: .dollars(10), maxPerMarket: .dollars(25),
                       totalBudget: .dollars(200), dailySpend: .dollars(50))
        case .balanced:
            CopyLimits(maxPerTrade: .dollars(50), maxPerMarket: .dollars(150), totalBudget: .dollars(1_000),
                       dailySpend: .dollars(250))
        case .proportional:
            CopyLimits(maxPerTrade: .dollars(100), maxPerMarket: .dollars(300), dailySpend: .dollars(500))
        }
    }
}

/// A partial edit of a profile's settings (`PATCH /copy-profiles/{id}`, and the overrides of
/// `POST /copy-profiles`); absent (or null) fields stay as they are.
struct ProfileSettingsPatch: Decodable, Sendable {
    struct SizingInput: Decodable, Sendable {
        var mode: String
        var amount: String
    }

    struct LimitsInput: Decodable, Sendable {
        var maxFillAgeSeconds: Int64?
        var minPrice: String?
        var maxPrice: String?
        var maxSlippage: String?
        var maxSellSlippage: String?
        var minTimeToResolutionSeconds: Int64?
        var minLeaderNotional: String?
        var maxPerTrade: String?
        var maxPerMarket: String?
        /// Across every outcome market of one event (issue #22).
        var maxEventExposure: String?
        var totalBudget: String?
        var dailySpend: String?
    }

    /// Copy quality's auto-pause rule (issue #22); `window` 0 removes it.
    struct AutoPauseInput: Decodable, Sendable {
        var maxDragPercent: String?
        var maxSlippageBpsP90: Int?
        var window: Int
    }

    var mode: String?
    var sizing: SizingInput?
    var limits: LimitsInput?
    var stopBehavior: String?
    var autoPause: AutoPauseInput?

    /// `profile` with this patch applied, or a 422 naming the first field that breaks a rule.
    func applied(to profile: CopyProfile) throws(APIError) -> CopyProfile {
        var edited = profile
        if let mode = self.mode { edited.mode = try Self.enumeration(TradingMode.self, mode, field: "mode") }
        if let behavior = self.stopBehavior {
            edited.stopBehavior = try Self.enumeration(StopBehavior.self, behavior, field: "stopBehavior")
        }
        if let sizing = self.sizing { edited.sizing = try Self.sizing(sizing) }
        if let limits = self.limits { edited.limits = try Self.limits(limits, over: edited.limits) }
        if let rule = self.autoPause { edited.limits.autoPause = try Self.autoPause(rule) }
        return edited
    }

    /// The rule, or `nil` for `window` 0; a window of 1 to 1000 copies with at least one limit.
    static func autoPause(_ input: AutoPauseInput) throws(APIError) -> AutoPauseRule? {
        if input.window == 0 { return nil }
        guard (1...1_000).contains(input.window) else {
            throw .invalid("autoPause.window", "autoPause.window must be 1 to 1000 copies (0 removes the rule)")
        }
        var drag: Ratio?
        if let text = input.maxDragPercent {
            let percent: Ratio = try Self.quantity(text, field: "autoPause.maxDragPercent")
            guard percent <= Ratio(baseUnits: 100_000_000) else {
                throw .invalid("autoPause.maxDragPercent", "autoPause.maxDragPercent must be a percentage from 0 to 100")
            }
            drag = percent
        }
        if let bps = input.maxSlippageBpsP90, !(0...10_000).contains(bps) {
            throw .invalid("autoPause.maxSlippageBpsP90", "autoPause.maxSlippageBpsP90 must be 0 to 10000 basis points")
        }
        guard drag != nil || input.maxSlippageBpsP90 != nil else {
            throw .invalid("autoPause", "autoPause needs maxDragPercent or maxSlippageBpsP90")
        }
        return AutoPauseRule(maxDragPercent: drag, maxSlippageBpsP90: input.maxSlippageBpsP90, window: input.window)
    }

    static func enumeration<T: RawRepresentable & CaseIterable>(_: T.Type, _ text: String, field: String) throws(APIError) -> T
        where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            throw .invalid(field, "\(field) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    static func sizing(_ input: SizingInput) throws(APIError) -> Sizing {
        let mode = try Self.enumeration(Sizing.Mode.self, input.mode, field: "sizing.mode")
        switch mode {
        case .fixedUSD:
            let amount: Collateral = try Self.quantity(input.amount, field: "sizing.amount")
            guard amount >= .dollars(1), amount <= .dollars(100_000) else {
                throw .invalid("sizing.amount", "sizing.amount must be between 1 and 100000 pUSD")
            }
            return .fixedUSD(amount)
        case .proportional, .percentOfBalance:
            let ratio: Ratio = try Self.quantity(input.amount, field: "sizing.amount")
            let ceiling = Ratio(baseUnits: mode == .proportional ? 10_000_000 : 1_000_000)
            guard ratio.baseUnits > 0, ratio <= ceiling else {
                throw .invalid("sizing.amount", "sizing.amount must be above 0 and at most \(ceiling)")
            }
            return Sizing(mode: mode, baseUnits: ratio.baseUnits)
        }
    }

    static func limits(_ input: LimitsInput, over current: CopyLimits) throws(APIError) -> CopyLimits {
        var limits = current
        if let seconds = input.maxFillAgeSeconds {
            guard (1...86_400).contains(seconds) else {
                throw .invalid("limits.maxFillAgeSeconds", "limits.maxFillAgeSeconds must be 1 to 86400")
            }
            limits.maxFillAge = .seconds(seconds)
        }
        if let seconds = input.minTimeToResolutionSeconds {
            guard (0...31_536_000).contains(seconds) else {
                throw .invalid("limits.minTimeToResolutionSeconds", "limits.minTimeToResolutionSeconds must be 0 to 31536000")
            }
            limits.minTimeToResolution = .seconds(seconds)
        }
        if let text = input.minPrice { limits.minPrice = try Self.price(text, field: "limits.minPrice") }
        if let text = input.maxPrice { limits.maxPrice = try Self.price(text, field: "limits.maxPrice") }
        if let text = input.maxSlippage { limits.maxSlippage = try Self.price(text, field: "limits.maxSlippage") }
        if let text = input.maxSellSlippage { limits.maxSellSlippage = try Self.price(text, field: "limits.maxSellSlippage") }
        if let text = input.minLeaderNotional {
            limits.minLeaderNotional = try Self.quantity(text, field: "limits.minLeaderNotional")
        }
        if let text = input.maxPerTrade { limits.maxPerTrade = try Self.quantity(text, field: "limits.maxPerTrade") }
        if let text = input.maxPerMarket { limits.maxPerMarket = try Self.quantity(text, field: "limits.maxPerMarket") }
        if let text = input.maxEventExposure {
            limits.maxPerEvent = try Self.quantity(text, field: "limits.maxEventExposure")
        }
        if let text = input.totalBudget { limits.totalBudget = try Self.quantity(text, field: "limits.totalBudget") }
        if let text = input.dailySpend { limits.dailySpend = try Self.quantity(text, field: "limits.dailySpend") }
        guard limits.minPrice < limits.maxPrice else {
            throw .invalid("limits.minPrice", "limits.minPrice must be below limits.maxPrice")
        }
        return limits
    }

    /// A non-negative six-decimal quantity.
    static func quantity<T: SixDecimalQuantity>(_ text: String, field: String) throws(APIError) -> T {
        guard let value = try? T(decimal: text), value.baseUnits >= 0 else {
            throw .invalid(field, "\(field) must be a non-negative decimal number")
        }
        return value
    }

    /// A price from 0 to 1.
    static func price(_ text: String, field: String) throws(APIError) -> Price {
        let price: Price = try Self.quantity(text, field: field)
        guard price <= .one else { throw .invalid(field, "\(field) must be between 0 and 1") }
        return price
    }
}
