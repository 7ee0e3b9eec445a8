"""What the pupils app announces to apps that depend on it, so that it need not know them.

`placed_in_bulk`: pupils were placed in a school's groups for a school year without saving each
placement (the pupil import's bulk insert, which sends no post_save): `haven.handover` then makes
the notices to new teachers for that school year, as it does for a single placement.
"""

from django.dispatch import Signal

# Sent with school= and school_year= and today= (the import's day).
placed_in_bulk = Signal()
