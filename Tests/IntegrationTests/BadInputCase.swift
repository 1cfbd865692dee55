import Foundation
import Testing

/// One namespace of the bad-input catalogue: what it asks for, what is seeded into it before the controller runs,
/// and what the run must leave behind. Every case gets a bystander namespace `<namespace>-ok` next to it that
/// asks for the simulated registry plainly and must get its Secret whatever its neighbour does.
struct ClusterCase: Sendable, CustomTestStringConvertible {
    /// What exists in the namespace before the run.
    enum Seed: Sendable {
        case nothing
        /// A Secret from raw JSON, made for the simulated registry; the default service account already lists
        /// `acr-pull`, so only the Secret may change.
        case secret(@Sendable (_ registry: String) -> String)
        /// The default service account's `imagePullSecrets`, as raw JSON.
        case pullSecrets(String)
    }

    /// What the run must leave behind.
    enum Outcome: Sendable {
        /// Nothing written in the namespace; a Warning about the namespace with this reason and message part.
        case refused(reason: String, message: String)
        /// The Secret of our name is not ours: it stays byte for byte, `SecretConflict` on it.
        case conflict
        /// Our unusable Secret is replaced by a valid one (`event`: SecretCreated after a delete, or
        /// SecretRefreshed after an update, which keeps foreign metadata).
        case repaired(event: String)
        /// No credential: no Secret, a `TokenFailed` Warning on the Secret with this message part, and the
        /// failure logged with the identity's name.
        case tokenFailed(identity: String, message: String)
        /// Served: a valid Secret, and the default account's `imagePullSecrets` become exactly this JSON.
        case served(pullSecrets: String)
    }

    var name: String
    var namespace: String
    /// The registries annotation; nil: the simulated registry. `$REGISTRY` is replaced by it.
    var registries: String? = nil
    var annotations: [String: String] = [:]
    var seed: Seed = .nothing
    var outcome: Outcome
    var testDescription: String { name }

    var bystander: String { namespace + "-ok" }

    /// Objects the run may change in this case's namespace (and its bystander's).
    var mayChange: Set<String> {
        var keys: Set<String> = ["secrets/\(bystander)/acr-pull", "serviceaccounts/\(bystander)/default"]
        switch outcome {
        case .refused, .conflict, .tokenFailed: break
        case .repaired: keys.insert("secrets/\(namespace)/acr-pull")
        case .served:
            keys.insert("secrets/\(namespace)/acr-pull")
            keys.insert("serviceaccounts/\(namespace)/default")
        }
        return keys
    }
}

/// One `pullkeeper` command line that must fail cleanly: its exit code and what it must print.
struct CommandCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// Arguments; `$FILE` is replaced by the path of a file holding `file`.
    var arguments: [String]
    var file: String? = nil
    var exitCode: Int32
    /// Parts of stdout + stderr (after `$FILE` replacement) that must appear.
    var output: [String]
    var testDescription: String { name }
}

/// An Azure answer larger than the transport accepts, fetched over loopback TLS from the simulator.
struct TransportCase: Sendable, CustomTestStringConvertible {
    enum Endpoint: Sendable { case entra, imds, exchange }
    var name: String
    var endpoint: Endpoint
    var testDescription: String { name }
}
