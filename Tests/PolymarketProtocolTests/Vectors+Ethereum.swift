import Testing

extension VectorChecks {
    static func eoaAddress(_ vector: VectorCase) throws { Issue.record("\(vector.id): not checked yet") }
    static func keccak256(_ vector: VectorCase) throws { Issue.record("\(vector.id): not checked yet") }
    static func eip55(_ vector: VectorCase) throws { Issue.record("\(vector.id): not checked yet") }
    static func calldata(_ vector: VectorCase) throws { Issue.record("\(vector.id): not checked yet") }
}
