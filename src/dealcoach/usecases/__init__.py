"""Use cases: what one command does with the store and the core, returning result models."""
