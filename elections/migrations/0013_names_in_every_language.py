from django.db import migrations, models


def _other_languages(model: str, max_length: int) -> list:
    return [
        migrations.AddField(
            model_name=model,
            name=f"name_{code}",
            field=models.CharField(blank=True, max_length=max_length, verbose_name="name"),
        )
        for code in ("kk", "ru")
    ]


class Migration(migrations.Migration):
    """Names as data in every language: an election's, contest's or party's name so far is its
    English one."""

    dependencies = [
        ("elections", "0012_stations_stay_where_they_counted"),
        ("stations", "0003_names_in_every_language"),
    ]

    operations = [
        migrations.RenameField(model_name="election", old_name="name", new_name="name_en"),
        *_other_languages("election", 200),
        migrations.RenameField(model_name="contest", old_name="name", new_name="name_en"),
        *_other_languages("contest", 200),
        migrations.RenameField(model_name="party", old_name="name", new_name="name_en"),
        *_other_languages("party", 200),
        migrations.AlterModelOptions(
            name="contest",
            options={
                "ordering": ["election", "body", "region__position", "district__name_en", "kind",
                             "number"],
                "verbose_name": "contest",
                "verbose_name_plural": "contests",
            },
        ),  # fmt: skip
    ]
