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
        // Contiguous chunks (a ByteBuffer's view) are searched for newlines and copied in slices: a watch brings
        // megabytes, and a byte-by-byte loop costs most of a debug build's CPU.
        if let lines = try chunk.withContiguousStorageIfAvailable({ try append(contiguous: $0) }) { return lines }
        return try append(contiguous: Array(chunk)[...])
    }

    private mutating func append(contiguous bytes: UnsafeBufferPointer<UInt8>) throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            pending.append(contentsOf: bytes[start..<newline])
            if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
            if pending.count > maximumLineLength { throw LineTooLong() }
            if !pending.isEmpty { lines.append(pending) }
            pending.removeAll(keepingCapacity: true)
            start = newline + 1
        }
        pending.append(contentsOf: bytes[start...])
        if pending.count > maximumLineLength { throw LineTooLong() }
        return lines
    }

    private mutating func append(contiguous bytes: ArraySlice<UInt8>) throws -> [[UInt8]] {
        try bytes.withUnsafeBufferPointer { try append(contiguous: $0) }
    }

    /// The unterminated remainder at the end of the stream, if any.
    public mutating func finish() -> [UInt8]? {
        defer { pending.removeAll() }
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        return pending.isEmpty ? nil : pending
    }
}
