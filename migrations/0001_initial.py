import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from app.autoimports.models import SkipReason, SyncOutcome
from app.connections.models import ConnectionStatus
from app.contacts.models import ContactStatus


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=200)),
                ('contact_limit', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'account', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A customer of the platform: every other object belongs to exactly one account.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'api_token', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An API token, stored as its SHA-256: the token itself is shown once, at creation.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Contact',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='contacts', on_delete=OnDelete.CASCADE)),
                ('email', fields.CharField(max_length=320)),
                ('email_key', fields.CharField(max_length=320)),
                ('first_name', fields.CharField(null=True, max_length=200)),
                ('last_name', fields.CharField(null=True, max_length=200)),
                ('phone', fields.CharField(null=True, max_length=100)),
                ('status', fields.CharEnumField(default=ContactStatus.ACTIVE, description='ACTIVE: ACTIVE\nUNSUBSCRIBED: UNSUBSCRIBED\nBOUNCED: BOUNCED', enum_type=ContactStatus, max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'contact', 'app': 'models', 'unique_together': (('account', 'email_key'),), 'pk_attr': 'id', 'table_description': 'A contact, unique per account by `email_key` (the normalised email, lower-cased).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContactEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='contact_events', on_delete=OnDelete.CASCADE)),
                ('contact', fields.ForeignKeyField('models.Contact', source_field='contact_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=50)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'contact_event', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The outbox of contact events (autoresponders, webhooks, list notifications read it).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContactList',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='lists', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'contact_list', 'app': 'models', 'unique_together': (('account', 'name'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContactTag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contact', fields.ForeignKeyField('models.Contact', source_field='contact_id', db_constraint=True, to_field='id', related_name='tags', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=200)),
            ],
            options={'table': 'contact_tag', 'app': 'models', 'unique_together': (('contact', 'name'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CustomField',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='custom_fields', on_delete=OnDelete.CASCADE)),
                ('service_id', fields.CharField(null=True, max_length=50)),
                ('title', fields.CharField(max_length=300)),
                ('perstag', fields.CharField(max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'custom_field', 'app': 'models', 'unique_together': (('account', 'perstag'),), 'pk_attr': 'id', 'table_description': 'A custom field titled after its service, with its personalization tag, one per perstag.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ExternalAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='external_accounts', on_delete=OnDelete.CASCADE)),
                ('service_id', fields.CharField(max_length=50)),
                ('name', fields.CharField(max_length=500)),
                ('lease_owner', fields.CharField(null=True, max_length=100)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'external_account', 'app': 'models', 'unique_together': (('account', 'service_id', 'name'),), 'pk_attr': 'id', 'table_description': 'One account at an external service (a shop, a feed) as seen by one of our accounts.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Connection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='connections', on_delete=OnDelete.CASCADE)),
                ('external_account', fields.ForeignKeyField('models.ExternalAccount', source_field='external_account_id', db_constraint=True, to_field='id', related_name='connections', on_delete=OnDelete.CASCADE)),
                ('service_id', fields.CharField(max_length=50)),
                ('name', fields.CharField(max_length=200)),
                ('settings_encrypted', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=ConnectionStatus.ACTIVE, description='ACTIVE: ACTIVE\nNEEDS_REAUTH: NEEDS_REAUTH', enum_type=ConnectionStatus, max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'connection', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AutoImport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='auto_imports', on_delete=OnDelete.CASCADE)),
                ('connection', fields.ForeignKeyField('models.Connection', source_field='connection_id', db_constraint=True, to_field='id', related_name='auto_imports', on_delete=OnDelete.CASCADE)),
                ('external_account', fields.ForeignKeyField('models.ExternalAccount', source_field='external_account_id', db_constraint=True, to_field='id', related_name='auto_imports', on_delete=OnDelete.CASCADE)),
                ('service_id', fields.CharField(max_length=50)),
                ('name', fields.CharField(max_length=200)),
                ('criteria', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('tags', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('paused', fields.BooleanField(default=False)),
                ('disabled_reason', fields.TextField(null=True, unique=False)),
                ('cursor', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('state_version', fields.IntField(default=0)),
                ('skip_samples', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('has_backlog', fields.BooleanField(default=False)),
                ('backlog_estimate', fields.IntField(null=True)),
                ('next_sync_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_sync_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('syncing_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('failure_streak', fields.IntField(default=0)),
                ('last_error', fields.TextField(null=True, unique=False)),
                ('rate_limited_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('totals', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'auto_import', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An import from one connection into the account, with its schedule and cursor state.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AutoImportList',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('auto_import', fields.ForeignKeyField('models.AutoImport', source_field='auto_import_id', db_constraint=True, to_field='id', related_name='list_links', on_delete=OnDelete.CASCADE)),
                ('list', fields.ForeignKeyField('models.ContactList', source_field='list_id', db_constraint=True, to_field='id', related_name='auto_import_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'auto_import_list', 'app': 'models', 'unique_together': (('auto_import', 'list'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeferredContact',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('auto_import', fields.ForeignKeyField('models.AutoImport', source_field='auto_import_id', db_constraint=True, to_field='id', related_name='deferred', on_delete=OnDelete.CASCADE)),
                ('email_key', fields.CharField(max_length=320)),
                ('record', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'deferred_contact', 'app': 'models', 'unique_together': (('auto_import', 'email_key'),), 'pk_attr': 'id', 'table_description': 'A new contact not added because the account was at its contact limit, added once it is raised.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FieldValue',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contact', fields.ForeignKeyField('models.Contact', source_field='contact_id', db_constraint=True, to_field='id', related_name='field_values', on_delete=OnDelete.CASCADE)),
                ('field', fields.ForeignKeyField('models.CustomField', source_field='field_id', db_constraint=True, to_field='id', related_name='values', on_delete=OnDelete.CASCADE)),
                ('value', fields.TextField(unique=False)),
            ],
            options={'table': 'field_value', 'app': 'models', 'unique_together': (('contact', 'field'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ListMembership',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contact', fields.ForeignKeyField('models.Contact', source_field='contact_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('list', fields.ForeignKeyField('models.ContactList', source_field='list_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'list_membership', 'app': 'models', 'unique_together': (('contact', 'list'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RecordFingerprint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('auto_import', fields.ForeignKeyField('models.AutoImport', source_field='auto_import_id', db_constraint=True, to_field='id', related_name='fingerprints', on_delete=OnDelete.CASCADE)),
                ('external_id', fields.CharField(max_length=500)),
                ('fingerprint', fields.CharField(max_length=64)),
            ],
            options={'table': 'record_fingerprint', 'app': 'models', 'unique_together': (('auto_import', 'external_id'),), 'pk_attr': 'id', 'table_description': 'The content hash of each source record an import has applied, so unchanged ones cost nothing.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SkippedRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('auto_import', fields.ForeignKeyField('models.AutoImport', source_field='auto_import_id', db_constraint=True, to_field='id', related_name='skipped', on_delete=OnDelete.CASCADE)),
                ('external_id', fields.CharField(max_length=500)),
                ('email', fields.CharField(null=True, max_length=500)),
                ('reason', fields.CharEnumField(description='MISSING_EMAIL: MISSING_EMAIL\nINVALID_EMAIL: INVALID_EMAIL\nMALFORMED_RECORD: MALFORMED_RECORD', enum_type=SkipReason, max_length=30)),
                ('seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'skipped_record', 'app': 'models', 'unique_together': (('auto_import', 'external_id'),), 'pk_attr': 'id', 'table_description': 'A source record currently skipped, one row per record (so counts are of distinct records).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SyncRun',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('auto_import', fields.ForeignKeyField('models.AutoImport', source_field='auto_import_id', db_constraint=True, to_field='id', related_name='sync_runs', on_delete=OnDelete.CASCADE)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('outcome', fields.CharEnumField(default=SyncOutcome.RUNNING, description='RUNNING: RUNNING\nCOMPLETED: COMPLETED\nPARTIAL: PARTIAL\nFAILED: FAILED', enum_type=SyncOutcome, max_length=20)),
                ('counts', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('backlog_estimate', fields.IntField(null=True)),
                ('error', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'sync_run', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
