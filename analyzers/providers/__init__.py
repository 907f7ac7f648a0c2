"""How the analyzer recognises resources and their arguments (see ``knowledge``)."""

from analyzers.providers.knowledge import ArgumentFacts, ProviderKnowledge

__all__ = ["ArgumentFacts", "ProviderKnowledge"]
