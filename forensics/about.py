"""What each statistic means, what it cannot show, and its source: the words every download
of the figures carries (the pages say the same in the reader's language)."""

ABOUT = {
    "fingerprint": {
        "means": "Voters by turnout (rows, 2-point bins) and the leader's share (columns, "
        "2-point bins); clean counts make one compact cluster, ballot stuffing smears it "
        "toward 100 % turnout and 100 % for the leader.",
        "source": "Klimek, Yegorov, Hanel, Thurner, Statistical detection of systematic "
        "election irregularities, PNAS 109(41), 2012",
    },
    "cumulative": {
        "means": "The share of all the leader's votes cast at stations of turnout at most "
        "1, 2, … 100 %; it levels off in a clean count and climbs on at high turnout under "
        "stuffing.",
        "source": "Klimek et al., 2012",
    },
    "excess": {
        "means": "Turnouts and leader's shares within 0.05 points of a whole percentage "
        "(observed), against binomial resampling of the same stations (null mean and SD, "
        "seeded); z above 3 is worth a look. Stations with fewer than 100 voters or a figure "
        "above 99 % are left out. p is one-sided, from z. 'flagged': significant among the "
        "areas of its level after Benjamini–Hochberg at a false-discovery rate of 5 %.",
        "cannot_show": "Forging fewer than about 1 % of stations; forgery that avoids whole "
        "numbers.",
        "source": "Kobak, Shpilkin, Pshenichnikov, Integer percentages as electoral "
        "falsification fingerprints, Annals of Applied Statistics 10(1), 2016",
    },
    "correlation": {
        "means": "Pearson's r of turnout with the leader's share: near 0 when they are "
        "unrelated, strongly positive when extra ballots go to the leader.",
        "cannot_show": "Regions that really differ move it too.",
        "source": "Mebane, election forensics",
    },
    "both_high": {"means": "Stations with turnout and the leader's share both at or above 95 %."},
    "top_right": {"means": "The share of voters at stations with both at or above 80 %."},
    "digits": {
        "means": "The leader's counts of 10 or more: mean second digit (4.187 under Benford's "
        "law), mean last digit (4.5), share ending in 0 or 5 (0.2).",
        "cannot_show": "Weak evidence on their own: honest counts can fail and forged ones pass.",
        "source": "Mebane, election forensics",
    },
    "signals": {
        "means": "Stations worth a look: turnout or the leader's share at or above 95 % or "
        "more than 3 SD above the other stations of its district (turnout_high, share_high), "
        "both (both_high), or whole percentages on both axes (whole_numbers).",
    },
    "caveat": "Every figure is a reason to look, never a verdict: closed stations (hospitals, "
    "military units), small stations and real local consensus look anomalous too.",
}
