"""Entity search by name and identifier, over an index kept by the statement store."""

from filet.search.index import index_entities
from filet.search.service import SearchHit, search_entities
from filet.search.tuning import SearchTuning

__all__ = ["SearchHit", "SearchTuning", "index_entities", "search_entities"]
