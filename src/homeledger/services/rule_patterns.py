"""Spotting regular expressions that can take exponential time, before a rule is saved.

Exponential backtracking needs a repeated group whose repetitions can split the
same text in many ways. Two shapes give that away, and a rule with either is
refused:

* a repeated group that contains a repeat: ``(a+)+``, ``(.*)*``, ``(\\w+\\s?)*``;
* a repeated group whose alternatives can start with the same character:
  ``(a|aa)+``, ``(\\w|\\d)+``.

This reads the pattern's shape; it is not a proof. A pattern it lets through may
still be slow (the time limits in ``rules.Matcher`` deal with those), and a
harmless pattern of these shapes is refused. Possessive repeats (``\\w++``) and
atomic groups (``(?>…)``) never backtrack, so they are never refused: the way
to write such a pattern safely. Verbose (``(?x)``) and version-1 (``(?V1)``)
patterns are not read, as their syntax differs; only the limits guard them.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from itertools import pairwise

import regex

_REPEAT_IN_REPEAT = "a repeated group contains a repeat"
_OVERLAPPING_BRANCHES = "a repeated group has alternatives that can start the same way"
_HINT = "; a possessive repeat such as \\w++ or an atomic group (?>…) avoids it"

_QUANTIFIER = re.compile(r"(?:([*+?])|\{(\d*)(,?)(\d*)\})([?+]?)")
_FLAGS = re.compile(r"\(\?([a-zA-Z0-9^-]+)([:)])")
_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")
_NOT_GROUPS = ("(?P=", "(?P>", "(?&", "(?R", "(?0", "(?1", "(?2", "(?3", "(?4", "(?5")
_NAMED = re.compile(r"\(\?(?:P?<(?![=!])[^>]*>|'[^']*')")
# Characters tried against each alternative to see how it can start.
_PROBES = string.printable.strip() + " éßñø€£¥Жж中٣\u00a0"


# Counted repeats are expanded when a pattern compiles: (?:a{65535}){100} takes gigabytes.
MAX_COUNT = 100
MAX_COUNT_PRODUCT = 10_000
_COUNTED = re.compile(r"\{(\d+)(?:,(\d*))?\}")


def size_problem(pattern: str) -> str | None:
    """Why compiling ``pattern`` could take too much memory, or None.

    Every counted repeat (``{n}``, ``{n,m}``) must stay at or under MAX_COUNT, and
    all of them multiplied together under MAX_COUNT_PRODUCT (nested counts multiply;
    counting them all is the cautious reading). Checked before anything compiles it.
    """
    product = 1
    for low, high in _COUNTED.findall(pattern):
        count = max(int(low), int(high or 0))
        if count > MAX_COUNT:
            return f"repeats something {count} times; at most {MAX_COUNT} are allowed"
        product *= max(count, 1)
        if product > MAX_COUNT_PRODUCT:
            return "has too many counted repeats: together they would take too much memory"
    return None


@dataclass
class _Group:
    body: int  # where the group's text starts
    atomic: bool = False  # atomic group or lookaround: never backtracked into
    bars: list[int] = field(default_factory=list)  # top-level "|" positions
    has_repeat: bool = False  # contains a repeat that can be backtracked into


def exponential_risk(pattern: str) -> str | None:
    """Why ``pattern`` may take exponential time, or None when its shape looks safe."""
    flags = [m.group(1) for m in _FLAGS.finditer(pattern)]
    if any("x" in f.split("-")[0] or "V1" in f for f in flags):
        return None
    stack = [_Group(0)]
    last: _Group | bool | None = None  # what a quantifier would repeat: a group, an atom
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i, last = _after_escape(pattern, i), True
        elif char == "[":
            i, last = _after_class(pattern, i), True
        elif char == "(":
            i, last = _open(pattern, i, stack)
        elif char == ")":
            if len(stack) < 2:
                return None  # not a shape this reader understands
            group = stack.pop()
            group.bars.append(i)
            if group.has_repeat and not group.atomic:
                stack[-1].has_repeat = True
            i, last = i + 1, group
        elif char == "|":
            stack[-1].bars.append(i)
            i, last = i + 1, None
        elif quantifier := _QUANTIFIER.match(pattern, i):
            low, high, possessive = _bounds(quantifier)
            if high == -1:  # "{" that is not a repeat is a literal
                i, last = i + 1, True
                continue
            repeats = high is None or high > 1
            if isinstance(last, _Group) and repeats and not possessive and not last.atomic:
                if last.has_repeat:
                    return f"may take exponential time: {_REPEAT_IN_REPEAT}{_HINT}"
                if _branches_overlap(pattern, last):
                    return f"may take exponential time: {_OVERLAPPING_BRANCHES}{_HINT}"
            if repeats and (high is None or high > low) and not possessive:
                stack[-1].has_repeat = True
            i, last = quantifier.end(), None
        else:
            i, last = i + 1, True
    return None


def _after_escape(pattern: str, i: int) -> int:
    letter = pattern[i + 1 : i + 2]
    end = i + 2
    if letter in ("p", "P", "N", "x", "g") and pattern[end : end + 1] in ("{", "<"):
        close = pattern.find("}" if pattern[end] == "{" else ">", end)
        return len(pattern) if close == -1 else close + 1
    return end


def _after_class(pattern: str, i: int) -> int:
    j = i + 1
    if pattern[j : j + 1] == "^":
        j += 1
    if pattern[j : j + 1] == "]":
        j += 1
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
        elif pattern.startswith("[:", j) and (close := pattern.find(":]", j + 2)) != -1:
            j = close + 2
        elif pattern[j] == "]":
            return j + 1
        else:
            j += 1
    return len(pattern)


def _open(pattern: str, i: int, stack: list[_Group]) -> tuple[int, bool | None]:
    """Step past "(" and whatever introduces the group; push it if it is one."""
    if pattern.startswith("(?#", i):
        close = pattern.find(")", i)
        return (len(pattern) if close == -1 else close + 1), None
    if pattern.startswith(_NOT_GROUPS, i):
        close = pattern.find(")", i)
        return (len(pattern) if close == -1 else close + 1), True
    if (flags := _FLAGS.match(pattern, i)) and flags.group(2) == ")":
        return flags.end(), None  # flags for the whole pattern, not a group
    if flags:
        body = flags.end()
    elif named := _NAMED.match(pattern, i):
        body = named.end()
    elif pattern.startswith(_LOOKAROUND, i):
        body = i + (4 if pattern.startswith("(?<", i) else 3)
    elif pattern.startswith(("(?:", "(?>", "(?|"), i):
        body = i + 3
    else:
        body = i + 1
    atomic = pattern.startswith("(?>", i) or pattern.startswith(_LOOKAROUND, i)
    stack.append(_Group(body, atomic=atomic))
    return body, None


def _bounds(match: re.Match) -> tuple[int, int | None, bool]:
    """(least, most or None for no limit, possessive); most is -1 for a literal "{"."""
    symbol, low, comma, high, suffix = match.groups()
    possessive = suffix == "+"
    if symbol:
        return {"*": (0, None), "+": (1, None), "?": (0, 1)}[symbol] + (possessive,)
    if not low and not high:
        return 0, -1, False
    least = int(low or 0)
    most = int(high) if high else (None if comma else least)
    return least, most, possessive


def _branches_overlap(pattern: str, group: _Group) -> bool:
    """Whether two alternatives of ``group`` can start with the same character."""
    starts, edges = [], [group.body - 1, *group.bars]
    for left, right in pairwise(edges):
        try:
            branch = regex.compile(pattern[left + 1 : right], regex.IGNORECASE)
        except regex.error:
            continue  # e.g. a back-reference to a group outside it
        starts.append(
            {
                probe
                for probe in _PROBES
                if (m := branch.match(probe, partial=True)) is not None and m.end() == 1
            }
        )
    return any(a & b for n, a in enumerate(starts) for b in starts[n + 1 :])
