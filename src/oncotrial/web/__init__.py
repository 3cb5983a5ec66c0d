"""The web shell: layout, navigation, home pages per role, language switch,
and the form conventions every app's pages share."""
