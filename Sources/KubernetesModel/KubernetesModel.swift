// Placeholder until the KubernetesModel issue lands.
