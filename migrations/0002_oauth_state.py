from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OAuthState',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('state_hash', fields.CharField(unique=True, max_length=64)),
                ('account', fields.ForeignKeyField('models.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='oauth_states', on_delete=OnDelete.CASCADE)),
                ('service_id', fields.CharField(max_length=50)),
                ('connection_name', fields.CharField(null=True, max_length=200)),
                ('reconnect_connection', fields.ForeignKeyField('models.Connection', source_field='reconnect_connection_id', null=True, db_constraint=True, to_field='id', related_name='oauth_states', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'oauth_state', 'app': 'models', 'pk_attr': 'id', 'table_description': "An OAuth consent in progress, tying the return of the browser to the account that started it."},
            bases=['Model'],
        ),
    ]
