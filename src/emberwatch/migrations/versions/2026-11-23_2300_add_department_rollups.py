"""Add department-week rollups, and the department of each check-in and questionnaire at the time it was made.

Revision ID: 20261123_2300
Revises: 20261123_2200
Created: 2026-11-23 20:03:02.076689+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_2300"
down_revision: str | None = "20261123_2200"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "department_weeks",
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("checkins", sa.Integer(), nullable=False),
        sa.Column("sum_ee", sa.Float(), nullable=False),
        sa.Column("sum_pa", sa.Float(), nullable=False),
        sa.Column("sum_dp", sa.Float(), nullable=False),
        sa.Column("risk_low", sa.Integer(), nullable=False),
        sa.Column("risk_moderate", sa.Integer(), nullable=False),
        sa.Column("risk_high", sa.Integer(), nullable=False),
        sa.Column("at_risk", sa.Integer(), nullable=False),
        sa.Column("cbi_respondents", sa.Integer(), nullable=False),
        sa.Column("cbi_work_sum", sa.Float(), nullable=False),
        sa.Column("workload_members", sa.Integer(), nullable=False),
        sa.Column("workload_low", sa.Integer(), nullable=False),
        sa.Column("workload_medium", sa.Integer(), nullable=False),
        sa.Column("workload_high", sa.Integer(), nullable=False),
        sa.Column("workload_critical", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_department_weeks_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("department_id", "week_start", name=op.f("pk_department_weeks")),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Uuid(), nullable=True))
        batch_op.create_index("ix_checkins_department_date", ["department_id", "date"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_checkins_department_id_departments"),
            "departments",
            ["department_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Uuid(), nullable=True))
        batch_op.create_index("ix_survey_responses_department_date", ["department_id", "date"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_survey_responses_department_id_departments"),
            "departments",
            ["department_id"],
            ["id"],
            ondelete="SET NULL",
        )

    # Rows made before this revision take their author's current department; run `emberwatch analytics rebuild`.
    for table in ("checkins", "survey_responses"):
        op.execute(
            f"UPDATE {table} SET department_id = "  # noqa: S608 - table names are literals above
            f"(SELECT users.department_id FROM users WHERE users.id = {table}.user_id)"
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_survey_responses_department_id_departments"), type_="foreignkey")
        batch_op.drop_index("ix_survey_responses_department_date")
        batch_op.drop_column("department_id")

    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_checkins_department_id_departments"), type_="foreignkey")
        batch_op.drop_index("ix_checkins_department_date")
        batch_op.drop_column("department_id")

    op.drop_table("department_weeks")
