"""Forms of the evaluation's pages, one module per topic."""
