"""The trial's protocol inside the application: the version in force and the
versions records were made under."""
