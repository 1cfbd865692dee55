import Foundation
import PullKeeperCore

/// The parts of a JWT this library reads; the signature is not verified (the issuer is trusted over TLS).
public struct JWTClaims: Sendable {
    /// The `exp` claim.
    public var expiresOn: Date?
    /// The `nbf` claim.
    public var notBefore: Date?
    /// The `iat` claim.
    public var issuedAt: Date?
    /// `tid` (Entra) or `tenant` (ACR), if present.
    public var tenant: String?
    /// `aud` when it is a single string.
    public var audience: String?
    /// The `access` claim of a registry access token: what it lets its bearer do (empty when absent or malformed).
    public var access: [RegistryAccess] = []

    /// Decodes the payload of a compact JWS. Throws `invalidJWT` naming the faulty segment or claim.
    public static func decode(_ token: String, name: String = "token") throws -> JWTClaims {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3 else {
            throw invalid(name, "has \(segments.count) segments, expected 3")
        }
        guard let headerBytes = LenientBase64.decode(segments[0]),
            (try? JSONSerialization.jsonObject(with: Data(headerBytes))) is [String: Any]
        else {
            throw invalid(name, "header is not base64-encoded JSON")
        }
        guard let payloadBytes = LenientBase64.decode(segments[1]) else {
            throw invalid(name, "payload is not base64")
        }
        let payload: Payload
        do {
            payload = try JSONDecoder().decode(Payload.self, from: Data(payloadBytes))
        } catch {
            throw invalid(name, "payload is not a JSON object with numeric time claims")
        }
        return JWTClaims(
            expiresOn: payload.exp?.date, notBefore: payload.nbf?.date, issuedAt: payload.iat?.date,
            tenant: payload.tid ?? payload.tenant, audience: payload.aud?.single,
            access: (payload.access?.value ?? []).compactMap(\.value)
        )
    }

    /// The `exp` of a JWT, required.
    public static func expiry(of token: String, name: String = "token") throws -> Date {
        guard let expiry = try decode(token, name: name).expiresOn else {
            throw invalid(name, "has no exp claim")
        }
        return expiry
    }

    private static func invalid(_ name: String, _ reason: String) -> AzureAuthError {
        AzureAuthError(code: .invalidJWT, detail: "the \(name) is not a valid JWT: it \(reason)")
    }
}

extension JWTClaims {
    private struct Payload: Decodable {
        var exp: FlexibleEpoch?
        var nbf: FlexibleEpoch?
        var iat: FlexibleEpoch?
        var tid: String?
        var tenant: String?
        var aud: Audience?
        var access: Lenient<[Lenient<RegistryAccess>]>?
    }

    /// An element that is dropped, not fatal, when it does not decode.
    private struct Lenient<Value: Decodable>: Decodable {
        var value: Value?
        init(from decoder: any Decoder) throws { value = try? Value(from: decoder) }
    }

    /// `aud` is a string or an array of strings.
    private enum Audience: Decodable {
        case one(String), many([String])
        var single: String? { if case .one(let value) = self { value } else { nil } }
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { self = .one(text); return }
            self = .many((try? container.decode([String].self)) ?? [])
        }
    }
}

/// One entry of a registry token's `access` claim (`{"type":"repository","name":"team-a/app","actions":["pull"]}`).
public struct RegistryAccess: Sendable, Hashable, Decodable {
    public var type: String
    public var name: String
    public var actions: [String]

    public init(type: String, name: String, actions: [String]) {
        self.type = type
        self.name = name
        self.actions = actions
    }
}

extension JWTClaims {
    /// The actions granted on one repository (`*` spelled out as `expanding`), across every matching entry.
    public func actions(onRepository repository: String, expanding all: Set<String>) -> Set<String> {
        var granted: Set<String> = []
        for entry in access where entry.type == "repository" && entry.name == repository {
            for action in entry.actions {
                if action == "*" { granted.formUnion(all) } else { granted.insert(action) }
            }
        }
        return granted
    }
}

/// Epoch seconds sent as a JSON number or a numeric string (IMDS sends strings).
struct FlexibleEpoch: Decodable, Sendable {
    var seconds: Double
    var date: Date { Date(timeIntervalSince1970: seconds) }

    init(seconds: Double) { self.seconds = seconds }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let value: Double
        if let number = try? container.decode(Double.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = Double(text) {
            value = number
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an epoch number")
        }
        guard value.isFinite, value >= 0, value < 1e11 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "epoch out of range")
        }
        seconds = value
    }
}
