"""Stage 1, load: read content files into plain data that remembers where every value came from."""

from generator.load.documents import Document, LoadResult, load_site
from generator.load.yaml_source import Position, SourceMap, parse_yaml

__all__ = ["Document", "LoadResult", "Position", "SourceMap", "load_site", "parse_yaml"]
