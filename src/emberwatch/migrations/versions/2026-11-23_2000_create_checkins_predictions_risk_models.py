"""Create check-ins (one per person and day), their predictions, and the risk model registry.

Revision ID: 20261123_2000
Revises: 20261123_1900
Created: 2026-11-23 19:02:55.510671+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261123_2000"
down_revision: str | None = "20261123_1900"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk_models",
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("algorithm", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("activated_by", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_risk_models")),
    )
    with op.batch_alter_table("risk_models", schema=None) as batch_op:
        batch_op.create_index(
            "uq_risk_models_one_active",
            ["is_active"],
            unique=True,
            postgresql_where=sa.text("is_active"),
            sqlite_where=sa.text("is_active"),
        )

    op.create_table(
        "checkins",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("exhaustion", sa.SmallInteger(), nullable=False),
        sa.Column("capability", sa.SmallInteger(), nullable=False),
        sa.Column("meaningfulness", sa.SmallInteger(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("idempotency_key", sa.String(length=128), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capability BETWEEN 0 AND 6", name=op.f("ck_checkins_capability_range")),
        sa.CheckConstraint("exhaustion BETWEEN 0 AND 6", name=op.f("ck_checkins_exhaustion_range")),
        sa.CheckConstraint("meaningfulness BETWEEN 0 AND 6", name=op.f("ck_checkins_meaningfulness_range")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_checkins_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint("user_id", "date", name="uq_checkins_user_day"),
        sa.UniqueConstraint("user_id", "idempotency_key", name="uq_checkins_user_idempotency_key"),
    )
    op.create_table(
        "predictions",
        sa.Column("checkin_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("risk_level", sa.String(length=10), nullable=False),
        sa.Column("p_low", sa.Float(), nullable=False),
        sa.Column("p_moderate", sa.Float(), nullable=False),
        sa.Column("p_high", sa.Float(), nullable=False),
        sa.Column("at_risk", sa.Boolean(), nullable=False),
        sa.Column("days_in_window", sa.SmallInteger(), nullable=False),
        sa.Column("ee_7d", sa.Float(), nullable=False),
        sa.Column("pa_7d", sa.Float(), nullable=False),
        sa.Column("dp_7d", sa.Float(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("risk_level IN ('low', 'moderate', 'high')", name=op.f("ck_predictions_risk_level_known")),
        sa.ForeignKeyConstraint(
            ["checkin_id"], ["checkins.id"], name=op.f("fk_predictions_checkin_id_checkins"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_predictions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_predictions")),
        sa.UniqueConstraint("checkin_id", name=op.f("uq_predictions_checkin_id")),
    )
    with op.batch_alter_table("predictions", schema=None) as batch_op:
        batch_op.create_index("ix_predictions_user_date", ["user_id", "date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("predictions", schema=None) as batch_op:
        batch_op.drop_index("ix_predictions_user_date")

    op.drop_table("predictions")
    op.drop_table("checkins")
    with op.batch_alter_table("risk_models", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_risk_models_one_active", postgresql_where=sa.text("is_active"), sqlite_where=sa.text("is_active")
        )

    op.drop_table("risk_models")
