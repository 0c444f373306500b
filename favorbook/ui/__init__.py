"""The Qt window. Nothing here is imported until the app starts."""
