"""Measure: the key (URN, year, measure, file family) becomes the primary key; the surrogate id goes.

One index instead of two on the table a national file writes 600,000 rows into. Django cannot
alter a table's primary key into a composite one, so the table is rebuilt (every vendor alike)
and its rows are copied across.
"""

from django.db import migrations, models

COLUMNS = ("urn", "year", "measure", "source_kind", "value", "lower", "upper", "status", "provisional",
           "source_file")


def rebuild(apps, schema_editor):  # type: ignore[no-untyped-def]
    measure = apps.get_model("evidence", "Measure")
    table = measure._meta.db_table
    q = schema_editor.quote_name
    old = f"{table}_before_0002"
    columns = ", ".join(q(c) for c in COLUMNS)
    schema_editor.execute(f"ALTER TABLE {q(table)} RENAME TO {q(old)}")
    if schema_editor.connection.vendor == "postgresql":
        # The old table's constraint names would clash with (or rename) the new table's.
        for name in ("unique_measure_value", f"{table}_pkey", f"{table}_urn_check", f"{table}_year_check"):
            schema_editor.execute(f"ALTER TABLE {q(old)} DROP CONSTRAINT IF EXISTS {q(name)}")
    schema_editor.create_model(measure)
    schema_editor.execute(f"INSERT INTO {q(table)} ({columns}) SELECT {columns} FROM {q(old)}")  # noqa: S608
    schema_editor.execute(f"DROP TABLE {q(old)}")


class Migration(migrations.Migration):

    dependencies = [
        ("evidence", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="measure", name="unique_measure_value"),
                migrations.RemoveField(model_name="measure", name="id"),
                migrations.AddField(
                    model_name="measure",
                    name="pk",
                    field=models.CompositePrimaryKey("urn", "year", "measure", "source_kind", blank=True,
                                                     editable=False, primary_key=True, serialize=False),
                ),
            ],
        ),
        migrations.RunPython(rebuild, elidable=False),
    ]
