"""Runtime → source: the line that creates the resource a runtime violation is about.

A URN names the resource's type, its logical name and the types of its
ancestors (``Parent$Child``); the results file adds the parent's URN. The
static analyzer's resource index (``analyzers.extract.resource_sites``) has
every construction site with its type token, its logical name or a name
pattern (``*-vpc`` for ``f"{name}-vpc"``), and its parent site. A violation
maps to a site when:

1. the type token is the same and the site's name (pattern) can produce the
   resource's logical name;
2. among those, the sites whose ancestors agree with the URN's (types, and
   the parent's name) win over sites that can't be told, which win over sites
   that disagree — a disagreement never rules out the only candidate (a child
   created without ``parent=self`` is at the stack root at run time, inside
   its component in the source);
3. a literal name wins over a pattern.

One location left: mapped. Several: ambiguous, and the finding says where the
resource may be created instead of guessing. None: unmapped (a resource of a
multi-language component, code outside the analysed files), placed at the
project's ``Pulumi.yaml``. A resource created inside a component the analyzer
can't see into maps to that component's construction when the parent is known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analyzers.extract.resource_sites import ResourceSite, name_matches
from analyzers.gate.runtime_results import RuntimeViolation, Urn

MAPPED, AMBIGUOUS, UNMAPPED = "mapped", "ambiguous", "unmapped"
_AGREES, _CANT_TELL, _DISAGREES = 2, 1, 0


@dataclass(frozen=True)
class Mapping:
    status: str  # MAPPED | AMBIGUOUS | UNMAPPED
    site: ResourceSite | None = None  # MAPPED: where the resource is created
    candidates: tuple[ResourceSite, ...] = ()  # AMBIGUOUS: the places it may be created
    via_parent: ResourceSite | None = None  # MAPPED through the enclosing component's site


class SourceIndex:
    """The construction sites of one project, looked up by type token."""

    def __init__(self, sites: Sequence[ResourceSite]) -> None:
        self.sites = list(sites)
        # Literal names are looked up directly; only patterns are matched one by one, so many
        # violations against many sites stay cheap.
        self._exact: dict[tuple[str, str], list[int]] = {}
        self._patterns: dict[str, list[int]] = {}
        for position, site in enumerate(self.sites):
            exact = site.exact_name
            if exact is not None:
                self._exact.setdefault((site.type, exact), []).append(position)
            else:
                self._patterns.setdefault(site.type, []).append(position)

    def map(self, violation: RuntimeViolation) -> Mapping:
        found = self._locate(violation.urn, violation.parent)
        if found.status != UNMAPPED or violation.parent is None:
            return found
        # Created inside something the analyzer can't see into (awsx, a multi-language
        # component): the line that creates that component is where to look.
        around = self._locate(violation.parent, None)
        if around.status == MAPPED and around.site is not None:
            return Mapping(MAPPED, around.site, via_parent=around.site)
        return found

    def _locate(self, urn: Urn, parent: Urn | None) -> Mapping:
        candidates = [*self._exact.get((urn.type, urn.name), ()), *(
            position for position in self._patterns.get(urn.type, ())
            if name_matches(self.sites[position].name, urn.name)
        )]
        if not candidates:
            return Mapping(UNMAPPED)
        scores = {position: self._agreement(position, urn, parent) for position in candidates}
        best = max(scores.values())
        candidates = [position for position in candidates if scores[position] == best]
        exact = [position for position in candidates if self.sites[position].exact_name == urn.name]
        chosen = exact or candidates
        places = {(self.sites[p].path, self.sites[p].line, self.sites[p].column): p for p in chosen}
        if len(places) == 1:
            return Mapping(MAPPED, self.sites[chosen[0]])
        return Mapping(AMBIGUOUS, candidates=tuple(self.sites[p] for p in sorted(places.values())))

    def _agreement(self, position: int, urn: Urn, parent: Urn | None) -> int:
        """Whether the site's ancestors are the URN's: their types (outermost first), and the
        parent's name when the results give the parent."""
        site = self.sites[position]
        types: list[str] = []
        seen: set[int] = set()
        current = site
        while current.parent is not None and current.parent not in seen:
            seen.add(current.parent)
            current = self.sites[current.parent]
            types.append(current.type)
        if current.parent is None and not current.at_root:
            return _CANT_TELL  # the chain ends at a parent the analyzer couldn't resolve
        if tuple(reversed(types)) != urn.types[:-1]:
            return _DISAGREES
        parent_site = self.sites[site.parent] if site.parent is not None else None
        if parent is not None and parent_site is not None and not name_matches(parent_site.name, parent.name):
            return _DISAGREES
        return _AGREES
