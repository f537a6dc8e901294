"""The "generated on" line that maps and figures can carry."""

import os
from datetime import datetime, timezone

from mapper import __version__
from mapper.errors import InputError


def generated_at():
    """Now, in UTC, or ``$SOURCE_DATE_EPOCH`` for reproducible stamped builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise InputError(f"SOURCE_DATE_EPOCH={epoch!r}: not a Unix time in seconds") from None
    return datetime.now(timezone.utc)


def stamp_text(when):
    """The visible "generated on" line."""
    return f"Generated {when:%Y-%m-%d %H:%M} UTC by mapper {__version__}"


def stamp_line(wanted):
    """The stamp for now if ``wanted``, else ""."""
    return stamp_text(generated_at()) if wanted else ""
