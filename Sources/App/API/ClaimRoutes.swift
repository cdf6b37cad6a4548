import Hummingbird
import Kernel

/// One claim: the redemption of a resolved market's winning shares by the auto-claim worker.
struct ClaimView: Codable {
    var id: String
    var status: String
    var conditionId: String?
    /// What the winning shares pay, in collateral.
    var amount: String?
    var transactionHash: String?
    var lastError: String?
    var createdAt: String
    var updatedAt: String

    init(_ tx: RelayerTx) {
        self.id = tx.id.rawValue
        self.status = tx.status.rawValue
        self.conditionId = RelayerTxDriver.conditionID(ofRedeemKey: tx.idempotencyKey)
        self.amount = tx.amount?.description
        self.transactionHash = tx.transactionHash
        self.lastError = tx.lastError
        self.createdAt = tx.createdAt.description
        self.updatedAt = tx.updatedAt.description
    }
}

struct ClaimList: ResponseEncodable, Decodable {
    var claims: [ClaimView]
}

extension Router where Context == AppRequestContext {
    /// `GET /claims`: the signed-in user's winnings claimed (or being claimed) by auto-claim, so
    /// money coming back is as visible as money going out (`GET /withdrawals`).
    func addClaimRoutes(store: any Store, authentication: AuthMiddleware) {
        self.group().add(middleware: authentication).get("/claims") { _, context -> ClaimList in
            let user = try context.requireUser()
            let claims = try await store.relayerTxs(userID: user.id, limit: 500).filter { $0.kind == .redeem }
            return ClaimList(claims: claims.map(ClaimView.init))
        }
    }
}
