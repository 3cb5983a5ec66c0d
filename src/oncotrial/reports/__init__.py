"""Reports for statisticians and the DSMB, rendered from a data cut."""
