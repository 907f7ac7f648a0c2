"""A REST API backed by a Lambda function in a VPC, with an RDS PostgreSQL database.

Everything is built from the components in ``components/``; this file only
reads the stack's configuration and wires the components together.
"""

import pulumi
from components import (
    DatabaseArgs,
    LambdaRole,
    LambdaRoleArgs,
    Network,
    NetworkArgs,
    PostgresDatabase,
    ServerlessApi,
    ServerlessApiArgs,
)

config = pulumi.Config()
prefix = config.get("namePrefix") or "app"

network = Network(
    f"{prefix}-network",
    NetworkArgs(
        cidr_block=config.get("vpcCidr") or "10.0.0.0/16",
        availability_zones=config.get_object("availabilityZones") or (),
    ),
)

database = PostgresDatabase(
    f"{prefix}-db",
    DatabaseArgs(
        subnet_ids=network.private_subnet_ids,
        security_group_ids=[network.database_security_group_id],
        engine_version=config.get("dbEngineVersion") or "17",
        instance_class=config.get("dbInstanceClass") or "db.t4g.micro",
        allocated_storage=config.get_int("dbAllocatedStorage") or 20,
        max_allocated_storage=config.get_int("dbMaxAllocatedStorage") or 100,
        multi_az=config.get_bool("dbMultiAz") or False,
        # Protected unless a stack explicitly opts out (e.g. short-lived dev stacks).
        deletion_protection=config.get_bool("dbDeletionProtection") is not False,
    ),
)

role = LambdaRole(
    f"{prefix}-lambda",
    LambdaRoleArgs(readable_secret_arns=[database.master_secret_arn]),
)

api = ServerlessApi(
    f"{prefix}-api",
    ServerlessApiArgs(
        role_arn=role.arn,
        subnet_ids=network.private_subnet_ids,
        security_group_ids=[network.lambda_security_group_id],
        memory_size=config.get_int("lambdaMemorySize") or 256,
        timeout=config.get_int("lambdaTimeout") or 10,
        stage_name=config.get("apiStageName") or "v1",
        environment={
            "DB_HOST": database.address,
            "DB_PORT": database.port.apply(str),
            "DB_NAME": database.db_name,
            "DB_SECRET_ARN": database.master_secret_arn,
        },
    ),
)

pulumi.export("apiUrl", api.url)
pulumi.export("functionName", api.function_name)
pulumi.export("dbEndpoint", database.endpoint)
pulumi.export("dbSecretArn", database.master_secret_arn)
pulumi.export("vpcId", network.vpc_id)
