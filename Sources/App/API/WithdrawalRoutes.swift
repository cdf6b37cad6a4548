import Foundation
import Hummingbird
import Kernel

/// `POST /withdrawals`: how much, where to, and the client's key that makes a retry of the
/// request the same withdrawal.
struct WithdrawalRequest: Decodable {
    var amount: String
    var destination: String
    var idempotencyKey: String
}

struct WithdrawalView: Codable {
    var id: String
    var status: String
    var amount: String?
    var destination: String?
    var transactionHash: String?
    var lastError: String?
    var createdAt: String

    init(_ tx: RelayerTx) {
        self.id = tx.id.rawValue
        self.status = tx.status.rawValue
        self.amount = tx.amount?.description
        self.destination = tx.destination?.checksummed
        self.transactionHash = tx.transactionHash
        self.lastError = tx.lastError
        self.createdAt = tx.createdAt.description
    }
}

extension WithdrawalView: ResponseEncodable {}

struct WithdrawalList: ResponseEncodable {
    var withdrawals: [WithdrawalView]
}

extension Router where Context == AppRequestContext {
    /// The signed-in user's withdrawals.
    func addWithdrawalRoutes(_ withdrawals: Withdrawals, authentication: AuthMiddleware) {
        let routes = self.group().add(middleware: authentication)
        routes.post("/withdrawals") { request, context -> EditedResponse<WithdrawalView> in
            let user = try context.requireUser()
            let body = try await request.decodeJSON(as: WithdrawalRequest.self, context: context)
            let (amount, destination) = try WithdrawalInput.validated(amount: body.amount, destination: body.destination)
            guard (1...100).contains(body.idempotencyKey.count) else {
                throw APIError.invalid("idempotencyKey", "idempotencyKey must be 1 to 100 characters")
            }
            let known = try await withdrawals.list(userID: user.id, limit: 500).map(\.id)
            do {
                let tx = try await withdrawals.request(userID: user.id, amount: amount, destination: destination,
                                                       clientKey: body.idempotencyKey)
                return EditedResponse(status: known.contains(tx.id) ? .ok : .created, response: WithdrawalView(tx))
            } catch Withdrawals.Failure.insufficientBalance(let available) {
                throw APIError.invalid("amount", "amount exceeds the available balance of \(available)")
            } catch Withdrawals.Failure.keyReused {
                throw APIError.conflict("idempotencyKey was already used for a different withdrawal")
            } catch Withdrawals.Failure.noWallet, Withdrawals.Failure.walletNotReady {
                throw APIError.conflict("the trading wallet is not ready yet; see GET /wallet")
            }
        }
        routes.get("/withdrawals") { _, context -> WithdrawalList in
            let user = try context.requireUser()
            return WithdrawalList(withdrawals: try await withdrawals.list(userID: user.id).map(WithdrawalView.init))
        }
    }
}
