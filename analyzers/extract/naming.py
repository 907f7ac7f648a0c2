"""Python SDK names → engine names: resource type tokens and camelCase props.

Pulumi's Python SDKs are generated from the provider schema with mechanical
rules, so the mapping needs no SDK at run time (tests check it against the
installed pulumi_aws for every type and property the rules use):

- bridged providers: ``pulumi_aws.rds.Instance`` → ``aws:rds/instance:Instance``
  (module names lose a trailing ``_``: ``lambda_`` → ``lambda``; the middle part
  is the class name with its first letter lower-cased: ``MLTransform`` →
  ``mLTransform``); top-level classes live in module ``index``;
- native providers and component packages: ``pkg:module:Name``;
- ``Provider`` at the package top level is ``pulumi:providers:<pkg>``;
- keyword arguments: ``engine_version`` → ``engineVersion``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# Packages whose classes are ComponentResources (multi-language components),
# not cloud resources: they are fine anywhere and their children are theirs.
COMPONENT_PACKAGES = frozenset({
    "awsx",
    "aws_apigateway",
    "aws_static_website",
    "aws_iam",
    "aws_s3_replicated_bucket",
    "eks",
    "gcp_global_cloudrun",
    "azure_justrun",
    "kubernetes_cert_manager",
    "kubernetes_coredns",
    "kubernetes_ingress_nginx",
})

# Native providers name types "pkg:module:Name" (no camelCase member part).
NATIVE_PACKAGES = frozenset({"aws_native", "azure_native", "google_native", "kubernetes"})

# pulumi_kubernetes modules/classes that are local components in the SDK.
_KUBERNETES_COMPONENTS = (("yaml",), ("kustomize",), ("helm", "v3", "Chart"), ("helm", "v4", "Chart"))

# Enums of pulumi_aws (module, class): calling one is a conversion, not a resource.
AWS_ENUMS = frozenset({
    ("", "Region"), ("alb", "IpAddressType"), ("alb", "LoadBalancerType"),
    ("applicationloadbalancing", "IpAddressType"), ("applicationloadbalancing", "LoadBalancerType"),
    ("autoscaling", "Metric"), ("autoscaling", "MetricsGranularity"), ("autoscaling", "NotificationType"),
    ("ec2", "InstancePlatform"), ("ec2", "InstanceType"), ("ec2", "PlacementStrategy"),
    ("ec2", "ProtocolType"), ("ec2", "Tenancy"), ("ecr", "LifecyclePolicyActionType"),
    ("ecr", "LifecyclePolicyCountType"), ("ecr", "LifecyclePolicyTagStatus"), ("iam", "ManagedPolicy"),
    ("iam", "PolicyDocumentVersion"), ("iam", "PolicyStatementEffect"), ("lambda_", "Runtime"),
    ("rds", "EngineMode"), ("rds", "EngineType"), ("rds", "InstanceType"), ("rds", "StorageType"),
    ("route53", "RecordType"), ("s3", "CannedAcl"), ("ssm", "ParameterType"),
})

# Members of pulumi_aws.rds.EngineType (engine names the SG2xx rules read).
RDS_ENGINE_TYPES = {
    "AURORA": "aurora",
    "AURORA_MYSQL": "aurora-mysql",
    "AURORA_POSTGRESQL": "aurora-postgresql",
    "MYSQL": "mysql",
    "POSTGRES": "postgres",
}

# Submodules of a provider package that hold types, not resources.
_TYPE_MODULES = frozenset({"outputs", "inputs", "_inputs", "_enums", "config", "_utilities"})

CUSTOM = "custom"
COMPONENT = "component"
PROVIDER = "provider"


@dataclass(frozen=True)
class ResourceClass:
    """What an SDK class constructs: its type token and kind (custom/component/provider)."""

    token: str
    kind: str


@lru_cache(maxsize=4096)
def camel_case(name: str) -> str:
    """``engine_version`` → ``engineVersion``; a trailing ``_`` (``type_``) is dropped."""
    stripped = name.rstrip("_") or name
    head, *rest = stripped.split("_")
    if not head:  # a leading underscore is not a word boundary
        return stripped
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def package_token(python_package: str) -> str:
    """``aws_native`` → ``aws-native`` (the engine's package name)."""
    return python_package.replace("_", "-")


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def is_class_name(name: str) -> bool:
    return name[:1].isupper()


def is_input_type(name: str) -> bool:
    return name.endswith(("Args", "ArgsDict"))


@lru_cache(maxsize=4096)
def resource_class(path: str) -> ResourceClass | None:
    """The resource an SDK class path like ``pulumi_aws.rds.Instance`` constructs, if any, by
    name alone: the fallback for packages neither installed nor in the shipped index (the
    analyzer asks ``analyzers.providers.ProviderKnowledge``, which reads the SDK's registry)."""
    parts = path.split(".")
    if len(parts) < 2 or not parts[0].startswith("pulumi_") or parts[0] == "pulumi_policy":
        return None
    package, modules, name = parts[0][len("pulumi_"):], parts[1:-1], parts[-1]
    if not package or not is_class_name(name) or is_input_type(name):
        return None
    if any(m.startswith("_") or m in _TYPE_MODULES for m in modules):
        return None
    if package == "aws" and ("/".join(modules), name) in AWS_ENUMS:
        return None
    pkg = package_token(package)
    if name == "Provider" and not modules:
        return ResourceClass(f"pulumi:providers:{pkg}", PROVIDER)
    module_path = "/".join(m.rstrip("_") for m in modules)
    if package in COMPONENT_PACKAGES:
        return ResourceClass(f"{pkg}:{module_path or 'index'}:{name}", COMPONENT)
    if package in NATIVE_PACKAGES:
        kind = CUSTOM
        if package == "kubernetes" and any(
            tuple(parts[1:1 + len(prefix)]) == prefix for prefix in _KUBERNETES_COMPONENTS
        ):
            kind = COMPONENT
        return ResourceClass(f"{pkg}:{module_path or 'index'}:{name}", kind)
    return ResourceClass(f"{pkg}:{module_path or 'index'}/{_lower_first(name)}:{name}", CUSTOM)
