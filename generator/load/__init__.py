"""Stage 1, load: find the site's files (`files`) and read them into plain data that
remembers where every value came from (`documents`, `yaml_source`)."""
