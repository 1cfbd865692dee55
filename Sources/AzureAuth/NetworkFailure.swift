import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Connection-level failures in words a user acts on ("cannot resolve pk-typo.azurecr.io", "connection refused",
/// "TLS: unknown authority", "timed out after 10 s"), from the errors NIO, NIOSSL and AsyncHTTPClient throw.
/// Never a payload: these errors carry hosts, ports and library codes only.
enum NetworkFailure {
    /// What went wrong reaching `host` (`host[:port]` as the URL names it); `timeout`: the request's limit.
    static func describe(_ error: any Error, host: String, timeout: Duration) -> String {
        if let connection = error as? NIOConnectionError {
            if connection.connectionErrors.isEmpty, connection.dnsAError != nil || connection.dnsAAAAError != nil {
                return "cannot resolve \(connection.host)"
            }
            if let first = connection.connectionErrors.first {
                return describe(first.error, host: host, timeout: timeout)
            }
        }
        if error is SocketAddressError { return "cannot resolve \(hostName(host))" }
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return "connection refused by \(host)"
            case ECONNRESET: return "connection reset by \(host)"
            case ENETUNREACH, EHOSTUNREACH: return "no route to \(host)"
            case ETIMEDOUT: return "timed out connecting to \(host)"
            default: break
            }
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return "\(host): timed out after \(seconds(timeout)) s"
            case .connectTimeout:
                return "timed out connecting to \(host)"
            case .remoteConnectionClosed:
                return "\(host) closed the connection"
            default:
                break
            }
        }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            return "TLS: \(tlsReason(error)) (\(host))"
        }
        // Unknown shapes: classify by text (the library's own, never a payload), else its type and text.
        let text = String(describing: error)
        let lower = text.lowercased()
        if lower.contains("connection refused") || lower.contains("errno: 111") {
            return "connection refused by \(host)"
        }
        if lower.contains("certificate") || lower.contains("ssl") || lower.contains("tls") {
            return "TLS: \(tlsReason(error)) (\(host))"
        }
        if lower.contains("resolve") || lower.contains("dns") || lower.contains("getaddrinfo") {
            return "cannot resolve \(hostName(host))"
        }
        return "cannot reach \(host): \(text.prefix(300))"
    }

    /// The TLS failure in words; an unverifiable chain is the common case (a private CA not in `caFile`).
    static func tlsReason(_ error: any Error) -> String {
        let text = String(describing: error).lowercased()
        if text.contains("unable to get local issuer") || text.contains("unknown ca")
            || text.contains("self signed") || text.contains("self-signed") || text.contains("unable_to_get_issuer")
            || text.contains("certificate_verify_failed") || text.contains("certificate verify failed")
        {
            return "unknown authority"
        }
        if text.contains("expired") { return "certificate expired" }
        if text.contains("hostname") || text.contains("host name") || text.contains("ip address mismatch") {
            return "certificate does not name the host"
        }
        return "handshake failed: \(String(describing: error).prefix(200))"
    }

    static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return value == value.rounded() ? "\(Int(value))" : String(format: "%.1f", value)
    }

    private static func hostName(_ host: String) -> String {
        guard let colon = host.lastIndex(of: ":"), !host.hasPrefix("[") else { return host }
        return String(host[..<colon])
    }
}
