"""Tumour response in the application: lesions chosen at baseline, follow-up
measurements, and the RECIST 1.1 / iRECIST responses computed by the pure
engine as the reader types, stored, and open to a differing investigator
assessment."""
