import KubernetesSimulator

/// The simulator's RBAC rule (`PolicyRule` alone is ambiguous next to KubernetesModel's, and the module shares
/// its name with the simulator class).
typealias SimulatorRule = PolicyRule
