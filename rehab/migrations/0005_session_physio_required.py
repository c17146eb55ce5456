"""Every physiotherapy session has its practitioner: rehab.physiosession.physio NOT NULL."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rehab", "0004_session_physio_backfill"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="physiosession",
            name="physio",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="physio_sessions",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
