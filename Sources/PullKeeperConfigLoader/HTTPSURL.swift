import Foundation
import PullKeeperConfig

/// Endpoint URLs in the config: https only (plain http only where IMDS needs it).
enum HTTPSURL {
    static func problem(with text: String, allowHTTP: Bool = false) -> String? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else {
            return "must be an absolute URL, found \"\(text)\""
        }
        if scheme == "https" || (allowHTTP && scheme == "http") { return nil }
        return allowHTTP ? "must be an http or https URL, found \"\(text)\"" : "must be an https URL, found \"\(text)\""
    }
}
