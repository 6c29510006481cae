"""Batch loaders that live as long as one request: what a page names is read in one query."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from strawberry.dataloader import DataLoader

from api.graphql.context import Context, Info

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# Per request (its context), per name; gone with the request, so masking follows its role.
_LOADERS: WeakKeyDictionary[Context, dict[str, DataLoader[Any, Any]]] = WeakKeyDictionary()


def request_loader(
    info: Info, name: str, load: Callable[[Context, list[K]], Awaitable[list[V]]]
) -> DataLoader[K, V]:
    """The request's loader called `name`, batching every key asked while resolving."""
    context = info.context
    loaders = _LOADERS.setdefault(context, {})
    loader = loaders.get(name)
    if loader is None:
        loader = loaders[name] = DataLoader(lambda keys: load(context, keys))
    return loader
