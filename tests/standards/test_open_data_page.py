"""The open-data page documents both standard formats, with their links and how to read each."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_open_data_page_shows_both_formats_and_how_to_read_them(counted):
    page = Client().get("/results/night/open-data/").content.decode()

    standards = page.split('id="standards"')[1].split("Columns of the CSV files")[0]
    assert "Frictionless Data Package" in standards
    assert 'href="/results/night/datapackage.json"' in standards
    for table in ("stations", "records", "records_votes", "area_totals", "complaints"):
        assert f'href="/results/night/data/{table}.csv"' in standards
    assert "frictionless validate http://testserver/results/night/datapackage.json" in standards
    assert 'base = "http://testserver/results/night/"' in standards
    assert 'pd.read_csv(base + "data/records.csv")' in standards
    assert "NIST SP 1500-100 v2" in standards
    assert 'href="/results/night/nist-1500-100.json"' in standards
    assert 'urlopen("http://testserver/results/night/nist-1500-100.json")' in standards
    # Every link the page gives answers.
    for path in ("/results/night/datapackage.json", "/results/night/nist-1500-100.json",
                 "/results/night/data/discrepancies.csv"):  # fmt: skip
        assert Client().get(path).status_code == 200
