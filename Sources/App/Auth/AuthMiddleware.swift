import Foundation
import Hummingbird
import Kernel
import Logging

/// Verifies the bearer token of every request behind it and puts the signed-in user on the
/// context, creating the user (and starting their wallet's onboarding) at first sign-in. Any
/// token problem is the same 401; the reason goes to the debug log only.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let authority: TokenAuthority
    let accounts: Accounts
    /// Applied to the signed-in user's write requests; `nil` in tests that do not need it.
    var rateLimiter: UserWriteRateLimiter? = nil

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let authorization = request.headers[.authorization],
              authorization.count > 7, authorization.prefix(7).lowercased() == "bearer "
        else { throw APIError.unauthorized }
        let token = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        let identity: VerifiedIdentity
        do {
            identity = try await self.authority.verify(token)
        } catch {
            context.logger.debug("bearer token refused", metadata: ["auth.reason": "\(error)"])
            throw APIError.unauthorized
        }
        var context = context
        let user = try await self.accounts.signIn(identity, logger: context.logger)
        try await self.rateLimiter?.check(user.id, method: request.method, logger: context.logger)
        context.user = user
        context.signedInAt = identity.issuedAt
        return try await next(request, context)
    }
}

/// Users and their wallets as the API sees them: created at first sign-in, onboarded by the
/// onboarding worker (and by GET /wallet while the user watches).
actor Accounts {
    let store: any Store
    let onboarder: WalletOnboarder
    let wallClock: WallClock
    let ids: IDGenerator
    /// Runs once when a wallet is created (local mode: register and fund it on the simulated venue).
    let walletCreated: @Sendable (TradingWallet) async -> Void
    private var usersWithWallets: Set<UserID> = []
    private var creatingWallet: [UserID: Task<TradingWallet, any Error>] = [:]

    init(store: any Store, onboarder: WalletOnboarder, wallClock: WallClock, ids: IDGenerator,
         walletCreated: @escaping @Sendable (TradingWallet) async -> Void = { _ in }) {
        self.store = store
        self.onboarder = onboarder
        self.wallClock = wallClock
        self.ids = ids
        self.walletCreated = walletCreated
    }

    /// The user for `identity`, created with a wallet on first sign-in. Onboarding the wallet is
    /// the onboarding worker's queued work (every wallet not READY), so a restart loses nothing;
    /// GET /wallet also moves it on while the user watches.
    func signIn(_ identity: VerifiedIdentity, logger: Logger) async throws -> User {
        let user = try await self.user(externalID: identity.subject)
        if !self.usersWithWallets.contains(user.id) {
            _ = try await self.wallet(of: user)
            self.usersWithWallets.insert(user.id)
        }
        return user
    }

    /// Moves the wallet's onboarding on as far as it goes now. Concurrent runs (this request,
    /// the worker, another instance) are safe: every step is a compare-and-set or an idempotent
    /// relayer row in the wallet's sequence.
    func advance(_ walletID: WalletID) async throws -> TradingWallet {
        try await self.onboarder.advance(walletID)
    }

    /// The user's wallet, created (key generated and sealed) if they have none yet; concurrent
    /// first requests of one user share one creation.
    func wallet(of user: User) async throws -> TradingWallet {
        if let running = self.creatingWallet[user.id] { return try await running.value }
        let (store, onboarder, walletCreated) = (self.store, self.onboarder, self.walletCreated)
        let task = Task {
            if let existing = try await store.wallets(userID: user.id).first { return existing }
            let wallet = try await onboarder.ensureWallet(for: user.id)
            await walletCreated(wallet)
            return wallet
        }
        self.creatingWallet[user.id] = task
        defer { self.creatingWallet[user.id] = nil }
        return try await task.value
    }

    private func user(externalID: String) async throws -> User {
        if let known = try await self.store.user(externalID: externalID) { return known }
        let user = User(id: self.ids.next(), externalID: externalID, loginAddress: nil, createdAt: self.wallClock.now())
        do {
            try await self.store.insertUser(user)
            return user
        } catch StoreError.duplicate {
            // Another replica created them first.
            guard let raced = try await self.store.user(externalID: externalID) else { throw StoreError.duplicate(entity: "users", key: externalID) }
            return raced
        }
    }
}
