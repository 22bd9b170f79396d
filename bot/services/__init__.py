"""Use cases: one module per thing a reader or an admin does; each audits its own actions."""
