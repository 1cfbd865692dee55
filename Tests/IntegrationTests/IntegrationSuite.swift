import Testing

/// Every suite that runs controllers, processes or thousands of namespaces against the simulators, one after the
/// other: run side by side on a 2-core machine they starve each other and their timing-bound behaviour (refresh
/// before expiry, failover within the lease) would be measured under a load no cluster has.
@Suite(.serialized) enum Integration {}
