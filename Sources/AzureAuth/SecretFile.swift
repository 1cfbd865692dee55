import Foundation

/// Reads small secret files (secrets, passwords, tokens, PEMs) fresh on every use, so rotation needs no restart.
enum SecretFile {
    /// Files larger than this are refused: secrets are small, and a wrong path must not load a disk image.
    static let maxBytes = 1 << 20

    /// The file's content without surrounding whitespace; throws `unreadableFile` naming `what` and the path.
    static func read(_ path: String, what: String) throws -> String {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        } catch {
            throw AzureAuthError(code: .unreadableFile, detail: "cannot read the \(what) file \(path)")
        }
        guard data.count <= maxBytes else {
            throw AzureAuthError(code: .unreadableFile, detail: "the \(what) file \(path) is larger than 1 MiB")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw AzureAuthError(code: .unreadableFile, detail: "the \(what) file \(path) is not UTF-8 text")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw AzureAuthError(code: .unreadableFile, detail: "the \(what) file \(path) is empty")
        }
        return trimmed
    }
}
