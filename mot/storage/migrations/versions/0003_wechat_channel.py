"""WeChat channel tables: inbound dedup, customers (48-hour window, pending choices), access tokens

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 22:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('wechat_inbound',
    sa.Column('dedup_key', sa.String(length=128), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('dedup_key')
    )
    with op.batch_alter_table('wechat_inbound', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wechat_inbound_openid'), ['openid'], unique=False)
        batch_op.create_index(batch_op.f('ix_wechat_inbound_received_at'), ['received_at'], unique=False)

    op.create_table('wechat_customers',
    sa.Column('openid', sa.String(length=64), nullable=False),
    sa.Column('last_inbound_at', sa.DateTime(), nullable=True),
    sa.Column('pending_choices', sa.JSON(), nullable=True),
    sa.Column('choices_updated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('openid')
    )
    op.create_table('wechat_access_tokens',
    sa.Column('app_id', sa.String(length=64), nullable=False),
    sa.Column('access_token', sa.Text(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('app_id')
    )


def downgrade() -> None:
    op.drop_table('wechat_access_tokens')
    op.drop_table('wechat_customers')
    with op.batch_alter_table('wechat_inbound', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wechat_inbound_received_at'))
        batch_op.drop_index(batch_op.f('ix_wechat_inbound_openid'))
    op.drop_table('wechat_inbound')
