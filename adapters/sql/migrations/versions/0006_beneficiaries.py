"""beneficiaries

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 07:17:43.893299
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('beneficiaries',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('customer_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('account_number', sa.String(length=18), nullable=True),
    sa.Column('ifsc', sa.String(length=11), nullable=True),
    sa.Column('upi_id', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=16), nullable=True),
    sa.Column('bank_name', sa.String(length=100), nullable=True),
    sa.Column('nickname', sa.String(length=40), nullable=True),
    sa.Column('favourite', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_beneficiaries_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_beneficiaries'))
    )
    with op.batch_alter_table('beneficiaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_beneficiaries_customer_id'), ['customer_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('beneficiaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_beneficiaries_customer_id'))

    op.drop_table('beneficiaries')

