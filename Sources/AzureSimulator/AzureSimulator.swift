// Placeholder until the AzureSimulator issue lands.
