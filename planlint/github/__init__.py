"""A small GitHub REST client on the standard library, and the GitHub Actions environment.

Nothing here knows about plans or approval; `planlint.gate` does.
"""
