import Foundation

/// Reads small secret files (secrets, passwords, tokens, PEMs) fresh on every use, so rotation needs no restart.
public enum SecretFile {
    /// Files larger than this are refused: secrets are small, and a wrong path must not load a disk image.
    public static let maxBytes = 1 << 20

    /// The file's content without surrounding whitespace; throws `unreadableFile` naming `what` and the path.
    public static func read(_ path: String, what: String) throws -> String {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        } catch {
            throw AzureAuthError(
                code: .unreadableFile, detail: "cannot read the \(what) file \(path): \(Self.reason(error))")
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

    /// Why a file could not be opened, in words (no such file, permission denied, ...), never its content.
    static func reason(_ error: any Error) -> String {
        let error = error as NSError
        if error.domain == NSCocoaErrorDomain, let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue)).lowercased()
        }
        if error.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(error.code)) {
            return String(cString: strerror(code.rawValue)).lowercased()
        }
        switch error.code {
        case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file"
        case NSFileReadNoPermissionError: return "permission denied"
        default: return "error \(error.code)"
        }
    }
}
