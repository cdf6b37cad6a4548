import Kernel
import Logging
import Metrics
import PolymarketProtocol

/// Which service a request goes to; each has its own base URL and general rate-limit family.
enum Service: Sendable {
    case clob
    case gamma
    case dataAPI
    case relayer

    var generalFamily: RouteFamily {
        switch self {
        case .clob: .clob
        case .gamma: .gamma
        case .dataAPI: .dataAPI
        case .relayer: .relayer
        }
    }

    func baseURL(in configuration: PolymarketConfiguration) -> String {
        switch self {
        case .clob: configuration.clobURL
        case .gamma: configuration.gammaURL
        case .dataAPI: configuration.dataAPIURL
        case .relayer: configuration.relayerURL
        }
    }
}

/// One call the adapter makes, before headers are added.
struct Endpoint: Sendable {
    enum Auth: Sendable {
        /// Public (L0).
        case none
        /// Wallet-signed headers (L1), made by the caller.
        case l1([HTTPHeader])
        /// HMAC headers (L2) for this account's API key, made over the exact body.
        case l2(TradingAccount)
        /// The relayer's builder HMAC or relayer-key headers (spec §11.1), made over the exact body.
        case relayer(RelayerAuthentication)
    }

    var service: Service
    var method: String
    var path: String
    var query: [HTTPRequest.QueryItem] = []
    var body: String? = nil
    /// The route's own family, besides the service's general one.
    var family: RouteFamily?
    var auth: Auth = .none
    /// Skipped rather than waited for when its families' budget is spent (throws
    /// `VenueError.rateLimited` without sending): for reads whose caller has a fallback.
    var bestEffort = false

    var families: [RouteFamily] { [self.service.generalFamily] + (self.family.map { [$0] } ?? []) }
}

/// A reply with its body read as JSON where it is JSON.
struct Reply: Sendable {
    var response: HTTPResponse
    var json: JSONValue?
    /// Hides the secrets of this request's headers from anything derived from the reply.
    var redactor: Redactor

    var status: Int { self.response.status }
    var isSuccess: Bool { (200...299).contains(self.status) }
}

/// The request pipeline every route shares: rate limit, auth headers, timeout, send, classify.
/// Logs method, path, status and duration only — never headers or bodies.
struct VenueHTTP: Sendable {
    let configuration: PolymarketConfiguration
    let transport: any HTTPTransport
    let limiter: RateLimiter
    let clock: any AdapterClock
    let credentials: any CLOBCredentialProvider
    let logger: Logger

    /// Sends `endpoint` and returns whatever status came back; throws only for transport
    /// failures, 429 (after pausing the family) and errors that no route reads as a value.
    func perform(_ endpoint: Endpoint) async throws -> Reply {
        if endpoint.bestEffort {
            guard await self.limiter.tryAcquire(endpoint.families) else { throw VenueError.rateLimited(retryAfter: nil) }
        } else {
            try await self.limiter.acquire(endpoint.families)
        }
        let started = self.clock.now()
        var headers: [HTTPHeader] = [HTTPHeader(name: "Accept", value: "application/json")]
        var redactor = Redactor.none
        switch endpoint.auth {
        case .none:
            break
        case .l1(let fields):
            headers += fields
            redactor = Redactor(fields.filter { $0.name == "POLY_SIGNATURE" }.map(\.value))
        case .l2(let account):
            let credentials = try await self.credentials.credentials(for: account)
            let l2 = HMACAuth.l2Headers(
                address: self.configuration.apiKeyOwner.address(of: account).ethereum, credentials: credentials,
                timestamp: started.epochMilliseconds / 1_000, method: endpoint.method, requestPath: endpoint.path,
                body: endpoint.body)
            headers += l2.fields
            redactor = Redactor([l2.signature, l2.passphrase])
        case .relayer(let authentication):
            let signed = authentication.headers(
                timestamp: started.epochMilliseconds / 1_000, method: endpoint.method, path: endpoint.path,
                body: endpoint.body)
            headers += signed.fields
            redactor = Redactor(signed.secrets)
        }
        if endpoint.body != nil { headers.append(HTTPHeader(name: "Content-Type", value: "application/json")) }
        let request = HTTPRequest(
            method: endpoint.method,
            baseURL: endpoint.service.baseURL(in: self.configuration),
            path: endpoint.path, query: endpoint.query, headers: headers, body: endpoint.body,
            timeout: self.configuration.requestTimeout)

        let response: HTTPResponse
        do {
            response = try await self.transport.send(request)
        } catch let error as VenueError {
            self.record(endpoint, outcome: "\(error.indicatesOutage ? "outage" : "refused")", since: started)
            throw error
        }
        self.record(endpoint, outcome: String(response.status), since: started)
        let reply = Reply(response: response, json: JSONValue.parse(response.body), redactor: redactor)
        if response.status == 429 || (reply.isSuccess && ErrorMapping.isRateLimitInSuccess(reply.json)) {
            let error = ErrorMapping.error(for: response, now: self.clock.now(), redactor: redactor)
            if case .rateLimited(let retryAfter?) = error {
                await self.limiter.pause(endpoint.families, until: self.clock.now() + retryAfter)
            }
            throw error
        }
        if case .l2(let account) = endpoint.auth, response.status == 401 || response.status == 403 {
            await self.credentials.invalidate(walletID: account.walletID)
        }
        return reply
    }

    /// ``perform(_:)`` for routes whose only good answer is a 2xx JSON body without an error.
    func json(_ endpoint: Endpoint) async throws -> JSONValue {
        let reply = try await self.perform(endpoint)
        return try Self.requireJSON(reply, endpoint: endpoint, now: self.clock.now())
    }

    static func requireJSON(_ reply: Reply, endpoint: Endpoint, now: Timestamp) throws -> JSONValue {
        guard reply.isSuccess, !ErrorMapping.isErrorInSuccess(reply.json) else {
            throw ErrorMapping.error(for: reply.response, now: now, redactor: reply.redactor)
        }
        guard let json = reply.json else {
            throw VenueError.malformedResponse("\(endpoint.method) \(endpoint.path): body is not JSON")
        }
        return json
    }

    private func record(_ endpoint: Endpoint, outcome: String, since started: Timestamp) {
        let elapsed = self.clock.now().since(started)
        self.logger.debug("polymarket request", metadata: [
            "method": "\(endpoint.method)", "path": "\(endpoint.path)", "outcome": "\(outcome)",
            "elapsed_ms": "\(elapsed.wholeMilliseconds)",
        ])
        Counter(label: "mirror_polymarket_requests_total",
                dimensions: [("family", (endpoint.family ?? endpoint.service.generalFamily).rawValue), ("outcome", outcome)])
            .increment()
    }
}
