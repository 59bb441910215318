"""The county reference server (SYNC.md §7): storage (all SQL), the conflict policy, the ASGI app, its OpenAPI
document and the ``zhzx-county-server`` command line."""
