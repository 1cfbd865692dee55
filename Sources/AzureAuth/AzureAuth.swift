// Placeholder until the AzureAuth issue lands.
