"""Command groups beyond check/build/schema, each in its own module, registered by cli.py."""
