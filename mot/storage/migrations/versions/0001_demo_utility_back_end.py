"""demo utility back end (money columns hold whole 分: see mot.storage.db.Money)

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 20:17:08.637079
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('utility_districts',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('utility_tariff_tiers',
    sa.Column('tier', sa.Integer(), nullable=False),
    sa.Column('upper_m3_per_year', sa.Integer(), nullable=True),
    sa.Column('price_per_m3', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('tier')
    )
    op.create_table('utility_work_orders',
    sa.Column('order_id', sa.String(length=12), nullable=False),
    sa.Column('fault_type', sa.String(length=16), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=256), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('promised_by', sa.DateTime(), nullable=False),
    sa.Column('account_number', sa.String(length=10), nullable=True),
    sa.Column('district', sa.String(length=32), nullable=True),
    sa.Column('progress_note', sa.Text(), nullable=True),
    sa.Column('seeded', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('order_id')
    )
    with op.batch_alter_table('utility_work_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_utility_work_orders_phone'), ['phone'], unique=False)

    op.create_table('utility_accounts',
    sa.Column('account_number', sa.String(length=10), nullable=False),
    sa.Column('holder_name', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=128), nullable=False),
    sa.Column('district', sa.String(length=32), nullable=False),
    sa.Column('estate', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('balance', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['district'], ['utility_districts.name'], ),
    sa.PrimaryKeyConstraint('account_number')
    )
    with op.batch_alter_table('utility_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_utility_accounts_phone'), ['phone'], unique=False)

    op.create_table('utility_offices',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('district', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=128), nullable=False),
    sa.Column('hours', sa.String(length=64), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['district'], ['utility_districts.name'], ),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('utility_outages',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('district', sa.String(length=32), nullable=False),
    sa.Column('estates', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=128), nullable=False),
    sa.Column('planned', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['district'], ['utility_districts.name'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('utility_outages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_utility_outages_ends_at'), ['ends_at'], unique=False)

    op.create_table('utility_places',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('district', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['district'], ['utility_districts.name'], ),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('utility_bills',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('account_number', sa.String(length=10), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('reading_previous', sa.Integer(), nullable=False),
    sa.Column('reading_current', sa.Integer(), nullable=False),
    sa.Column('usage_m3', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('paid', sa.Boolean(), nullable=False),
    sa.Column('tier_breakdown', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['account_number'], ['utility_accounts.account_number'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_number', 'period')
    )
    with op.batch_alter_table('utility_bills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_utility_bills_account_number'), ['account_number'], unique=False)

    op.create_table('utility_payments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('account_number', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('paid_at', sa.DateTime(), nullable=False),
    sa.Column('credited_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_number'], ['utility_accounts.account_number'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('utility_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_utility_payments_account_number'), ['account_number'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('utility_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_utility_payments_account_number'))

    op.drop_table('utility_payments')
    with op.batch_alter_table('utility_bills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_utility_bills_account_number'))

    op.drop_table('utility_bills')
    op.drop_table('utility_places')
    with op.batch_alter_table('utility_outages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_utility_outages_ends_at'))

    op.drop_table('utility_outages')
    op.drop_table('utility_offices')
    with op.batch_alter_table('utility_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_utility_accounts_phone'))

    op.drop_table('utility_accounts')
    with op.batch_alter_table('utility_work_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_utility_work_orders_phone'))

    op.drop_table('utility_work_orders')
    op.drop_table('utility_tariff_tiers')
    op.drop_table('utility_districts')
