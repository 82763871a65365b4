"""The categories' counts (threads, posts, last activity), kept by the services from now on (community/counters.py),
filled here from the threads' own counts (one aggregate over the threads, not over the posts); the archive date;
an index for the latest discussions."""

from django.db import migrations, models
from django.db.models import Count, Max, Sum


def fill_counts(apps, schema_editor):
    Category = apps.get_model("community", "Category")
    Thread = apps.get_model("community", "Thread")
    rows = (
        Thread.objects.filter(hidden_at=None)
        .order_by()
        .values("category_id")
        .annotate(threads=Count("pk"), answers=Sum("answer_count"), at=Max("last_activity_at"))
    )
    for row in rows:
        Category.objects.filter(pk=row["category_id"]).update(
            thread_count=row["threads"], post_count=row["threads"] + (row["answers"] or 0), last_activity_at=row["at"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0003_seed_categories"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="archived_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="category",
            name="last_activity_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="category",
            name="post_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="category",
            name="thread_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddIndex(
            model_name="thread",
            index=models.Index(
                condition=models.Q(("hidden_at", None)), fields=["-last_activity_at", "-id"], name="thread_activity_idx"
            ),
        ),
        migrations.RunPython(fill_counts, migrations.RunPython.noop),
    ]
