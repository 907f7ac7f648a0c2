"""Database: RDS PostgreSQL with a parameter group that always matches the engine version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

ENGINE = "postgres"
PORT = 5432


def postgres_parameter_group_family(engine_version: str) -> str:
    """The parameter group family of a PostgreSQL version: "17.5" → "postgres17", "9.6.24" → "postgres9.6".

    The one place the family is derived, so an engine upgrade moves both
    together (AWS rejects a family that doesn't match the engine with
    InvalidParameterCombination).
    """
    parts = engine_version.strip().split(".")
    if not parts[0].isdigit():
        raise ValueError(f"not a PostgreSQL version: {engine_version!r}")
    major = int(parts[0])
    if major >= 10:
        return f"postgres{major}"
    if len(parts) < 2 or not parts[1].isdigit():
        raise ValueError(f"PostgreSQL {engine_version!r} needs a minor version to name its family")
    return f"postgres{major}.{parts[1]}"


@dataclass(frozen=True)
class DatabaseArgs:
    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_ids: Sequence[pulumi.Input[str]]
    engine_version: str = "17"
    instance_class: str = "db.t4g.micro"
    allocated_storage: int = 20
    max_allocated_storage: int = 100  # storage autoscaling ceiling
    db_name: str = "app"
    master_username: str = "app_admin"
    multi_az: bool = False
    deletion_protection: bool = True
    backup_retention_days: int = 7


class PostgresDatabase(pulumi.ComponentResource):
    """A private, encrypted PostgreSQL instance whose master password RDS keeps in Secrets Manager."""

    endpoint: pulumi.Output[str]
    address: pulumi.Output[str]
    port: pulumi.Output[int]
    db_name: pulumi.Output[str]
    master_secret_arn: pulumi.Output[str]

    def __init__(self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("stackguard:database:PostgresDatabase", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        subnet_group = aws.rds.SubnetGroup(
            f"{name}-subnets",
            subnet_ids=list(args.subnet_ids),
            description=f"Private subnets of {name}",
            opts=child,
        )
        parameter_group = aws.rds.ParameterGroup(
            f"{name}-params",
            family=postgres_parameter_group_family(args.engine_version),
            description=f"PostgreSQL settings of {name}",
            parameters=[
                aws.rds.ParameterGroupParameterArgs(name="rds.force_ssl", value="1"),
                aws.rds.ParameterGroupParameterArgs(name="log_min_duration_statement", value="1000"),
            ],
            opts=child,
        )
        instance = aws.rds.Instance(
            f"{name}-instance",
            engine=ENGINE,
            engine_version=args.engine_version,
            # A major-only version follows AWS's current minor; allow_major_version_upgrade
            # lets a config change of the major (and so of the family) go through.
            auto_minor_version_upgrade=True,
            allow_major_version_upgrade=True,
            instance_class=args.instance_class,
            allocated_storage=args.allocated_storage,
            max_allocated_storage=args.max_allocated_storage,
            storage_type="gp3",
            storage_encrypted=True,
            db_name=args.db_name,
            username=args.master_username,
            manage_master_user_password=True,  # RDS creates and rotates the secret: no password here
            port=PORT,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=list(args.security_group_ids),
            parameter_group_name=parameter_group.name,
            publicly_accessible=False,
            multi_az=args.multi_az,
            backup_retention_period=args.backup_retention_days,
            copy_tags_to_snapshot=True,
            deletion_protection=args.deletion_protection,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{name}-final",
            enabled_cloudwatch_logs_exports=["postgresql", "upgrade"],
            opts=child,
        )

        self.endpoint = instance.endpoint
        self.address = instance.address
        self.port = instance.port
        self.db_name = instance.db_name
        self.master_secret_arn = instance.master_user_secrets.apply(
            lambda secrets: secrets[0].secret_arn if secrets else ""
        )
        self.register_outputs({
            "endpoint": self.endpoint,
            "address": self.address,
            "port": self.port,
            "dbName": self.db_name,
            "masterSecretArn": self.master_secret_arn,
        })
