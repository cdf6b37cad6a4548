import Ethereum
import Foundation
import Hummingbird
import Kernel
import PolymarketProtocol

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

/// `POST /withdrawal-addresses`: an address for the book and the user's own note.
struct WithdrawalAddressRequest: Decodable {
    var address: String
    var label: String?
}

struct WithdrawalAddressView: Codable, ResponseEncodable {
    var address: String
    var label: String?
    var createdAt: String
    var usableAt: String

    init(_ entry: WithdrawalAddress) {
        self.address = entry.address.checksummed
        self.label = entry.label
        self.createdAt = entry.createdAt.description
        self.usableAt = entry.usableAt.description
    }
}

struct WithdrawalAddressList: ResponseEncodable {
    var addresses: [WithdrawalAddressView]
}

/// Where money may be sent, checked before anything else (issue #21): a 0x address, its EIP-55
/// checksum right when it is mixed case, not the zero address, not a Polymarket contract (which
/// would keep the money).
enum WithdrawalDestination {
    static let contracts: Set<WalletAddress> = Set(Contracts.all.compactMap { try? WalletAddress($0.address.lowercased) })

    static func parse(_ text: String, field: String) throws -> WalletAddress {
        let address: Address
        do {
            address = try Address(checksummedHex: text.trimmingCharacters(in: .whitespaces))
        } catch EthereumError.invalidChecksum {
            throw APIError.invalid(field, "\(field) has a wrong EIP-55 checksum (mixed case must match it exactly); check the address")
        } catch {
            throw APIError.invalid(field, "\(field) must be 0x followed by 40 hex digits")
        }
        guard address != .zero else { throw APIError.invalid(field, "\(field) must not be the zero address") }
        guard let wallet = try? WalletAddress(address.lowercased) else {
            throw APIError.invalid(field, "\(field) must be 0x followed by 40 hex digits")
        }
        guard !Self.contracts.contains(wallet) else {
            throw APIError.invalid(field, "\(field) is a Polymarket contract, which cannot send the money back")
        }
        return wallet
    }
}

extension Router where Context == AppRequestContext {
    /// The signed-in user's withdrawals and withdrawal address book.
    func addWithdrawalRoutes(_ withdrawals: Withdrawals, addressBook: AddressBook, authentication: AuthMiddleware) {
        let routes = self.group().add(middleware: authentication)
        routes.post("/withdrawals") { request, context -> EditedResponse<WithdrawalView> in
            let user = try context.requireUser()
            let body = try await request.decodeJSON(as: WithdrawalRequest.self, context: context)
            let (amount, destination) = try WithdrawalInput.validated(amount: body.amount, destination: body.destination)
            guard (1...100).contains(body.idempotencyKey.count) else {
                throw APIError.invalid("idempotencyKey", "idempotencyKey must be 1 to 100 characters")
            }
            let known = try await withdrawals.list(userID: user.id, limit: 500).map(\.id)
            // Withdrawals.Failure is answered by ErrorMapping, the one place the pages share.
            let tx = try await withdrawals.request(userID: user.id, amount: amount, destination: destination,
                                                   clientKey: body.idempotencyKey)
            return EditedResponse(status: known.contains(tx.id) ? .ok : .created, response: WithdrawalView(tx))
        }
        routes.get("/withdrawals") { _, context -> WithdrawalList in
            let user = try context.requireUser()
            return WithdrawalList(withdrawals: try await withdrawals.list(userID: user.id).map(WithdrawalView.init))
        }
        routes.get("/withdrawal-addresses") { _, context -> WithdrawalAddressList in
            let user = try context.requireUser()
            return WithdrawalAddressList(addresses: try await addressBook.list(userID: user.id).map(WithdrawalAddressView.init))
        }
        routes.post("/withdrawal-addresses") { request, context -> EditedResponse<WithdrawalAddressView> in
            let user = try context.requireUser()
            let body = try await request.decodeJSON(as: WithdrawalAddressRequest.self, context: context)
            let address = try WithdrawalDestination.parse(body.address, field: "address")
            if let label = body.label, label.count > 100 { throw APIError.invalid("label", "label must be at most 100 characters") }
            do {
                let entry = try await addressBook.add(userID: user.id, address: address, label: body.label,
                                                      signedInAt: context.signedInAt)
                return EditedResponse(status: .created, response: WithdrawalAddressView(entry))
            } catch AddressBook.Failure.signInTooOld {
                throw APIError(status: .forbidden,
                               message: "adding a withdrawal address needs a sign-in from the last 10 minutes; sign in again and retry",
                               field: nil)
            } catch AddressBook.Failure.ownWallet {
                throw APIError.invalid("address", "address is your own trading wallet")
            }
        }
        routes.delete("/withdrawal-addresses/:address") { _, context -> HTTPResponse.Status in
            let user = try context.requireUser()
            let text = try context.parameters.require("address")
            guard let address = try? WalletAddress(text) else {
                throw APIError.invalid("address", "address must be 0x followed by 40 hex digits")
            }
            guard try await addressBook.remove(userID: user.id, address: address) else {
                throw APIError.notFound("withdrawal address")
            }
            return .noContent
        }
    }
}
