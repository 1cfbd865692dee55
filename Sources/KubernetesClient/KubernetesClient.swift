// Placeholder until the KubernetesClient issue lands.
