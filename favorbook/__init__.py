"""favorbook: contacts and the favors that build trust, for a sales rep."""

__version__ = "0.1.0"
APP_NAME = "favorbook"
