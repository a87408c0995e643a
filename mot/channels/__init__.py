"""Customer channels the Rasa server opens besides ``rest`` (listed in credentials.yml by class path)."""
