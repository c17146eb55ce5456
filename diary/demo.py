"""The diary's demo records (``manage.py seed_demo``): filled in by the demo step below."""
