from django.db import migrations, models


class Migration(migrations.Migration):
    """Names as data in every language: a district's name so far is its English one."""

    dependencies = [("stations", "0002_verbose_names")]

    operations = [
        migrations.RemoveConstraint(model_name="district", name="district_name_unique_in_region"),
        migrations.RenameField(model_name="district", old_name="name", new_name="name_en"),
        migrations.AddField(
            model_name="district",
            name="name_kk",
            field=models.CharField(blank=True, max_length=120, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="district",
            name="name_ru",
            field=models.CharField(blank=True, max_length=120, verbose_name="name"),
        ),
        migrations.AlterModelOptions(
            name="district",
            options={"ordering": ["region__position", "name_en"], "verbose_name": "district",
                     "verbose_name_plural": "districts"},
        ),  # fmt: skip
        *[
            migrations.AlterField(
                model_name="region",
                name=f"name_{code}",
                field=models.CharField(blank=code != "en", max_length=120, verbose_name="name"),
            )
            for code in ("en", "kk", "ru")
        ],
        migrations.AddConstraint(
            model_name="district",
            constraint=models.UniqueConstraint(
                fields=("region", "name_en"), name="district_name_unique_in_region"
            ),
        ),
    ]
