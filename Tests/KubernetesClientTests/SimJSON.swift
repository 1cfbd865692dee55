import KubernetesSimulator

/// The simulator's JSON value. KubernetesModel has a `JSONValue` too, and `KubernetesSimulator.JSONValue` names the
/// class rather than the module, so files that import both spell the simulator's type through this alias.
typealias SimJSON = JSONValue
