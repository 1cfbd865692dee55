// Placeholder until the KubernetesSimulator issue lands.
