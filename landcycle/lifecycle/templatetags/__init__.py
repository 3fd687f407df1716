"""Template tags of the lifecycle pages."""
