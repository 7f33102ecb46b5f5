# Job outcomes in the audit trail: "requested" rows are followed by exactly one of these.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("listen", "Listened"),
                    ("download", "Downloaded"),
                    ("edit", "Edited"),
                    ("move", "Moved"),
                    ("delete", "Deleted"),
                    ("bulk_delete", "Bulk delete requested"),
                    ("export", "Export requested"),
                    ("job_finished", "Job finished"),
                    ("job_failed", "Job failed"),
                    ("job_cancelled", "Job cancelled"),
                    ("job_refused", "Job refused"),
                ],
                max_length=20,
            ),
        ),
    ]
