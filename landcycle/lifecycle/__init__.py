"""The land lifecycle: working-day calendar, admission, supervision agreements, exit proceedings,
stock land and the available-land list, renewal targets, the project library and what is due."""
