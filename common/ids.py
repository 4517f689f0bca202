"""Row ids as they appear in addresses: one spelling per row."""

from common.numbers import parse_whole

# The largest id a 64-bit signed key column holds; anything longer is no row's id.
MAX_ID = 2**63 - 1


def is_canonical_id(text: str) -> bool:
    """``969`` is; ``+969``, `` 969``, ``0969``, ``٩٦٩``, ``²`` and ``2**64`` are not."""
    # parse_whole, not int(): a 5,000-digit id would be a ValueError, not a missing row.
    return (
        isinstance(text, str)
        and not text.startswith("0")
        and parse_whole(text, minimum=1, maximum=MAX_ID) is not None
    )
