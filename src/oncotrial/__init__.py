"""OncoTrial."""
