"""a customer's pending change of email or phone (its code kept as a SHA-256), and when their
personal data was erased

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 19:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_change_field', sa.String(length=16),
                                      nullable=True))
        batch_op.add_column(sa.Column('contact_change_value', sa.String(length=254),
                                      nullable=True))
        batch_op.add_column(sa.Column('contact_change_code_hash', sa.String(length=64),
                                      nullable=True))
        batch_op.add_column(sa.Column('contact_change_expires_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('contact_change_expires_at')
        batch_op.drop_column('contact_change_code_hash')
        batch_op.drop_column('contact_change_value')
        batch_op.drop_column('contact_change_field')
