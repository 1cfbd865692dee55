/// Splits a byte stream into `\n`-terminated lines, reassembling lines that span chunks.
public struct LineSplitter: Sendable {
    private var pending: [UInt8] = []
    /// Lines longer than this are an error rather than unbounded memory.
    public let maximumLineLength: Int

    public struct LineTooLong: Error, Sendable {}

    public init(maximumLineLength: Int = 32 * 1024 * 1024) {
        self.maximumLineLength = maximumLineLength
    }

    /// Appends a chunk and returns the complete lines it finished (without `\n`, `\r\n`, or blank lines).
    public mutating func append<Bytes: Sequence<UInt8>>(_ chunk: Bytes) throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in chunk {
            if byte == UInt8(ascii: "\n") {
                if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                if !pending.isEmpty { lines.append(pending) }
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
                if pending.count > maximumLineLength { throw LineTooLong() }
            }
        }
        return lines
    }

    /// The unterminated remainder at the end of the stream, if any.
    public mutating func finish() -> [UInt8]? {
        defer { pending.removeAll() }
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        return pending.isEmpty ? nil : pending
    }
}
