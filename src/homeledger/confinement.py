"""Confining a statement to one ledger, paid for once per statement shape.

``tenancy`` decides *whether* a statement must be confined; this module does it.
A SELECT gets ``user_id = <ledger>`` for every ledger table it reads, by two layers:

- a copy of the statement tree where every SELECT's FROM tables and every JOIN's
  right side get the criterion (:func:`copy_confined`), which reaches tables the ORM
  does not load: a WHERE, an EXISTS, a Core table select, a subquery;
- the ORM's ``with_loader_criteria`` option, which reaches what the ORM builds
  itself: entities it loads, joins of relationships, lazy and eager loads.

Copying the tree means asking each SELECT for its FROM list, which builds the ORM's
compile state, on every request, although SQLAlchemy's compiled cache then finds
the same SQL every time. So the copy is made once per *shape* of statement (its
SQLAlchemy cache key, which leaves out the bound values) and kept as a
:class:`_Template`. A later statement of that shape runs as the template, with its
own values handed over by position, the way SQLAlchemy's compiled cache hands
values to a cached compilation: the template's cache key is given the new values,
and the ledger's wherever the confinement put it. No tree is copied, and nothing
is compiled again.

What the template may not carry over is per-execution: the statement's loader
options (lazy loads made later read their criteria from these objects) and its
execution options are the new statement's own. Where values cannot be handed over
by position (no cache key, compiled caching off, a bound value whose origin cannot
be traced), the statement is copied as before, every time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, and_
from sqlalchemy.sql import visitors
from sqlalchemy.sql.cache_key import CacheKey
from sqlalchemy.sql.selectable import Alias, FromClause, Join, Select
from sqlalchemy.util import LRUCache

from homeledger.models.base import Base, UserOwned

# One entry per statement shape in the code; the bound keeps a stream of
# generated shapes (say, IN lists of every length) from growing it without end.
TEMPLATE_CACHE_SIZE = 2000

_LEDGER = -1  # in a template's sources: this bound value is the acting ledger


@functools.cache
def owned_table_names() -> frozenset[str]:
    """Names of the ledger tables; computed once, as every statement asks."""
    import homeledger.models  # noqa: F401  (every model registered before we look)

    return frozenset(
        mapper.local_table.name
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, UserOwned)
    )


def owned_leaf(from_clause) -> FromClause | None:
    """The owned table (or alias of one) ``from_clause`` is, if it is one."""
    table = from_clause.element if isinstance(from_clause, Alias) else from_clause
    if isinstance(table, Table) and table.name in owned_table_names():
        return from_clause
    return None


def _leftmost(from_clause):
    return _leftmost(from_clause.left) if isinstance(from_clause, Join) else from_clause


def copy_confined(statement, ledger: int):
    """A copy of ``statement`` with ``user_id = ledger`` for every owned table in it.

    ``with_loader_criteria`` only reaches entities the ORM loads; a table that
    appears just in a WHERE clause, an EXISTS, a Core table select or a
    subquery would escape it. So the statement tree is copied and every SELECT
    gets the criterion in its WHERE for the tables it selects FROM, and every
    JOIN in its ON clause for the table it joins (keeping outer joins outer).
    """

    def criterion(leaf):
        return leaf.c.user_id == ledger

    def visit_select(select: Select) -> None:
        extra = []
        for from_clause in select.get_final_froms():
            leaf = owned_leaf(_leftmost(from_clause))
            if leaf is not None:
                extra.append(criterion(leaf))
        if extra:
            # Mutating the clone that cloned_traverse hands us is how its visitors work.
            select._where_criteria += tuple(extra)

    def visit_join(join: Join) -> None:
        leaf = owned_leaf(_leftmost(join.right))
        if leaf is not None:
            join.onclause = and_(join.onclause, criterion(leaf))

    # Loader options are not clause elements and cannot be copied; leave them as they are.
    options = {"stop_on": set(getattr(statement, "_with_options", ()))}
    return visitors.cloned_traverse(
        statement, options, {"select": visit_select, "join": visit_join}
    )


@dataclass(frozen=True)
class _Template:
    """A confined statement of one shape, and where each of its bound values comes from."""

    statement: Any
    key: tuple
    parameters: tuple  # the bound parameters of ``statement``'s cache key, in order
    # For each bound parameter of ``statement``'s cache key, in order: the index of
    # the original statement's parameter it was copied from, or _LEDGER.
    sources: tuple[int, ...]

    def bind(self, statement, key: CacheKey, ledger: int, option) -> Any:
        """This template as ``statement`` (same shape, cache key ``key``) in ``ledger``."""
        given = key.bindparams
        # Each value goes in a copy of the template's own parameter (same name), as the
        # compiler pairs a cache key's parameters with the ones it compiles by name.
        values = [
            parameter._with_value(
                ledger if source == _LEDGER else given[source].effective_value,
                maintain_key=True,
            )
            for parameter, source in zip(self.parameters, self.sources, strict=True)
        ]
        bound = self.statement._generate()  # a shallow copy: the tree is shared, not copied
        bound._with_options = (*statement._with_options, option)
        bound._execution_options = statement._execution_options
        # How SQLAlchemy memoises a statement's cache key; the compiled cache reads
        # the values from it by position.
        cache_key = CacheKey(self.key, values)
        bound.__dict__["_generate_cache_key"] = lambda: cache_key
        bound._memoized_keys = bound._memoized_keys | {"_generate_cache_key"}
        return bound


_UNCACHEABLE = object()
_templates: LRUCache = LRUCache(TEMPLATE_CACHE_SIZE)


def confined_select(statement, ledger: int, option_for: Callable[[int], Any], *, cached: bool):
    """``statement`` (a SELECT) confined to ``ledger`` by both layers.

    ``option_for(ledger)`` makes the loader-criteria option. With ``cached`` false
    (compiled caching is off for this execution), or for a shape that cannot be
    cached, the tree is copied now.
    """
    key = statement._generate_cache_key() if cached else None
    template = _templates.get(key.key) if key is not None else _UNCACHEABLE
    if template is None:
        template = _templates[key.key] = _template(statement, key, ledger, option_for)
    if template is _UNCACHEABLE:
        return copy_confined(statement, ledger).options(option_for(ledger))
    return template.bind(statement, key, ledger, option_for(ledger))


def _template(statement, key: CacheKey, ledger: int, option_for) -> _Template | object:
    confined = copy_confined(statement, ledger).options(option_for(ledger))
    confined_key = confined._generate_cache_key()
    if confined_key is None:
        return _UNCACHEABLE
    by_id = {id(parameter): i for i, parameter in enumerate(key.bindparams)}
    by_name = {parameter.key: i for i, parameter in enumerate(key.bindparams)}
    if len(by_name) < len(key.bindparams):
        return _UNCACHEABLE  # two parameters share a name: which value goes where is unclear
    sources = []
    for parameter in confined_key.bindparams:
        source = _origin(parameter, by_id, by_name)
        if source is not None:
            sources.append(source)
        elif parameter.callable is None and parameter.value == ledger:
            sources.append(_LEDGER)  # one the confinement added
        else:
            return _UNCACHEABLE
    return _Template(confined, confined_key.key, tuple(confined_key.bindparams), tuple(sources))


def _origin(parameter, by_id: dict[int, int], by_name: dict[str, int]) -> int | None:
    """Which of the original statement's parameters ``parameter`` was copied from: the
    copy's parameters are clones of the original's (an IN list's, of one with its name)."""
    chain = []
    while parameter is not None:
        if id(parameter) in by_id:
            return by_id[id(parameter)]
        chain.append(parameter.key)
        parameter = parameter._is_clone_of
    return next((by_name[name] for name in chain if name in by_name), None)


def clear_templates() -> None:
    """Forget every template (tests that count what a first statement costs)."""
    _templates.clear()
