import Foundation
import Kernel

/// `PATCH /me`: the user's account-wide settings. `maxEventExposure` (issue #22) caps what all the
/// user's live follows together may have committed across every outcome market of one event: a
/// decimal USD string sets it, `null` clears it, and leaving it out keeps it. Other fields are
/// ignored, as everywhere in the API.
struct MePatch: Decodable {
    /// `.none`: absent; `.some(nil)`: null (clear); `.some(text)`: set.
    var maxEventExposure: String??

    enum CodingKeys: String, CodingKey {
        case maxEventExposure
    }

    /// A patch that sets (`text`) or clears (`nil`) the cap: the web app's account form.
    init(maxEventExposure text: String?) {
        self.maxEventExposure = .some(text)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.maxEventExposure) {
            self.maxEventExposure = .some(try container.decodeNil(forKey: .maxEventExposure)
                ? nil : try container.decode(String.self, forKey: .maxEventExposure))
        }
    }

    /// The cap this patch leaves on a user whose cap is `current`, or a 422 naming the field.
    func applied(to current: Collateral?) throws(APIError) -> Collateral? {
        guard let change = self.maxEventExposure else { return current }
        guard let text = change else { return nil }
        let cap: Collateral = try ProfileSettingsPatch.quantity(text, field: "maxEventExposure")
        guard Self.isExact(text, cap) else {
            throw .invalid("maxEventExposure", "maxEventExposure must have at most 6 decimal places")
        }
        return cap
    }

    /// Whether `text` is `parsed` exactly: the parser rounds past 6 places, and a cap must never be
    /// silently other than what was asked for.
    static func isExact(_ text: String, _ parsed: Collateral) -> Bool {
        guard let asked = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else { return false }
        return asked == Decimal(parsed.baseUnits) / Decimal(1_000_000)
    }
}

extension MeView {
    init(_ user: User, wallet: TradingWallet?) {
        self.init(id: user.id.rawValue, externalId: user.externalID, createdAt: user.createdAt.description,
                  walletOnboarding: wallet?.onboarding.rawValue, maxEventExposure: user.maxEventExposure?.description)
    }
}

extension APIDependencies {
    /// Applies `PATCH /me` and stores a change with its audit line (`user.settings_changed`).
    func editMe(_ patch: MePatch, of user: User) async throws -> MeView {
        let cap = try patch.applied(to: user.maxEventExposure)
        var stored = user
        if cap != user.maxEventExposure {
            let describe: (Collateral?) -> String = { $0?.description ?? "none" }
            try await self.store.setMaxEventExposure(userID: user.id, cap, audit: AuditEntry(
                id: self.ids.next(), actor: "user:\(user.id.rawValue)", action: "user.settings_changed",
                subjectType: "user", subjectID: user.id.rawValue,
                details: "maxEventExposure \(describe(user.maxEventExposure)) -> \(describe(cap))",
                createdAt: self.wallClock.now()))
            stored.maxEventExposure = cap
        }
        return MeView(stored, wallet: try await self.store.wallets(userID: user.id).first)
    }
}
