"""Reusable building blocks of the stack, one ComponentResource per concern."""

from components.database import DatabaseArgs, PostgresDatabase, postgres_parameter_group_family
from components.iam import LambdaRole, LambdaRoleArgs
from components.network import Network, NetworkArgs
from components.serverless import ServerlessApi, ServerlessApiArgs

__all__ = [
    "DatabaseArgs",
    "LambdaRole",
    "LambdaRoleArgs",
    "Network",
    "NetworkArgs",
    "PostgresDatabase",
    "ServerlessApi",
    "ServerlessApiArgs",
    "postgres_parameter_group_family",
]
