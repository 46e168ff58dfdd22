"""Speed devices: each makes an operation quicker without changing a byte of its output, and
stays only while a bench row shows it earns its keep (docs/architecture.md, "Speed devices")."""
