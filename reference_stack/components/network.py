"""Network: a VPC with private subnets in two zones and the security groups of the app tier."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

SUBNET_COUNT = 2  # RDS subnet groups need subnets in at least two availability zones
HTTPS_PORT = 443


@dataclass(frozen=True)
class NetworkArgs:
    cidr_block: str = "10.0.0.0/16"
    # Zones to place the subnets in; empty means the first available zones of the region.
    availability_zones: Sequence[str] = ()
    # The database port the Lambda security group may reach.
    database_port: int = 5432


def private_subnet_cidrs(vpc_cidr: str, count: int = SUBNET_COUNT) -> list[str]:
    """Equal slices of the VPC range, one per subnet (a /16 gives /20s)."""
    network = ipaddress.ip_network(vpc_cidr)
    new_prefix = min(network.prefixlen + 4, 28)
    subnets = list(network.subnets(new_prefix=new_prefix))
    if len(subnets) < count:
        raise ValueError(f"VPC range {vpc_cidr} is too small for {count} subnets")
    return [str(subnet) for subnet in subnets[:count]]


class Network(pulumi.ComponentResource):
    """VPC, private subnets, a Secrets Manager endpoint and the Lambda/database security groups.

    The subnets have no route to the internet: the function only talks to the
    database and, through the interface endpoint, to Secrets Manager.
    """

    vpc_id: pulumi.Output[str]
    private_subnet_ids: list[pulumi.Output[str]]
    lambda_security_group_id: pulumi.Output[str]
    database_security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("stackguard:network:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr_block,
            enable_dns_support=True,
            enable_dns_hostnames=True,  # needed for the endpoint's private DNS name
            tags={"Name": f"{name}-vpc"},
            opts=child,
        )

        zones = self._zones(args.availability_zones)
        subnets = [
            aws.ec2.Subnet(
                f"{name}-private-{index}",
                vpc_id=vpc.id,
                cidr_block=cidr,
                availability_zone=zones[index],
                map_public_ip_on_launch=False,
                tags={"Name": f"{name}-private-{index}", "Tier": "private"},
                opts=child,
            )
            for index, cidr in enumerate(private_subnet_cidrs(args.cidr_block))
        ]

        lambda_sg = aws.ec2.SecurityGroup(
            f"{name}-lambda-sg",
            vpc_id=vpc.id,
            description="Lambda functions of the API",
            tags={"Name": f"{name}-lambda-sg"},
            opts=child,
        )
        database_sg = aws.ec2.SecurityGroup(
            f"{name}-database-sg",
            vpc_id=vpc.id,
            description="PostgreSQL, reachable from the Lambda functions only",
            tags={"Name": f"{name}-database-sg"},
            opts=child,
        )
        endpoint_sg = aws.ec2.SecurityGroup(
            f"{name}-endpoint-sg",
            vpc_id=vpc.id,
            description="Interface endpoints, reachable from the Lambda functions only",
            tags={"Name": f"{name}-endpoint-sg"},
            opts=child,
        )

        # Rules as separate resources so neither group embeds the other (no cycle).
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-database-from-lambda",
            security_group_id=database_sg.id,
            referenced_security_group_id=lambda_sg.id,
            ip_protocol="tcp",
            from_port=args.database_port,
            to_port=args.database_port,
            description="PostgreSQL from the Lambda functions",
            opts=child,
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-lambda-to-database",
            security_group_id=lambda_sg.id,
            referenced_security_group_id=database_sg.id,
            ip_protocol="tcp",
            from_port=args.database_port,
            to_port=args.database_port,
            description="PostgreSQL",
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-endpoint-from-lambda",
            security_group_id=endpoint_sg.id,
            referenced_security_group_id=lambda_sg.id,
            ip_protocol="tcp",
            from_port=HTTPS_PORT,
            to_port=HTTPS_PORT,
            description="HTTPS from the Lambda functions",
            opts=child,
        )
        aws.vpc.SecurityGroupEgressRule(
            f"{name}-lambda-to-endpoints",
            security_group_id=lambda_sg.id,
            referenced_security_group_id=endpoint_sg.id,
            ip_protocol="tcp",
            from_port=HTTPS_PORT,
            to_port=HTTPS_PORT,
            description="HTTPS to the VPC interface endpoints",
            opts=child,
        )

        region = aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self))
        aws.ec2.VpcEndpoint(
            f"{name}-secretsmanager",
            vpc_id=vpc.id,
            service_name=region.region.apply(lambda r: f"com.amazonaws.{r}.secretsmanager"),
            vpc_endpoint_type="Interface",
            subnet_ids=[subnet.id for subnet in subnets],
            security_group_ids=[endpoint_sg.id],
            private_dns_enabled=True,
            tags={"Name": f"{name}-secretsmanager"},
            opts=child,
        )

        self.vpc_id = vpc.id
        self.private_subnet_ids = [subnet.id for subnet in subnets]
        self.lambda_security_group_id = lambda_sg.id
        self.database_security_group_id = database_sg.id
        self.register_outputs({
            "vpcId": self.vpc_id,
            "privateSubnetIds": self.private_subnet_ids,
            "lambdaSecurityGroupId": self.lambda_security_group_id,
            "databaseSecurityGroupId": self.database_security_group_id,
        })

    def _zones(self, configured: Sequence[str]) -> list[pulumi.Input[str]]:
        if configured:
            if len(configured) < SUBNET_COUNT:
                raise ValueError(f"availabilityZones needs at least {SUBNET_COUNT} zones, got {list(configured)}")
            return list(configured[:SUBNET_COUNT])
        available = aws.get_availability_zones_output(
            state="available", opts=pulumi.InvokeOutputOptions(parent=self)
        )
        return [available.names.apply(lambda names, i=i: names[i]) for i in range(SUBNET_COUNT)]
