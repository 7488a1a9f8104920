"""Create incident-platform integrations, their people and incidents (normal form), and workload analyses.

Revision ID: 20261123_2100
Revises: 20261123_2000
Created: 2026-11-23 19:20:29.215642+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_2100"
down_revision: str | None = "20261123_2000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "integrations",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("token_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("last_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sync_status", sa.String(length=16), nullable=True),
        sa.Column("last_sync_error", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "platform IN ('rootly', 'pagerduty', 'import')", name=op.f("ck_integrations_platform_known")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_integrations_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrations")),
    )
    with op.batch_alter_table("integrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_integrations_owner_id"), ["owner_id"], unique=False)

    op.create_table(
        "workload_analyses",
        sa.Column("integration_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("time_range", sa.Integer(), nullable=False),
        sa.Column("include_weekends", sa.Boolean(), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error_message", sa.String(length=1000), nullable=True),
        sa.Column("analysis_data", sa.JSON(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'completed', 'failed')", name=op.f("ck_workload_analyses_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_workload_analyses_integration_id_integrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_workload_analyses_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workload_analyses")),
    )
    with op.batch_alter_table("workload_analyses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workload_analyses_integration_id"), ["integration_id"], unique=False)
        batch_op.create_index("ix_workload_analyses_owner_created", ["owner_id", "created_at"], unique=False)
        batch_op.create_index("ix_workload_analyses_status", ["status"], unique=False)

    op.create_table(
        "workload_incidents",
        sa.Column("integration_id", sa.Uuid(), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("responder_email", sa.String(length=254), nullable=False),
        sa.Column("responder_name", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_workload_incidents_integration_id_integrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workload_incidents")),
        sa.UniqueConstraint(
            "integration_id", "external_id", "responder_email", name="uq_workload_incidents_incident_responder"
        ),
    )
    with op.batch_alter_table("workload_incidents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_workload_incidents_integration_created", ["integration_id", "created_at"], unique=False
        )

    op.create_table(
        "workload_people",
        sa.Column("integration_id", sa.Uuid(), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_workload_people_integration_id_integrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workload_people")),
        sa.UniqueConstraint("integration_id", "email", name="uq_workload_people_integration_email"),
    )
    op.create_table(
        "workload_member_results",
        sa.Column("analysis_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("burnout_score", sa.Float(), nullable=False),
        sa.Column("risk_level", sa.String(length=16), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["analysis_id"],
            ["workload_analyses.id"],
            name=op.f("fk_workload_member_results_analysis_id_workload_analyses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_workload_member_results_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("analysis_id", "email", name=op.f("pk_workload_member_results")),
    )
    with op.batch_alter_table("workload_member_results", schema=None) as batch_op:
        batch_op.create_index("ix_workload_member_results_user_completed", ["user_id", "completed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("workload_member_results", schema=None) as batch_op:
        batch_op.drop_index("ix_workload_member_results_user_completed")

    op.drop_table("workload_member_results")
    op.drop_table("workload_people")
    with op.batch_alter_table("workload_incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_workload_incidents_integration_created")

    op.drop_table("workload_incidents")
    with op.batch_alter_table("workload_analyses", schema=None) as batch_op:
        batch_op.drop_index("ix_workload_analyses_status")
        batch_op.drop_index("ix_workload_analyses_owner_created")
        batch_op.drop_index(batch_op.f("ix_workload_analyses_integration_id"))

    op.drop_table("workload_analyses")
    with op.batch_alter_table("integrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrations_owner_id"))

    op.drop_table("integrations")
