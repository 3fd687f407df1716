"""Filters of the lifecycle lists (django-filter), one module per workflow."""
