"""dealcoach: a command-line coach for B2B big-account sales reps."""

__version__ = "0.1.0"
