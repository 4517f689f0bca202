"""What each per-station signal says, in the reader's language: one place for the words."""

from django.utils.translation import gettext as _

from forensics.stats import HIGH_PERCENT, OUTLIER_SD


def signal_labels() -> dict[str, str]:
    """By signal name, in the active language."""
    return {
        "turnout_high": _("turnout at or above %(high)s %% or %(sd)s SD above its district")
        % {"high": f"{HIGH_PERCENT:g}", "sd": f"{OUTLIER_SD:g}"},
        "share_high": _("the leader's share at or above %(high)s %% or %(sd)s SD above its "
                        "district") % {"high": f"{HIGH_PERCENT:g}", "sd": f"{OUTLIER_SD:g}"},
        "both_high": _("both of these"),
        "whole_numbers": _("whole-number percentages on both axes"),
    }  # fmt: skip
