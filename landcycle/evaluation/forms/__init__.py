"""Forms of the evaluation pages, one module per topic."""
