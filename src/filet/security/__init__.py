"""Security: who did what, recorded so that nobody can rewrite it silently."""
