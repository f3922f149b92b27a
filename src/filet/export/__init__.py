"""Standard formats out: what leaves Filet respects the handling codes of its values."""
