"""What the log does when elections announces a publication batch: queue its extension."""

from common import queue

EXTEND = "transparency.extend"  # the task that extends the tree and signs (transparency/tasks.py)


def extend_soon(sender, publications, **kwargs) -> None:
    """records_published's receiver: queue the extension by name, once for a burst, and return
    (a receiver that raised would fail the publishing task after its commit)."""
    if publications:
        queue.once(EXTEND)
