"""branches

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 07:35:13.658785
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('branches',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('ifsc', sa.String(length=11), nullable=False),
    sa.Column('city', sa.String(length=60), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_branches')),
    sa.UniqueConstraint('ifsc', name=op.f('uq_branches_ifsc'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('branch_code', sa.String(length=16), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_accounts_branch_code_branches'), 'branches', ['branch_code'], ['code'])




def downgrade() -> None:

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_accounts_branch_code_branches'), type_='foreignkey')
        batch_op.drop_column('branch_code')

    op.drop_table('branches')

