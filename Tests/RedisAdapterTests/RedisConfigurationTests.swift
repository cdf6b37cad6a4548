import RedisAdapter
import Testing

@Suite struct RedisConfigurationTests {
    @Test func aFullURLGivesEveryPart() throws {
        let configuration = try RedisConfiguration(url: "redis://mirror:s3cret@cache.internal:6380/4")
        #expect(configuration.host == "cache.internal")
        #expect(configuration.port == 6380)
        #expect(configuration.username == "mirror")
        #expect(configuration.password == "s3cret")
        #expect(configuration.database == 4)
    }

    @Test func aBareHostTakesTheDefaults() throws {
        let configuration = try RedisConfiguration(url: "redis://127.0.0.1")
        #expect(configuration.endpoint == "127.0.0.1:6379")
        #expect(configuration.username == nil)
        #expect(configuration.password == nil)
        #expect(configuration.database == 0)
    }

    @Test func aPasswordWithoutUserAndPercentEscapesParse() throws {
        let passwordOnly = try RedisConfiguration(url: "redis://:p%40ss%3Aword@localhost:56999/")
        #expect(passwordOnly.username == nil)
        #expect(passwordOnly.password == "p@ss:word")
        #expect(passwordOnly.database == 0)
        // An unencoded "@" in the password: the last "@" ends the credentials.
        let unencoded = try RedisConfiguration(url: "redis://user:a@b@localhost")
        #expect(unencoded.password == "a@b")
        #expect(unencoded.host == "localhost")
        let userOnly = try RedisConfiguration(url: "redis://reader@localhost")
        #expect(userOnly.username == "reader")
        #expect(userOnly.password == nil)
    }

    @Test func anIPv6HostIsBracketed() throws {
        let configuration = try RedisConfiguration(url: "redis://[::1]:7000/2")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 7000)
        #expect(configuration.endpoint == "[::1]:7000")
        #expect(configuration.database == 2)
    }

    @Test(arguments: [
        "http://localhost:6379", "rediss://localhost:6379", "redis://", "redis://localhost:0",
        "redis://localhost:99999", "redis://localhost:port", "redis://localhost/db", "redis://localhost/-1",
        "redis://localhost?timeout=1", "redis://u:%zz@localhost", "redis://[::1:6379",
    ])
    func malformedURLsAreRefused(_ url: String) {
        #expect(throws: RedisCacheError.self) { try RedisConfiguration(url: url) }
    }

    @Test func thePasswordNeverShowsInDescriptionsOrErrors() throws {
        let canary = "CANARY-pw-7f3a91"
        let configuration = try RedisConfiguration(url: "redis://mirror:\(canary)@cache.internal:6380/4")
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(configuration.description == "redis://mirror:***@cache.internal:6380/4")
        #expect(!String(reflecting: configuration).contains(canary))
        #expect(!dumped.contains(canary))
        #expect(!"\(configuration)".contains(canary))

        let error = #expect(throws: RedisCacheError.self) {
            try RedisConfiguration(url: "redis://mirror:\(canary)@cache.internal:notaport")
        }
        #expect(!String(describing: error).contains(canary))
        #expect(!String(reflecting: error).contains(canary))
    }
}
