"""Row ids as they appear in addresses: one spelling per row."""

# The largest id a 64-bit signed key column holds; anything longer is no row's id.
MAX_ID = 2**63 - 1


def is_canonical_id(text: str) -> bool:
    """``969`` is; ``+969``, `` 969``, ``0969``, ``٩٦٩``, ``²`` and ``2**64`` are not."""
    return (
        isinstance(text, str)
        and text.isascii()
        and text.isdigit()
        and text == str(int(text))
        and 0 < int(text) <= MAX_ID
    )
