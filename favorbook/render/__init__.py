"""Qt GUI rendering without widgets: contact sheets as PDF and print."""
