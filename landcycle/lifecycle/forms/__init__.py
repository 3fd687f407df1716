"""Forms of the lifecycle workflows: one module per workflow (see docs/architecture.md)."""
