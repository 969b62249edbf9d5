from tortoise import migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('models', '0003_contact_sources')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Contact',
            index=Index(fields=['account_id', 'id'], name='contact_account_id_id'),
        ),
    ]
