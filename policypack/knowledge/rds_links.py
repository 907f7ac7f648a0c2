"""How RDS resources point at each other: databases → groups, instances → clusters.

Relations are followed by property dependency (a URN, known even during
preview) first, then by literal name among the stack's resources, then from an
AWS default group name (``default.postgres17``). Anything else is outside
what the stack shows, and the callers stay silent about it.
"""

from __future__ import annotations

from dataclasses import dataclass

from policypack.graph import Resource, ResourceGraph, known_str
from policypack.knowledge import rds_engines, tokens


@dataclass(frozen=True)
class GroupRef:
    """A parameter or option group a database uses."""

    label: str  # how to name it in a message
    resource: Resource | None  # None for AWS default groups


def _same_name(a: str, b: str) -> bool:
    # RDS stores group and cluster identifiers in lower case.
    return a.lower() == b.lower()


def linked(graph: ResourceGraph, resource: Resource, prop: str, target_type: str,
           target_name_prop: str = "name") -> list[Resource]:
    """Resources of ``target_type`` that ``prop`` of ``resource`` refers to."""
    by_dependency = graph.prop_targets(resource, prop, target_type)
    if by_dependency:
        return by_dependency
    wanted = known_str(resource.prop(prop))
    if wanted is None:
        return []
    return [
        candidate for candidate in graph.of_type(target_type)
        if (name := known_str(candidate.prop(target_name_prop))) and _same_name(name, wanted)
    ]


def groups(graph: ResourceGraph, resource: Resource, prop: str, group_type: str) -> list[GroupRef]:
    """The groups ``prop`` of ``resource`` refers to (stack resources or AWS defaults)."""
    found = [GroupRef(f"'{g.name}'", g) for g in linked(graph, resource, prop, group_type)]
    if found:
        return found
    name = known_str(resource.prop(prop))
    if name and rds_engines.default_group_family(name) and not resource.property_dependencies.get(prop):
        return [GroupRef(f"'{name}'", None)]
    return []


def group_family(group: GroupRef) -> str | None:
    if group.resource is None:
        return rds_engines.default_group_family(group.label.strip("'"))
    return known_str(group.resource.prop("family"))


def cluster_of(graph: ResourceGraph, instance: Resource) -> Resource | None:
    """The Cluster a ClusterInstance belongs to, when the stack shows it."""
    clusters = linked(graph, instance, "clusterIdentifier", tokens.RDS_CLUSTER, "clusterIdentifier")
    return clusters[0] if len(clusters) == 1 else None


@dataclass(frozen=True)
class EngineInfo:
    engine: str | None
    version: str | None
    # Where the version came from, for messages ("its cluster 'aurora'").
    source: Resource

    @property
    def family(self) -> str | None:
        return rds_engines.expected_family(self.engine, self.version)

    @property
    def major(self) -> str | None:
        return rds_engines.major_version(self.engine, self.version)


def engine_of(graph: ResourceGraph, database: Resource) -> EngineInfo:
    """Engine and version of an Instance, Cluster or ClusterInstance.

    A ClusterInstance without its own version follows its Cluster.
    """
    engine = known_str(database.prop("engine"))
    version = known_str(database.prop("engineVersion"))
    source = database
    if database.type == tokens.RDS_CLUSTER_INSTANCE and (engine is None or version is None):
        cluster = cluster_of(graph, database)
        if cluster is not None:
            engine = engine or known_str(cluster.prop("engine"))
            if version is None and database.prop("engineVersion") is None:
                version = known_str(cluster.prop("engineVersion"))
                source = cluster
    return EngineInfo(engine, version, source)


def describe(info: EngineInfo, database: Resource) -> str:
    """"postgres 17.5" (or "... of its cluster 'x'"), with secrets redacted."""
    secret = "engineVersion" in info.source.secret_props or "engine" in info.source.secret_props
    text = "[secret]" if secret else f"{info.engine} {info.version}"
    if info.source is not database:
        text += f" (from its cluster '{info.source.name}')"
    return text
