"""Data cuts: the database read once into the tidy per-domain tables
(`oncotrial.analysis.tidy`), which every report, figure and export reads."""
