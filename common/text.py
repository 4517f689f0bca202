"""Free text that a rule requires: a reason, an explanation, a decision."""


def says_something(text: str) -> bool:
    """Whether the text holds at least one letter or digit: a reason made of spaces,
    zero-width characters or punctuation alone is no reason."""
    return any(character.isalnum() for character in text)
