"""Services the action server, the channels and the console share: each has a small public surface
and is the only code that touches its tables. Adapters call services, never each other."""
