from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from app.autoimports.models import SyncOutcome


class Migration(migrations.Migration):
    dependencies = [('models', '0002_oauth_state')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ContactSource',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contact', fields.ForeignKeyField('models.Contact', source_field='contact_id', db_constraint=True, to_field='id', related_name='sources', on_delete=OnDelete.CASCADE)),
                ('auto_import', fields.ForeignKeyField('models.AutoImport', source_field='auto_import_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='contact_sources', on_delete=OnDelete.SET_NULL)),
                ('service_id', fields.CharField(max_length=50)),
                ('external_id', fields.CharField(max_length=500)),
                ('first_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'contact_source', 'app': 'models', 'unique_together': (('contact', 'auto_import'),), 'pk_attr': 'id', 'table_description': 'Provenance: an import that brought or updated a contact, with the record it came from.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='SyncRun',
            name='outcome',
            field=fields.CharEnumField(default=SyncOutcome.RUNNING, description='RUNNING: RUNNING\nCOMPLETED: COMPLETED\nPARTIAL: PARTIAL\nFAILED: FAILED\nRATE_LIMITED: RATE_LIMITED', enum_type=SyncOutcome, max_length=20),
        ),
    ]
