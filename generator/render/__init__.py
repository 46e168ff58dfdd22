"""Stage 5, render: pure functions from a planned output to bytes (HTML, SVG, PDF, data)."""
