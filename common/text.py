"""Free text that a rule requires: a reason, an explanation, a decision."""


def says_something(text: str) -> bool:
    """Whether the text holds at least one letter or digit: a reason made of spaces,
    zero-width characters or punctuation alone is no reason."""
    return any(character.isalnum() for character in text)


# The longest free text a person may type into one field (an explanation, remarks, a note):
# two pages of handwriting. Longer is a paste or an attack, and would fill every page and CSV
# that shows it.
FREE_TEXT_LIMIT = 4000
