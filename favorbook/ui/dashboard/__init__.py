"""The dashboard and its charts."""
