import AsyncHTTPClient
import Kernel
import Logging

extension Backends {
    /// Users' webhook endpoints, for the API and the pages.
    func webhookEndpoints(configuration: MirrorConfiguration, wallClock: WallClock) -> WebhookEndpoints {
        WebhookEndpoints(store: self.store, vault: self.vault, wallClock: wallClock, ids: self.ids,
                         limit: configuration.notifications.endpointLimit, allowLocal: configuration.mode == .local)
    }

    /// The webhook deliverer over these backends; local mode allows `http` and loopback receivers.
    func webhookDeliverer(configuration: MirrorConfiguration, wallClock: WallClock, logger: Logger,
                          transport: WebhookTransport = .http()) -> WebhookDeliverer {
        WebhookDeliverer(
            store: self.store, vault: self.vault, wallClock: wallClock, transport: transport,
            allowLocal: configuration.mode == .local, resolve: WebhookDestination.resolve,
            owner: "notifications-\(self.ids.next(String.self).rawValue.prefix(8))", logger: logger)
    }

    /// The notifications worker's tick over these backends.
    func notificationWorker(configuration: MirrorConfiguration, wallClock: WallClock, logger: Logger) -> NotificationWorker {
        let deliverer = self.webhookDeliverer(configuration: configuration, wallClock: wallClock, logger: logger)
        let telegram = self.telegramClient(configuration: configuration).map {
            TelegramSender(store: self.store, client: $0, wallClock: wallClock, owner: deliverer.owner, logger: logger)
        }
        return NotificationWorker(store: self.store, cache: self.cache, deliverer: deliverer, telegram: telegram,
                                  wallClock: wallClock,
                                  digestInterval: configuration.notifications.digestInterval, logger: logger)
    }

    /// The Bot API client, when `TELEGRAM_BOT_TOKEN` is set.
    func telegramClient(configuration: MirrorConfiguration) -> TelegramClient? {
        configuration.notifications.telegram.map { TelegramClient(settings: $0, http: HTTPClient.shared) }
    }

    /// Linking chats with one-time codes.
    func telegramLinking(wallClock: WallClock) -> TelegramLinking {
        TelegramLinking(store: self.store, cache: self.cache, wallClock: wallClock)
    }

    /// The `getUpdates` poller's tick, when Telegram is on.
    func telegramPoller(configuration: MirrorConfiguration, wallClock: WallClock, logger: Logger) -> TelegramPoller? {
        self.telegramClient(configuration: configuration).map {
            TelegramPoller(client: $0, linking: self.telegramLinking(wallClock: wallClock), cache: self.cache,
                           holder: "telegram-\(self.ids.next(String.self).rawValue.prefix(8))", logger: logger)
        }
    }
}
