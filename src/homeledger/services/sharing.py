"""Household sharing: the ledgers a person may act in, and a ledger's members.

A ledger is its owner's (its id is the owner's user id). The owner may grant
another person a role in it: an **editor** adds and changes what is in the
ledger; a **viewer** reads it and changes nothing. Only the owner manages
members, exports, deletes or restores the ledger: those act on the caller's own
ledger whatever ledger is chosen (the pages and endpoints under "me").

Every request checks the grant again (``enter``), so removing a member takes
effect on their very next request, in every browser and on every device. A
ledger the person has no grant in is "not found", like any other id that is not
theirs. What a role may write is enforced below the services, in ``tenancy.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homeledger import tenancy
from homeledger.ledger_roles import OWNER, ReadOnly, refuse_viewer
from homeledger.models import LedgerMember, Owner, User
from homeledger.models.base import MAX_ID
from homeledger.models.sharing import MEMBER_ROLES
from homeledger.services import accounts, audit
from homeledger.services.errors import NotFound, OwnerOnly, ValidationError

ROLES = (OWNER, *MEMBER_ROLES)
ROLE_TITLES = {
    OWNER: "Owner",
    "editor": "Editor: adds and changes transactions, imports, budgets, bills, debts, goals",
    "viewer": "Viewer: reads everything, changes nothing",
}
_CHOOSE_ROLE = f"Choose {' or '.join(MEMBER_ROLES)}."
# How many people besides its owner one ledger may be shared with.
MAX_MEMBERS = 20


@dataclass(frozen=True)
class Ledger:
    """A ledger someone may act in, and their role there."""

    id: int  # the owner's user id: the value of X-Ledger-Id and of the web switcher
    owner: str  # the owner's username
    owner_name: str  # what pages call the owner: display name, else username
    role: str

    @property
    def title(self) -> str:
        return "Your ledger" if self.role == OWNER else f"{self.owner_name}'s ledger"


@dataclass(frozen=True)
class Member:
    """One person with access to the acting ledger (its owner among them)."""

    user_id: int
    username: str
    display_name: str | None
    role: str
    owner_id: int | None  # the household owner who is this person ("me" for them)
    owner_name: str | None
    added_at: datetime | None

    @property
    def name(self) -> str:
        return self.display_name or self.username


def _name(user: User) -> str:
    return user.display_name or user.username


def role_in(session: Session, user: User, ledger_id: int) -> str | None:
    """``user``'s role in the ledger ``ledger_id``, or None without a grant (as for an id
    no ledger can have, which is not sent to the database)."""
    if ledger_id == user.id:
        return OWNER
    if type(ledger_id) is not int or not 0 < ledger_id <= MAX_ID:
        return None
    return session.scalar(
        select(LedgerMember.role).where(
            LedgerMember.ledger_user_id == ledger_id, LedgerMember.member_id == user.id
        )
    )


def enter(session: Session, user: User, ledger_id: int | None = None) -> str | None:
    """Confine ``session`` to ``ledger_id`` (default: ``user``'s own) with ``user`` acting,
    and say their role there; None, and nothing changed, if they have no grant in it
    (which is what a ledger that does not exist answers too)."""
    ledger = user.id if ledger_id is None else ledger_id
    role = role_in(session, user, ledger)
    if role is not None:
        tenancy.set_ledger(session, ledger, user.id, role)
    return role


def ledgers(session: Session, user: User) -> list[Ledger]:
    """Every ledger ``user`` may act in: their own first, then the shared ones by name."""
    return [Ledger(user.id, user.username, _name(user), OWNER), *shared_with(session, user)]


def shared_with(session: Session, user: User) -> list[Ledger]:
    """The ledgers others have shared with ``user``, by their owner's name."""
    shared = session.execute(
        select(User, LedgerMember.role)
        .join(LedgerMember, LedgerMember.ledger_user_id == User.id)
        .where(LedgerMember.member_id == user.id)
    ).all()
    found = [Ledger(owner.id, owner.username, _name(owner), role) for owner, role in shared]
    return sorted(found, key=lambda ledger: (ledger.owner_name.casefold(), ledger.id))


def ledger(session: Session, user: User, ledger_id: int) -> Ledger:
    """One ledger ``user`` may act in (their own too), with their role; NotFound for any
    other id, so a ledger they have no grant in is not revealed."""
    for one in ledgers(session, user):
        if one.id == ledger_id:
            return one
    raise NotFound("no such ledger")


def members(session: Session) -> list[Member]:
    """The acting ledger's owner, then its members by name, each with their "me" owner."""
    ledger = tenancy.current_ledger(session)
    links = {
        login: (owner_id, name)
        for owner_id, name, login in session.execute(
            select(Owner.id, Owner.name, Owner.login_id).where(Owner.login_id.is_not(None))
        )
    }
    owner = session.get(User, ledger)
    rows = session.execute(
        select(User, LedgerMember)
        .join(LedgerMember, LedgerMember.member_id == User.id)
        .where(LedgerMember.ledger_user_id == ledger)
    ).all()

    def member(user: User, role: str, added_at: datetime | None) -> Member:
        owner_id, owner_name = links.get(user.id, (None, None))
        return Member(
            user.id, user.username, user.display_name, role, owner_id, owner_name, added_at
        )

    people = [member(user, grant.role, grant.created_at) for user, grant in rows]
    people.sort(key=lambda person: (person.name.casefold(), person.user_id))
    return [member(owner, OWNER, None), *people]


def member(session: Session, user_id: int) -> Member:
    """One person of the acting ledger (its owner or a member); NotFound otherwise."""
    for person in members(session):
        if person.user_id == user_id:
            return person
    raise NotFound("no such member of this ledger")


def require_owner(session: Session, doing: str = "manage this ledger's members") -> None:
    """Refuse anyone but the acting ledger's owner: a viewer as read-only, an editor as
    not the owner. Checked before anything else is read, so neither learns more."""
    role = tenancy.current_role(session)
    actor, ledger = tenancy.current_actor(session), tenancy.current_ledger(session)
    refuse_viewer(role, "ledger_members", actor, ledger)
    if role != OWNER:
        raise OwnerOnly(f"only the ledger's owner may {doing}")


def add_member(
    session: Session, username: object, role: object, *, ip_address: str | None = None
) -> Member:
    """Share the acting ledger with the person called ``username``, as ``role``."""
    require_owner(session)
    ledger = tenancy.current_ledger(session)
    problems: dict[str, str] = {}
    person = None
    if not isinstance(username, str) or not username.strip():
        problems["username"] = "Give the username of the person to share with."
    else:
        person = accounts.find_user(session, username)
        if person is None:
            problems["username"] = f"There is no one called {username.strip()[:64]!r} here."
        elif person.id == ledger:
            problems["username"] = "This is your own ledger: you are its owner already."
        elif not person.is_active:
            problems["username"] = f"{person.username}'s account is deactivated."
        elif role_in(session, person, ledger) is not None:
            problems["username"] = f"{person.username} is a member already; change their role."
    if role not in MEMBER_ROLES:
        problems["role"] = _CHOOSE_ROLE
    if not problems and _member_count(session, ledger) >= MAX_MEMBERS:
        problems["username"] = f"A ledger can be shared with at most {MAX_MEMBERS} people."
    if problems:
        raise ValidationError(problems)
    session.add(
        LedgerMember(
            ledger_user_id=ledger,
            member_id=person.id,
            role=role,
            added_by_id=tenancy.current_actor(session),
        )
    )
    _record(session, "ledger.member_add", person, ip_address, role=role)
    session.flush()
    return member(session, person.id)


def _member_count(session: Session, ledger: int) -> int:
    return session.scalar(
        select(func.count()).select_from(LedgerMember).where(LedgerMember.ledger_user_id == ledger)
    )


def _grant(session: Session, ledger_id: int, member_id: int) -> LedgerMember | None:
    return session.scalar(
        select(LedgerMember).where(
            LedgerMember.ledger_user_id == ledger_id, LedgerMember.member_id == member_id
        )
    )


def _member_grant(session: Session, user_id: int) -> LedgerMember:
    """The grant of ``user_id`` in the acting ledger; NotFound if they are no member."""
    grant = _grant(session, tenancy.current_ledger(session), user_id)
    if grant is None:
        raise NotFound("no such member of this ledger")
    return grant


_UNCHANGED = object()


def change_member(
    session: Session,
    user_id: int,
    *,
    role: object = _UNCHANGED,
    owner_id: object = _UNCHANGED,
    ip_address: str | None = None,
) -> Member:
    """Change a member's role, and/or which household owner is them (``owner_id``,
    None for none). The owner's own row takes ``owner_id`` only."""
    require_owner(session)
    ledger = tenancy.current_ledger(session)
    grant = None if user_id == ledger else _member_grant(session, user_id)
    problems: dict[str, str] = {}
    if role is not _UNCHANGED:
        if grant is None and role != OWNER:
            problems["role"] = "The ledger's owner stays its owner."
        elif grant is not None and role not in MEMBER_ROLES:
            problems["role"] = _CHOOSE_ROLE
    owner = None
    if owner_id is not _UNCHANGED and owner_id is not None:
        if type(owner_id) is not int or not 0 < owner_id <= MAX_ID:
            problems["owner_id"] = "Give an owner's id, or null for none."
        else:
            owner = session.scalar(select(Owner).where(Owner.id == owner_id))
            if owner is None:
                problems["owner_id"] = "There is no such owner in this ledger."
    if problems:
        raise ValidationError(problems)
    person = session.get(User, user_id)
    changes: dict[str, object] = {}
    if grant is not None and role is not _UNCHANGED and role != grant.role:
        changes["role"] = {"from": grant.role, "to": role}
        grant.role = role
    if owner_id is not _UNCHANGED:
        before = session.scalar(select(Owner).where(Owner.login_id == user_id))
        if before is not owner:
            if before is not None:
                before.login_id = None
                session.flush()  # one owner per login: free it before it moves
            if owner is not None:
                owner.login_id = user_id
            changes["owner"] = {
                "from": before.name if before else None,
                "to": owner.name if owner else None,
            }
    if changes:
        _record(session, "ledger.member_change", person, ip_address, **changes)
        session.flush()
    return member(session, user_id)


def remove_member(session: Session, user_id: int, *, ip_address: str | None = None) -> None:
    """Take a member's access away; their next request, anywhere, no longer has it."""
    require_owner(session)
    if user_id == tenancy.current_ledger(session):
        raise ValidationError({"user_id": "The owner cannot be removed from their own ledger."})
    grant = _member_grant(session, user_id)
    person = session.get(User, user_id)
    _record(session, "ledger.member_remove", person, ip_address, role=grant.role)
    session.delete(grant)
    session.flush()


def leave(session: Session, user: User, ledger_id: int, *, ip_address: str | None = None) -> None:
    """``user`` gives up their access to someone else's ledger."""
    if ledger_id == user.id:
        raise ValidationError(
            {"ledger": "You own this ledger, so you cannot leave it; remove its members instead."}
        )
    grant = _grant(session, ledger_id, user.id)
    if grant is None:
        raise NotFound("no such ledger")
    audit.record(
        session,
        "ledger.member_leave",
        actor_id=user.id,
        ledger_user_id=ledger_id,
        ip_address=ip_address,
        extra={"role": grant.role},
    )
    session.delete(grant)
    session.flush()


def my_owner_id(session: Session, owners: Iterable[Owner] | None = None) -> int | None:
    """The household owner who is the actor in the acting ledger ("mine"), if linked;
    found among ``owners`` (every owner of the ledger) when the page has read them."""
    actor = tenancy.current_actor(session)
    if owners is not None:
        return next((owner.id for owner in owners if owner.login_id == actor), None)
    return session.scalar(select(Owner.id).where(Owner.login_id == actor))


def record_refused_write(session: Session, refusal: ReadOnly, method: str, path: str) -> None:
    """Audit a viewer's attempt to change the ledger (the attempt itself is rolled back)."""
    audit.record(
        session,
        "ledger.write_refused",
        actor_id=refusal.actor_id,
        ledger_user_id=refusal.ledger_user_id,
        outcome="refused",
        extra={"table": refusal.table, "request": f"{method} {path}"[:200]},
    )


def _record(
    session: Session, action: str, person: User, ip_address: str | None, **extra: object
) -> None:
    audit.record(
        session,
        action,
        actor_id=tenancy.current_actor(session),
        ledger_user_id=tenancy.current_ledger(session),
        ip_address=ip_address,
        extra={"member": person.username, **extra},
    )


def people_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """What pages call each of these people (display name, else username), by user id: who
    entered or last changed a row, in one query. An id of an account since deleted is left
    out."""
    wanted = {one for one in ids if one is not None}
    if not wanted:
        return {}
    people = session.scalars(select(User).where(User.id.in_(wanted)))
    return {user.id: _name(user) for user in people}
