"""The in-memory profile: a first-class adapter with real transactions, used by BDD and demos."""

from adapters.memory.store import MemoryStore
from adapters.memory.unit_of_work import MemoryUnitOfWork, MemoryUnitOfWorkFactory

__all__ = ["MemoryStore", "MemoryUnitOfWork", "MemoryUnitOfWorkFactory"]
