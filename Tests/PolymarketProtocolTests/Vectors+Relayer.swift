import Testing

extension VectorChecks {
    static func walletDerivation(_ vector: VectorCase) throws { Issue.record("\(vector.id): not checked yet") }
    static func safeRelayerTx(_ vector: VectorCase) throws { Issue.record("\(vector.id): not checked yet") }
    static func proxyRelayerTx(_ vector: VectorCase) throws { Issue.record("\(vector.id): not checked yet") }
    static func safeCreateRelayerTx(_ vector: VectorCase) throws { Issue.record("\(vector.id): not checked yet") }
    static func depositWalletBatch(_ vector: VectorCase) throws { Issue.record("\(vector.id): not checked yet") }
}
