import Crypto
import Foundation
import PullKeeperCore

/// Names fixed by PRODUCT.md §1 and §2.
public enum SecretLayout {
    public static let dockerConfigJSONType = "kubernetes.io/dockerconfigjson"
    public static let dockerConfigJSONKey = ".dockerconfigjson"
    public static let managedByLabel = "app.kubernetes.io/managed-by"
    public static let managedByValue = "pullkeeper"
    public static let expiresAtAnnotation = "pullkeeper.io/expires-at"
    public static let refreshedAtAnnotation = "pullkeeper.io/refreshed-at"
    public static let inputsHashAnnotation = "pullkeeper.io/inputs-hash"
    /// Hash of the `.dockerconfigjson` pullkeeper wrote: an edit of the payload by someone else is noticed and
    /// repaired (a tampered password would otherwise look valid until expiry).
    public static let contentHashAnnotation = "pullkeeper.io/content-hash"
    public static let registriesAnnotation = "pullkeeper.io/registries"
    public static let identityAnnotation = "pullkeeper.io/identity"
    public static let serviceAccountsAnnotation = "pullkeeper.io/service-accounts"
    public static let secretNameAnnotation = "pullkeeper.io/secret-name"
    public static let scopeAnnotation = "pullkeeper.io/scope"
    public static let attachAnnotation = "pullkeeper.io/attach"
    /// The username ACR expects with a refresh or access token.
    public static let tokenUsername = "00000000-0000-0000-0000-000000000000"

    /// Hash of what the Secret was made from: a change forces a new credential.
    public static func inputsHash(identity: String, registries: [String], scope: String?) -> String {
        let text =
            "identity=\(identity)\nregistries=\(registries.sorted().joined(separator: ","))\nscope=\(scope ?? "")"
        return SHA256.hash(data: Data(text.utf8)).prefix(12).hexEncoded
    }

    /// Hash of a `.dockerconfigjson` payload, for `contentHashAnnotation`.
    public static func contentHash(_ data: Data) -> String {
        SHA256.hash(data: data).prefix(12).hexEncoded
    }

    /// RFC 3339 in UTC, whole seconds.
    public static func timestamp(_ date: Date) -> String {
        RFC3339.format(date)
    }

    public static func parseTimestamp(_ text: String?) -> Date? {
        text.flatMap(RFC3339.parse)
    }
}
