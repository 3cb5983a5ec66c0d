"""Sites, users, their role memberships, and site scoping.

A user holds roles through memberships: a site role at one site, or a
trial-wide role. `oncotrial.accounts.scope` is the one place that turns
memberships into what a user may see and do.
"""
