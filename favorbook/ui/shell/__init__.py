"""The window's frame: start-up, the main window and its actions and pages, the bus,
background work, preferences, icons and style."""
