"""`manage.py check` (and every start) refuses a signing key it cannot read, naming why.

No key at all is allowed (the tree is kept, checkpoints wait for a key; the task logs it), so
that the embedded setup starts before `make demo` has made one.
"""

from django.core import checks

from transparency import keys


def signing_key(app_configs, **kwargs) -> list[checks.CheckMessage]:
    try:
        keys.signer()
    except keys.KeyProblem as exc:
        return [checks.Error(str(exc), hint="See README, The transparency log.",
                             id="transparency.E001")]  # fmt: skip
    return []
