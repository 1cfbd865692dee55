import Testing

/// Every suite that runs controllers on simulated time (`FastWorld`), one test after the other: each waits until its
/// controller has nothing left to do at the current simulated time, and that wait is judged on real time, so tests
/// competing for the two cores would slow each other down. `scripts/test` runs this tier on its own.
@Suite(.serialized) enum SimulatedTime {}
