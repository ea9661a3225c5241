"""Resilience: which routes and places everything hangs on, the worst cuts an adversary can
make, and where protection pays (see docs/resilience.md)."""
