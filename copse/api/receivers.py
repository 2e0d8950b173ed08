"""What the API does when something elsewhere changes."""
