"""Allocation in the application: the committed scheme, concealed sequences,
randomized and preference allocations made exactly once, and corrections."""
