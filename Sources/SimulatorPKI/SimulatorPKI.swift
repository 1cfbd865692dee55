// Placeholder: SimulatorPKI lands next.
